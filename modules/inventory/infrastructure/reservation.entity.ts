import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { ReservationLine, ReservationStatus } from '../domain/reservation';

@Entity({ schema: 'inventory', name: 'reservations' })
export class ReservationEntity {
  /** One reservation per order: the order id is its key, which makes reserving idempotent. */
  @PrimaryColumn({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ type: 'jsonb' })
  lines: ReservationLine[];

  @Column({ type: 'varchar', length: 16 })
  status: ReservationStatus;

  /** The user the reservation was made for (null when a service made it). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  owner: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

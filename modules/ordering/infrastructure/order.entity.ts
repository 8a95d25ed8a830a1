import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { OrderLine, OrderStatus } from '../domain/order';

/** `bigint` comes back from pg as a string; totals stay well inside a safe integer. */
const bigintAsNumber = { to: (value: number) => value, from: (value: string) => Number(value) };

@Entity({ schema: 'ordering', name: 'orders' })
export class OrderEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'customer_id', type: 'varchar', length: 64 })
  customerId: string;

  @Column({ type: 'varchar', length: 16 })
  status: OrderStatus;

  @Column({ name: 'total_minor', type: 'bigint', transformer: bigintAsNumber })
  totalMinor: number;

  @Column({ type: 'char', length: 3 })
  currency: string;

  /** Lines never change after placing, so they live with the order as one document. */
  @Column({ type: 'jsonb' })
  lines: OrderLine[];

  @Column({ name: 'cancellation_reason', type: 'varchar', length: 200, nullable: true })
  cancellationReason: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

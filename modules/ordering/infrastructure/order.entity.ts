import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { NotAContractField, StoresContractField } from '@seams/kernel/persistence';
import { PAYMENT_DECLINE_REASON_MAX_LENGTH, PaymentDeclined } from '../../payments/contract';
import { PAYMENT_DECLINED_PREFIX } from '../domain/cancellation-reason';
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

  @NotAContractField("the currency the catalog priced the order's lines in; payment events only repeat it")
  @Column({ type: 'char', length: 3 })
  currency: string;

  /** Lines never change after placing, so they live with the order as one document. */
  @Column({ type: 'jsonb' })
  lines: OrderLine[];

  /** Migrated to this length by WidenCancellationReason1732800000000. */
  @StoresContractField(PaymentDeclined, 'reason', { prefix: PAYMENT_DECLINED_PREFIX })
  @Column({ name: 'cancellation_reason', type: 'varchar', length: PAYMENT_DECLINE_REASON_MAX_LENGTH + PAYMENT_DECLINED_PREFIX.length, nullable: true })
  cancellationReason: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

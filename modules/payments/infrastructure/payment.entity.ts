import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { StoresContractField } from '@seams/kernel/persistence';
import { OrderPlaced } from '../../ordering/contract';
import { PAYMENT_DECLINE_REASON_MAX_LENGTH, PaymentDeclined } from '../contract';
import type { PaymentStatus } from '../domain/payment';

const bigintAsNumber = { to: (value: number) => value, from: (value: string) => Number(value) };

@Entity({ schema: 'payments', name: 'payments' })
export class PaymentEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  /** Unique: an order is charged at most once. */
  @Column({ name: 'order_id', type: 'uuid', unique: true })
  orderId: string;

  @Column({ name: 'amount_minor', type: 'bigint', transformer: bigintAsNumber })
  amountMinor: number;

  @StoresContractField(OrderPlaced, 'currency')
  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 16 })
  status: PaymentStatus;

  /** The reason as published in `payments.payment-declined.v1` (a longer provider reason is cut to fit). */
  @StoresContractField(PaymentDeclined, 'reason')
  @Column({ name: 'decline_reason', type: 'varchar', length: PAYMENT_DECLINE_REASON_MAX_LENGTH, nullable: true })
  declineReason: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ModuleDatabase } from '@seams/kernel/persistence';
import type { Payment, PaymentProps } from '../domain/payment';
import { PaymentEntity } from './payment.entity';

@Injectable()
export class PaymentRepository {
  constructor(private readonly database: ModuleDatabase) {}

  /**
   * Serialises every attempt on one order until the transaction ends, then says whether the
   * order already has a payment. Two deliveries of one event cannot both charge.
   */
  async lockOrder(manager: EntityManager, orderId: string): Promise<boolean> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`payments:order:${orderId}`]);
    return manager.existsBy(PaymentEntity, { orderId });
  }

  async add(manager: EntityManager, payment: Payment): Promise<void> {
    await manager.insert(PaymentEntity, { ...payment.props });
  }

  async listByOrder(orderId: string): Promise<PaymentProps[]> {
    const rows = await this.database.manager.find(PaymentEntity, { where: { orderId }, order: { createdAt: 'ASC' } });
    return rows.map(({ id, amountMinor, currency, status, declineReason }) => ({
      id,
      orderId,
      amountMinor,
      currency,
      status,
      declineReason,
    }));
  }
}

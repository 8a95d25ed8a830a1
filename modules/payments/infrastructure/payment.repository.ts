import type { EntityManager } from 'typeorm';
import type { Payment } from '../domain/payment';
import type { PaymentReads, PaymentRepository } from '../domain/payment.repository';
import { PaymentEntity } from './payment.entity';
import { PaymentMapper } from './payment.mapper';

/** `PaymentRepository` and `PaymentReads` on one entity manager. */
export class TypeOrmPaymentRepository implements PaymentRepository, PaymentReads {
  constructor(private readonly manager: EntityManager) {}

  async lockOrder(orderId: string): Promise<boolean> {
    await this.manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`payments:order:${orderId}`]);
    return this.manager.existsBy(PaymentEntity, { orderId });
  }

  async add(payment: Payment): Promise<void> {
    await this.manager.insert(PaymentEntity, PaymentMapper.toPersistence(payment));
  }

  async listByOrder(orderId: string): Promise<Payment[]> {
    const rows = await this.manager.find(PaymentEntity, { where: { orderId }, order: { createdAt: 'ASC' } });
    return rows.map(PaymentMapper.toDomain);
  }
}

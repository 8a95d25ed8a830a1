import { Payment } from '../domain/payment';
import type { PaymentEntity } from './payment.entity';

/** Between a `payments` row and the domain; every field is named. */
export const PaymentMapper = {
  toDomain(row: PaymentEntity): Payment {
    return Payment.restore({
      id: row.id,
      orderId: row.orderId,
      amountMinor: row.amountMinor,
      currency: row.currency,
      status: row.status,
      declineReason: row.declineReason,
    });
  },

  toPersistence(payment: Payment): Omit<PaymentEntity, 'createdAt'> {
    const { id, orderId, amountMinor, currency, status, declineReason } = payment.props;
    return { id, orderId, amountMinor, currency, status, declineReason };
  },
};

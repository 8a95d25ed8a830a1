import { Query } from '@nestjs/cqrs';
import type { PaymentProps } from '../../domain/payment';

/** Internal to payments: the payments recorded for one order (at most one). */
export class ListPayments extends Query<PaymentProps[]> {
  constructor(readonly orderId: string) {
    super();
  }
}

import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { PaymentProps } from '../../domain/payment';
import { PaymentRepository } from '../../infrastructure/payment.repository';
import { ListPayments } from './list-payments.query';

@QueryHandler(ListPayments)
export class ListPaymentsHandler implements IQueryHandler<ListPayments, PaymentProps[]> {
  constructor(private readonly payments: PaymentRepository) {}

  execute({ orderId }: ListPayments): Promise<PaymentProps[]> {
    return this.payments.listByOrder(orderId);
  }
}

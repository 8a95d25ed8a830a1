import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { PaymentProps } from '../../domain/payment';
import type { PaymentReads } from '../../domain/payment.repository';
import { PAYMENT_READS } from '../../payments.di-tokens';
import { PaymentAnswersMapper } from '../payment-answers.mapper';
import { ListPayments } from './list-payments.query';

@QueryHandler(ListPayments)
export class ListPaymentsHandler implements IQueryHandler<ListPayments, PaymentProps[]> {
  constructor(@Inject(PAYMENT_READS) private readonly payments: PaymentReads) {}

  async execute({ orderId }: ListPayments): Promise<PaymentProps[]> {
    return (await this.payments.listByOrder(orderId)).map(PaymentAnswersMapper.props);
  }
}

import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { type EventSubscriber, Subscribe } from '@seams/kernel/seam';
import { OrderPlaced } from '../../../ordering/contract';
import { Payment, type PaymentProvider } from '../../domain/payment';
import { PAYMENT_PROVIDER, PAYMENTS_UNIT_OF_WORK } from '../../payments.di-tokens';
import { PaymentAnswersMapper } from '../payment-answers.mapper';
import type { PaymentsUnitOfWork } from '../ports/payments.unit-of-work';

/**
 * Charges a placed order's total, once per order, and announces the outcome. The order id is
 * the provider's idempotency key, and the per-order lock plus the unique payment row make a
 * redelivered `OrderPlaced` a no-op.
 */
@Subscribe(OrderPlaced)
export class OnOrderPlaced implements EventSubscriber<OrderPlaced> {
  constructor(
    @Inject(PAYMENTS_UNIT_OF_WORK) private readonly unitOfWork: PaymentsUnitOfWork,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
  ) {}

  async handle({ orderId, totalMinor, currency }: OrderPlaced): Promise<void> {
    await this.unitOfWork.run(async ({ payments, publish }) => {
      if (await payments.lockOrder(orderId)) return;
      const outcome = await this.provider.charge({ amountMinor: totalMinor, currency, idempotencyKey: orderId });
      const payment = Payment.fromOutcome({ id: randomUUID(), orderId, amountMinor: totalMinor, currency }, outcome);
      await payments.add(payment);
      publish(PaymentAnswersMapper.outcome(payment));
    });
  }
}

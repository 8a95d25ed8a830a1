import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { ModuleDatabase } from '@seams/kernel/persistence';
import { OrderPlaced } from '../../../ordering/contract';
import { PaymentCaptured, PaymentDeclined } from '../../contract';
import { Payment, type PaymentProvider } from '../../domain/payment';
import { PaymentRepository } from '../../infrastructure/payment.repository';
import { PAYMENT_PROVIDER } from '../../payments.di-tokens';
import { type EventSubscriber, Subscribe } from '@seams/kernel/seam';

/**
 * Charges a placed order's total, once per order, and announces the outcome. The order id is
 * the provider's idempotency key, and the per-order lock plus the unique payment row make a
 * redelivered `OrderPlaced` a no-op.
 */
@Subscribe(OrderPlaced)
export class OnOrderPlaced implements EventSubscriber<OrderPlaced> {
  constructor(
    private readonly database: ModuleDatabase,
    private readonly payments: PaymentRepository,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
  ) {}

  async handle({ orderId, totalMinor, currency }: OrderPlaced): Promise<void> {
    await this.database.transaction(async (tx) => {
      if (await this.payments.lockOrder(tx.manager, orderId)) return;
      const outcome = await this.provider.charge({ amountMinor: totalMinor, currency, idempotencyKey: orderId });
      const payment = Payment.fromOutcome({ id: randomUUID(), orderId, amountMinor: totalMinor, currency }, outcome);
      await this.payments.add(tx.manager, payment);
      const { id, declineReason } = payment.props;
      tx.publish(
        payment.captured
          ? new PaymentCaptured(id, orderId, totalMinor, currency)
          : new PaymentDeclined(id, orderId, totalMinor, currency, declineReason ?? 'declined'),
      );
    });
  }
}

import { PaymentDeclined } from '../../../payments/contract';
import { paymentDeclinedReason } from '../../domain/cancellation-reason';
import { OrderSettlement } from './order-settlement';
import { type EventSubscriber, Subscribe } from '@seams/kernel/seam';

@Subscribe(PaymentDeclined)
export class OnPaymentDeclined implements EventSubscriber<PaymentDeclined> {
  constructor(private readonly settlement: OrderSettlement) {}

  async handle({ orderId, reason }: PaymentDeclined): Promise<void> {
    await this.settlement.cancel(orderId, paymentDeclinedReason(reason));
  }
}

import { PaymentCaptured } from '../../../payments/contract';
import { OrderSettlement } from './order-settlement';
import { type EventSubscriber, Subscribe } from '@seams/kernel/seam';

@Subscribe(PaymentCaptured)
export class OnPaymentCaptured implements EventSubscriber<PaymentCaptured> {
  constructor(private readonly settlement: OrderSettlement) {}

  async handle({ orderId }: PaymentCaptured): Promise<void> {
    await this.settlement.confirm(orderId);
  }
}

import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { PaymentCaptured } from '../../../payments/contract';
import { OrderSettlement } from './order-settlement';

@EventsHandler(PaymentCaptured)
export class OnPaymentCaptured implements IEventHandler<PaymentCaptured> {
  constructor(private readonly settlement: OrderSettlement) {}

  async handle({ orderId }: PaymentCaptured): Promise<void> {
    await this.settlement.confirm(orderId);
  }
}

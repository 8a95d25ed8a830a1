import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { PaymentDeclined } from '../../../payments/contract';
import { OrderSettlement } from './order-settlement';

@EventsHandler(PaymentDeclined)
export class OnPaymentDeclined implements IEventHandler<PaymentDeclined> {
  constructor(private readonly settlement: OrderSettlement) {}

  async handle({ orderId, reason }: PaymentDeclined): Promise<void> {
    await this.settlement.cancel(orderId, `payment declined: ${reason}`);
  }
}

import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { OrderConfirmed } from '../../../ordering/contract';
import { ReservationSettlement } from './reservation-settlement';

/** A confirmed order's goods leave the warehouse: its reservation is committed. */
@EventsHandler(OrderConfirmed)
export class OnOrderConfirmed implements IEventHandler<OrderConfirmed> {
  constructor(private readonly settlement: ReservationSettlement) {}

  async handle({ orderId }: OrderConfirmed): Promise<void> {
    await this.settlement.commit(orderId);
  }
}

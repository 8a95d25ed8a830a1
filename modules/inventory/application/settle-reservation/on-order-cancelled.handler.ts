import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { OrderCancelled } from '../../../ordering/contract';
import { ReservationSettlement } from './reservation-settlement';

/** A cancelled order's stock goes back on sale: its reservation is released. */
@EventsHandler(OrderCancelled)
export class OnOrderCancelled implements IEventHandler<OrderCancelled> {
  constructor(private readonly settlement: ReservationSettlement) {}

  async handle({ orderId }: OrderCancelled): Promise<void> {
    await this.settlement.release(orderId);
  }
}

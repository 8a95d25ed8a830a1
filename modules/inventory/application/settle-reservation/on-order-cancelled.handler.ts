import { OrderCancelled } from '../../../ordering/contract';
import { ReservationSettlement } from './reservation-settlement';
import { type EventSubscriber, Subscribe } from '@seams/kernel/seam';

/** A cancelled order's stock goes back on sale: its reservation is released. */
@Subscribe(OrderCancelled)
export class OnOrderCancelled implements EventSubscriber<OrderCancelled> {
  constructor(private readonly settlement: ReservationSettlement) {}

  async handle({ orderId }: OrderCancelled): Promise<void> {
    await this.settlement.release(orderId);
  }
}

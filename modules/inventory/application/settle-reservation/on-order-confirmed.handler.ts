import { OrderConfirmed } from '../../../ordering/contract';
import { ReservationSettlement } from './reservation-settlement';
import { type EventSubscriber, Subscribe } from '@seams/kernel/seam';

/** A confirmed order's goods leave the warehouse: its reservation is committed. */
@Subscribe(OrderConfirmed)
export class OnOrderConfirmed implements EventSubscriber<OrderConfirmed> {
  constructor(private readonly settlement: ReservationSettlement) {}

  async handle({ orderId }: OrderConfirmed): Promise<void> {
    await this.settlement.commit(orderId);
  }
}

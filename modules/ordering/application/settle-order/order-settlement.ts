import { Inject, Injectable } from '@nestjs/common';
import { ORDERING_UNIT_OF_WORK } from '../../ordering.di-tokens';
import { OrderEventsMapper } from '../order-events.mapper';
import type { OrderingUnitOfWork } from '../ports/ordering.unit-of-work';

/**
 * Moves a PENDING order to its final state and announces it, in one unit of work. An order
 * already final is left as it is (and nothing is announced again).
 */
@Injectable()
export class OrderSettlement {
  constructor(@Inject(ORDERING_UNIT_OF_WORK) private readonly unitOfWork: OrderingUnitOfWork) {}

  confirm(orderId: string): Promise<boolean> {
    return this.unitOfWork.run(async ({ orders, publish }) => {
      const order = await orders.lock(orderId);
      if (!order?.confirm()) return false;
      await orders.saveState(order);
      publish(OrderEventsMapper.confirmed(order));
      return true;
    });
  }

  /** The order keeps the whole reason; its announcement carries it cut to the contract's length. */
  cancel(orderId: string, reason: string): Promise<boolean> {
    return this.unitOfWork.run(async ({ orders, publish }) => {
      const order = await orders.lock(orderId);
      if (!order?.cancel(reason)) return false;
      await orders.saveState(order);
      publish(OrderEventsMapper.cancelled(order));
      return true;
    });
  }
}

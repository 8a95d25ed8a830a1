import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { OrderNotFoundError } from '../../domain/ordering.errors';
import { ORDER_READS } from '../../ordering.di-tokens';
import type { OrderReads, OrderView } from '../ports/order-reads';
import { GetOrder } from './get-order.query';

@QueryHandler(GetOrder)
export class GetOrderHandler implements IQueryHandler<GetOrder, OrderView> {
  constructor(@Inject(ORDER_READS) private readonly orders: OrderReads) {}

  async execute({ orderId }: GetOrder): Promise<OrderView> {
    const order = await this.orders.find(orderId);
    if (!order) throw new OrderNotFoundError(orderId);
    return order;
  }
}

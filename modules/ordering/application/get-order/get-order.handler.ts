import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { OrderNotFoundError } from '../../domain/ordering.errors';
import { OrderRepository, type OrderRecord } from '../../infrastructure/order.repository';
import { GetOrder } from './get-order.query';

@QueryHandler(GetOrder)
export class GetOrderHandler implements IQueryHandler<GetOrder, OrderRecord> {
  constructor(private readonly orders: OrderRepository) {}

  async execute({ orderId }: GetOrder): Promise<OrderRecord> {
    const order = await this.orders.read(orderId);
    if (!order) throw new OrderNotFoundError(orderId);
    return order;
  }
}

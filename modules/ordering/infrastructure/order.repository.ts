import type { EntityManager } from 'typeorm';
import type { OrderReads, OrderView } from '../application/ports/order-reads';
import type { Order } from '../domain/order';
import type { OrderRepository } from '../domain/order.repository';
import { OrderEntity } from './order.entity';
import { OrderMapper } from './order.mapper';

/** `OrderRepository` on one entity manager (a unit of work's transaction). */
export class TypeOrmOrderRepository implements OrderRepository {
  constructor(private readonly manager: EntityManager) {}

  async add(order: Order): Promise<void> {
    await this.manager.insert(OrderEntity, OrderMapper.toPersistence(order));
  }

  async lock(orderId: string): Promise<Order | undefined> {
    const row = await this.manager.findOne(OrderEntity, { where: { id: orderId }, lock: { mode: 'pessimistic_write' } });
    return row ? OrderMapper.toDomain(row) : undefined;
  }

  async saveState(order: Order): Promise<void> {
    const { status, cancellationReason } = order.toJSON();
    await this.manager.update(OrderEntity, { id: order.id }, { status, cancellationReason });
  }
}

/** `OrderReads` on the module's pool. */
export class TypeOrmOrderReads implements OrderReads {
  constructor(private readonly manager: EntityManager) {}

  async find(orderId: string): Promise<OrderView | undefined> {
    const row = await this.manager.findOneBy(OrderEntity, { id: orderId });
    return row ? OrderMapper.toView(row) : undefined;
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ModuleDatabase } from '@seams/kernel/persistence';
import { Order, type OrderProps } from '../domain/order';
import { OrderEntity } from './order.entity';

export type OrderRecord = OrderProps & { readonly createdAt: Date; readonly updatedAt: Date };

@Injectable()
export class OrderRepository {
  constructor(private readonly database: ModuleDatabase) {}

  async add(manager: EntityManager, order: Order): Promise<void> {
    const { lines, ...rest } = order.toJSON();
    await manager.insert(OrderEntity, { ...rest, lines: [...lines] });
  }

  /** The order, locked for the rest of the transaction. */
  async lock(manager: EntityManager, id: string): Promise<Order | undefined> {
    const row = await manager.findOne(OrderEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
    return row ? Order.restore(row) : undefined;
  }

  async saveState(manager: EntityManager, order: Order): Promise<void> {
    const { status, cancellationReason } = order.toJSON();
    await manager.update(OrderEntity, { id: order.id }, { status, cancellationReason });
  }

  async read(id: string): Promise<OrderRecord | undefined> {
    return (await this.database.manager.findOneBy(OrderEntity, { id })) ?? undefined;
  }
}

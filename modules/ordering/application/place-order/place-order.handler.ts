import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ModuleDatabase } from '../../../../src/kernel/persistence';
import { Seam } from '../../../../src/kernel/seam';
import { GetProducts } from '../../../catalog/contract';
import { ReleaseReservation, ReserveStock } from '../../../inventory/contract';
import { OrderPlaced } from '../../contract';
import { Order, type OrderProps } from '../../domain/order';
import { OrderRepository } from '../../infrastructure/order.repository';
import { PlaceOrder } from './place-order.command';

/**
 * Prices the order from the catalog, reserves its stock in inventory, then stores it as
 * PENDING and announces it. If storing fails after the stock was reserved, the reservation
 * is released again so no stock stays held for an order that does not exist.
 */
@CommandHandler(PlaceOrder)
export class PlaceOrderHandler implements ICommandHandler<PlaceOrder, OrderProps> {
  private readonly logger = new Logger(PlaceOrderHandler.name);

  constructor(
    private readonly seam: Seam,
    private readonly database: ModuleDatabase,
    private readonly orders: OrderRepository,
  ) {}

  async execute({ customerId, lines }: PlaceOrder): Promise<OrderProps> {
    const products = await this.seam.ask(new GetProducts([...new Set(lines.map((line) => line.sku))]));
    const prices = new Map(products.map((product) => [product.sku, product]));
    const order = Order.place({ id: randomUUID(), customerId, lines, prices });

    await this.seam.send(new ReserveStock(order.id, lines));
    try {
      await this.database.transaction(async (tx) => {
        await this.orders.add(tx.manager, order);
        const placed = order.toJSON();
        tx.publish(new OrderPlaced(placed.id, placed.customerId, placed.totalMinor, placed.currency, placed.lines));
      });
    } catch (error) {
      await this.seam.send(new ReleaseReservation(order.id)).catch((releaseError: unknown) => {
        this.logger.error(`Could not release the reservation of unsaved order ${order.id}`, releaseError);
      });
      throw error;
    }
    return order.toJSON();
  }
}

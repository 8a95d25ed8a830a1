import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ModuleDatabase } from '@seams/kernel/persistence';
import { Seam } from '@seams/kernel/seam';
import { GetProducts } from '../../../catalog/contract';
import { ReleaseReservation, ReserveStock } from '../../../inventory/contract';
import { OrderPlaced } from '../../contract';
import { Order, type OrderProps } from '../../domain/order';
import { OrderRepository } from '../../infrastructure/order.repository';
import { PlacementRepository } from '../../infrastructure/placement.repository';
import { PlaceOrder } from './place-order.command';

/**
 * Prices the order from the catalog, reserves its stock in inventory, then stores it as
 * PENDING and publishes `ordering.order-placed.v1` in the same transaction (the outbox).
 *
 * Stock is reserved in another module before the order exists, so a placement is recorded
 * first: if anything fails in between, the reservation is released here; if the process dies
 * in between, `PlacementRecovery` finds the placement and releases it later.
 */
@CommandHandler(PlaceOrder)
export class PlaceOrderHandler implements ICommandHandler<PlaceOrder, OrderProps> {
  private readonly logger = new Logger(PlaceOrderHandler.name);

  constructor(
    private readonly seam: Seam,
    private readonly database: ModuleDatabase,
    private readonly orders: OrderRepository,
    private readonly placements: PlacementRepository,
  ) {}

  async execute({ customerId, lines }: PlaceOrder): Promise<OrderProps> {
    const products = await this.seam.ask(new GetProducts([...new Set(lines.map((line) => line.sku))]));
    const prices = new Map(products.map((product) => [product.sku, product]));
    const order = Order.place({ id: randomUUID(), customerId, lines, prices });

    await this.placements.begin(order.id);
    try {
      await this.seam.send(new ReserveStock(order.id, lines));
      await this.database.transaction(async (tx) => {
        if (!(await this.placements.finish(tx.manager, order.id))) {
          throw new Error(`The placement of order ${order.id} was abandoned before it could be stored`);
        }
        await this.orders.add(tx.manager, order);
        const placed = order.toJSON();
        tx.publish(new OrderPlaced(placed.id, placed.customerId, placed.totalMinor, placed.currency, placed.lines));
      });
    } catch (error) {
      await this.abandon(order.id);
      throw error;
    }
    return order.toJSON();
  }

  /** Releases whatever was reserved and forgets the placement; recovery retries if this fails. */
  private async abandon(orderId: string): Promise<void> {
    try {
      await this.seam.send(new ReleaseReservation(orderId));
      await this.database.transaction((tx) => this.placements.finish(tx.manager, orderId));
    } catch (error) {
      this.logger.warn(`Order ${orderId} was not placed and its stock not yet released (${(error as Error).message}); recovery will`);
    }
  }
}

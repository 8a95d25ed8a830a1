import { randomUUID } from 'node:crypto';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { notSent, Seam } from '@seams/kernel/seam';
import { GetProducts } from '../../../catalog/contract';
import { ReleaseReservation, ReserveStock, ReserveStockV2 } from '../../../inventory/contract';
import { Order, type OrderProps } from '../../domain/order';
import { PlacementAbandonedError } from '../../domain/ordering.errors';
import { ORDERING_UNIT_OF_WORK, PLACEMENT_REPOSITORY } from '../../ordering.di-tokens';
import { type OrderingSettings, orderingSettings } from '../../ordering.settings';
import { OrderEventsMapper } from '../order-events.mapper';
import type { OrderingUnitOfWork } from '../ports/ordering.unit-of-work';
import type { PlacementRepository } from '../ports/placement.repository';
import { PlaceOrder } from './place-order.command';

/**
 * Places an order, a saga over two other modules in four steps:
 *
 *   1. price      ask catalog for the prices; the order exists only in memory
 *   2. record     record a placement, committed at once (recovery's handle from here on)
 *   3. reserve    reserve the stock in inventory
 *   4. store      store the order as PENDING, end the placement and publish
 *                 `ordering.order-placed.v1`, in one unit of work (the outbox)
 *
 * If 3 or 4 fails, the compensation releases the reservation and ends the placement. If that
 * fails too (or the process dies), the placement stays and `PlacementRecovery` releases the
 * stock later. If 3 was refused before it left this process (`notSent`: the breaker open, the
 * bulkhead full), nothing can be held and the placement just ends.
 */
@CommandHandler(PlaceOrder)
export class PlaceOrderHandler implements ICommandHandler<PlaceOrder, OrderProps> {
  private readonly logger = new Logger(PlaceOrderHandler.name);

  constructor(
    private readonly seam: Seam,
    @Inject(ORDERING_UNIT_OF_WORK) private readonly unitOfWork: OrderingUnitOfWork,
    @Inject(PLACEMENT_REPOSITORY) private readonly placements: PlacementRepository,
    @Inject(orderingSettings.token) private readonly settings: Pick<OrderingSettings, 'reserveStockVersion'>,
  ) {}

  async execute({ customerId, lines }: PlaceOrder): Promise<OrderProps> {
    const order = await this.price(customerId, lines);
    await this.record(order);
    try {
      await this.reserve(order);
    } catch (error) {
      // Refused before it left (inventory's breaker open, say, all through an outage):
      // nothing can be held, so the placement ends here rather than wait for recovery.
      await (notSent(error) ? this.abandon(order) : this.compensate(order));
      throw error;
    }
    try {
      await this.store(order);
    } catch (error) {
      await this.compensate(order);
      throw error;
    }
    return order.toJSON();
  }

  /** 1. Prices the lines from the catalog (an unknown sku or mixed currencies fail here, before anything is held). */
  private async price(customerId: string, lines: PlaceOrder['lines']): Promise<Order> {
    const products = await this.seam.ask(new GetProducts([...new Set(lines.map((line) => line.sku))]));
    const prices = new Map(products.map((product) => [product.sku, product]));
    return Order.place({ id: randomUUID(), customerId, lines, prices });
  }

  /** 2. Records the intent before any stock is reserved. */
  private record(order: Order): Promise<void> {
    return this.placements.begin(order.id);
  }

  /** 3. Reserves the order's stock in inventory, in the version of the command the settings name. */
  private async reserve(order: Order): Promise<void> {
    const lines = order.toJSON().lines.map(({ sku, quantity }) => ({ sku, quantity }));
    await this.seam.send(this.settings.reserveStockVersion === 'v2' ? new ReserveStockV2(order.id, lines) : new ReserveStock(order.id, lines));
  }

  /** 4. Stores the order and announces it, unless recovery took the placement over meanwhile. */
  private store(order: Order): Promise<void> {
    return this.unitOfWork.run(async ({ orders, placements, publish }) => {
      if (!(await placements.finish(order.id))) {
        throw new PlacementAbandonedError(order.id);
      }
      await orders.add(order);
      publish(OrderEventsMapper.placed(order));
    });
  }

  /** Ends the placement of an order whose reservation was never sent (nothing to undo); if this fails, recovery's release is harmless. */
  private async abandon(order: Order): Promise<void> {
    try {
      await this.unitOfWork.run(({ placements }) => placements.finish(order.id));
    } catch (error) {
      this.logger.warn(`Order ${order.id} was not placed and its placement not yet ended (${(error as Error).message}); recovery will`);
    }
  }

  /** Undoes 3 (whatever was reserved) and ends the placement; if this fails, recovery does it later. */
  private async compensate(order: Order): Promise<void> {
    try {
      await this.seam.send(new ReleaseReservation(order.id));
      await this.unitOfWork.run(({ placements }) => placements.finish(order.id));
    } catch (error) {
      this.logger.warn(`Order ${order.id} was not placed and its stock not yet released (${(error as Error).message}); recovery will`);
    }
  }
}

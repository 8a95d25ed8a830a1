import { Module } from '@nestjs/common';
import { PersistenceModule } from '@seams/kernel/persistence';
import { orderingMigrations } from '../../migrations/ordering';
import { GetOrderHandler } from './application/get-order/get-order.handler';
import { PlaceOrderHandler } from './application/place-order/place-order.handler';
import { OnPaymentCaptured } from './application/settle-order/on-payment-captured.handler';
import { OnPaymentDeclined } from './application/settle-order/on-payment-declined.handler';
import { OrderSettlement } from './application/settle-order/order-settlement';
import { OrdersController, OrdersV2Controller } from './http/orders.controller';
import { OrderEntity } from './infrastructure/order.entity';
import { OrderRepository } from './infrastructure/order.repository';
import { PlacementRepository } from './infrastructure/placement.repository';
import { PlacementRecovery } from './application/recover-placements/placement-recovery';

const httpControllers = [OrdersController, OrdersV2Controller];
const commandHandlers = [PlaceOrderHandler];
const queryHandlers = [GetOrderHandler];
const eventHandlers = [OnPaymentCaptured, OnPaymentDeclined];
const services = [OrderSettlement, PlacementRecovery];
const repositories = [OrderRepository, PlacementRepository];

/**
 * Ordering: orders and their status. Asks catalog for prices and inventory for stock;
 * publishes `ordering.order-placed.v1`, `-confirmed.v1` and `-cancelled.v1`; settles orders
 * on payments' events.
 */
@Module({
  imports: [
    PersistenceModule.forModule({ module: 'ordering', entities: [OrderEntity], migrations: orderingMigrations }),
  ],
  controllers: httpControllers,
  providers: [...commandHandlers, ...queryHandlers, ...eventHandlers, ...services, ...repositories],
})
export class OrderingModule {}

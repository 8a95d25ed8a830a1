import { Module } from '@nestjs/common';
import { PersistenceModule, provideRepository, provideUnitOfWork } from '@seams/kernel/persistence';
import { orderingMigrations } from '../../migrations/ordering';
import { GetOrderHandler } from './application/get-order/get-order.handler';
import { PlaceOrderHandler } from './application/place-order/place-order.handler';
import type { OrderingRepositories } from './application/ports/ordering.unit-of-work';
import { PlacementRecovery } from './application/recover-placements/placement-recovery';
import { OnPaymentCaptured } from './application/settle-order/on-payment-captured.handler';
import { OnPaymentDeclined } from './application/settle-order/on-payment-declined.handler';
import { OrderSettlement } from './application/settle-order/order-settlement';
import { OrdersController, OrdersV2Controller } from './http/orders.controller';
import { OrderEntity } from './infrastructure/order.entity';
import { TypeOrmOrderReads, TypeOrmOrderRepository } from './infrastructure/order.repository';
import { TypeOrmPlacementRepository } from './infrastructure/placement.repository';
import { ORDER_READS, ORDERING_UNIT_OF_WORK, PLACEMENT_REPOSITORY } from './ordering.di-tokens';

const httpControllers = [OrdersController, OrdersV2Controller];
const commandHandlers = [PlaceOrderHandler];
const queryHandlers = [GetOrderHandler];
const eventHandlers = [OnPaymentCaptured, OnPaymentDeclined];
const services = [OrderSettlement, PlacementRecovery];
const repositories = [
  provideUnitOfWork<OrderingRepositories>(ORDERING_UNIT_OF_WORK, (manager) => ({
    orders: new TypeOrmOrderRepository(manager),
    placements: new TypeOrmPlacementRepository(manager),
  })),
  provideRepository(PLACEMENT_REPOSITORY, (manager) => new TypeOrmPlacementRepository(manager)),
  provideRepository(ORDER_READS, (manager) => new TypeOrmOrderReads(manager)),
];

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

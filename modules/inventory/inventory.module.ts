import { Module } from '@nestjs/common';
import { PersistenceModule, provideRepository, provideUnitOfWork } from '@seams/kernel/persistence';
import { inventoryMigrations } from '../../migrations/inventory';
import { GetStockHandler } from './application/get-stock/get-stock.handler';
import { ReleaseReservationHandler } from './application/release-reservation/release-reservation.handler';
import { ReserveStockHandler, ReserveStockV2Handler } from './application/reserve-stock/reserve-stock.handler';
import { SetStockHandler } from './application/set-stock/set-stock.handler';
import { OnOrderCancelled } from './application/settle-reservation/on-order-cancelled.handler';
import { OnOrderConfirmed } from './application/settle-reservation/on-order-confirmed.handler';
import { ReservationSettlement } from './application/settle-reservation/reservation-settlement';
import { StockController } from './http/stock.controller';
import { ReservationEntity } from './infrastructure/reservation.entity';
import { TypeOrmReservationRepository } from './infrastructure/reservation.repository';
import { StockItemEntity } from './infrastructure/stock-item.entity';
import { TypeOrmStockRepository } from './infrastructure/stock.repository';
import { INVENTORY_UNIT_OF_WORK, RESERVATION_READS, STOCK_READS } from './inventory.di-tokens';
import type { InventoryRepositories } from './application/ports/inventory.unit-of-work';

const httpControllers = [StockController];
const commandHandlers = [ReserveStockHandler, ReserveStockV2Handler, ReleaseReservationHandler, SetStockHandler];
const queryHandlers = [GetStockHandler];
const eventHandlers = [OnOrderConfirmed, OnOrderCancelled];
const services = [ReservationSettlement];
const repositories = [
  provideUnitOfWork<InventoryRepositories>(INVENTORY_UNIT_OF_WORK, (manager) => ({
    stock: new TypeOrmStockRepository(manager),
    reservations: new TypeOrmReservationRepository(manager),
  })),
  provideRepository(STOCK_READS, (manager) => new TypeOrmStockRepository(manager)),
  provideRepository(RESERVATION_READS, (manager) => new TypeOrmReservationRepository(manager)),
];

/**
 * Inventory: stock per sku and reservations per order. Serves `inventory.reserve-stock.v1`
 * and `inventory.release-reservation.v1`; settles reservations on ordering's events.
 */
@Module({
  imports: [
    PersistenceModule.forModule({
      module: 'inventory',
      entities: [StockItemEntity, ReservationEntity],
      migrations: inventoryMigrations,
    }),
  ],
  controllers: httpControllers,
  providers: [...commandHandlers, ...queryHandlers, ...eventHandlers, ...services, ...repositories],
})
export class InventoryModule {}

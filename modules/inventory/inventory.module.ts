import { Module } from '@nestjs/common';
import { PersistenceModule } from '@seams/kernel/persistence';
import { inventoryMigrations } from '../../migrations/inventory';
import { GetStockHandler } from './application/get-stock/get-stock.handler';
import { ReleaseReservationHandler } from './application/release-reservation/release-reservation.handler';
import { ReserveStockHandler } from './application/reserve-stock/reserve-stock.handler';
import { SetStockHandler } from './application/set-stock/set-stock.handler';
import { OnOrderCancelled } from './application/settle-reservation/on-order-cancelled.handler';
import { OnOrderConfirmed } from './application/settle-reservation/on-order-confirmed.handler';
import { ReservationSettlement } from './application/settle-reservation/reservation-settlement';
import { StockController } from './http/stock.controller';
import { ReservationEntity } from './infrastructure/reservation.entity';
import { ReservationRepository } from './infrastructure/reservation.repository';
import { StockItemEntity } from './infrastructure/stock-item.entity';
import { StockRepository } from './infrastructure/stock.repository';

const httpControllers = [StockController];
const commandHandlers = [ReserveStockHandler, ReleaseReservationHandler, SetStockHandler];
const queryHandlers = [GetStockHandler];
const eventHandlers = [OnOrderConfirmed, OnOrderCancelled];
const services = [ReservationSettlement];
const repositories = [StockRepository, ReservationRepository];

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

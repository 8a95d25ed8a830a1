import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ModuleDatabase } from '../../../../src/kernel/persistence';
import { ReserveStock } from '../../contract';
import { Reservation } from '../../domain/reservation';
import { ReservationRepository } from '../../infrastructure/reservation.repository';
import { StockRepository } from '../../infrastructure/stock.repository';

@CommandHandler(ReserveStock)
export class ReserveStockHandler implements ICommandHandler<ReserveStock, void> {
  constructor(
    private readonly database: ModuleDatabase,
    private readonly stock: StockRepository,
    private readonly reservations: ReservationRepository,
  ) {}

  async execute({ orderId, lines }: ReserveStock): Promise<void> {
    await this.database.transaction(async ({ manager }) => {
      // Stock rows first (in sku order), then the check for an earlier reservation: a retry
      // racing the first attempt waits on the rows and then sees its committed reservation.
      const items = await this.stock.lock(manager, lines.map((line) => line.sku));
      if (await this.reservations.lock(manager, orderId)) return;
      const reservation = Reservation.hold(orderId, lines, items);
      await this.stock.save(manager, items.values());
      await this.reservations.add(manager, reservation);
    });
  }
}

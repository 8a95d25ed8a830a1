import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ModuleDatabase } from '@seams/kernel/persistence';
import { StockRepository } from '../../infrastructure/stock.repository';
import type { StockView } from '../get-stock/get-stock.query';
import { SetStock } from './set-stock.command';

@CommandHandler(SetStock)
export class SetStockHandler implements ICommandHandler<SetStock, StockView> {
  constructor(
    private readonly database: ModuleDatabase,
    private readonly stock: StockRepository,
  ) {}

  execute({ sku, onHand }: SetStock): Promise<StockView> {
    return this.database.transaction(async ({ manager }) => {
      const item = await this.stock.lockOrCreate(manager, sku);
      item.setOnHand(onHand);
      await this.stock.save(manager, [item]);
      return item.toJSON();
    });
  }
}

import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { INVENTORY_UNIT_OF_WORK } from '../../inventory.di-tokens';
import type { StockView } from '../get-stock/get-stock.query';
import type { InventoryUnitOfWork } from '../ports/inventory.unit-of-work';
import { toStockView } from '../stock-view.mapper';
import { SetStock } from './set-stock.command';

@CommandHandler(SetStock)
export class SetStockHandler implements ICommandHandler<SetStock, StockView> {
  constructor(@Inject(INVENTORY_UNIT_OF_WORK) private readonly unitOfWork: InventoryUnitOfWork) {}

  execute({ sku, onHand }: SetStock): Promise<StockView> {
    return this.unitOfWork.run(async ({ stock }) => {
      const item = await stock.lockOrCreate(sku);
      item.setOnHand(onHand);
      await stock.save([item]);
      return toStockView(item);
    });
  }
}

import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { StockNotFoundError } from '../../domain/inventory.errors';
import type { StockReads } from '../../domain/stock.repository';
import { STOCK_READS } from '../../inventory.di-tokens';
import { toStockView } from '../stock-view.mapper';
import { GetStock, type StockView } from './get-stock.query';

@QueryHandler(GetStock)
export class GetStockHandler implements IQueryHandler<GetStock, StockView> {
  constructor(@Inject(STOCK_READS) private readonly stock: StockReads) {}

  async execute({ sku }: GetStock): Promise<StockView> {
    const item = await this.stock.find(sku);
    if (!item) throw new StockNotFoundError(sku);
    return toStockView(item);
  }
}

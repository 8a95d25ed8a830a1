import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { StockNotFoundError } from '../../domain/inventory.errors';
import { StockRepository } from '../../infrastructure/stock.repository';
import { GetStock, type StockView } from './get-stock.query';

@QueryHandler(GetStock)
export class GetStockHandler implements IQueryHandler<GetStock, StockView> {
  constructor(private readonly stock: StockRepository) {}

  async execute({ sku }: GetStock): Promise<StockView> {
    const item = await this.stock.find(sku);
    if (!item) throw new StockNotFoundError(sku);
    return item.toJSON();
  }
}

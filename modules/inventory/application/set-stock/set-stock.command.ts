import { Command } from '@nestjs/cqrs';
import type { StockView } from '../get-stock/get-stock.query';

/** Internal to inventory: records the counted units of a sku. */
export class SetStock extends Command<StockView> {
  constructor(
    readonly sku: string,
    readonly onHand: number,
  ) {
    super();
  }
}

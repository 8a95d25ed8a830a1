import { Query } from '@nestjs/cqrs';

export interface StockView {
  readonly sku: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
}

/** Internal to inventory: the stock of one sku for its HTTP route. */
export class GetStock extends Query<StockView> {
  constructor(readonly sku: string) {
    super();
  }
}

import { Command } from '@nestjs/cqrs';
import type { OrderProps } from '../../domain/order';

/** Internal to ordering: sent by its HTTP route. */
export class PlaceOrder extends Command<OrderProps> {
  constructor(
    readonly customerId: string,
    readonly lines: readonly { readonly sku: string; readonly quantity: number }[],
  ) {
    super();
  }
}

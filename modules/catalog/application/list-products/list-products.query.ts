import { Query } from '@nestjs/cqrs';
import type { ProductProps } from '../../domain/product';

/** One page of products in sku order, and whether more follow. */
export interface ProductPage {
  readonly items: readonly ProductProps[];
  readonly more: boolean;
}

/** Internal to catalog: a page of products for its HTTP route (keyset: those after the sku `after`). */
export class ListProducts extends Query<ProductPage> {
  constructor(
    readonly limit: number,
    readonly after?: string,
  ) {
    super();
  }
}

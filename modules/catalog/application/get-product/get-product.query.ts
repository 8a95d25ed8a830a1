import { Query } from '@nestjs/cqrs';
import type { ProductProps } from '../../domain/product';

/** Internal to catalog: one product for its HTTP route. */
export class GetProduct extends Query<ProductProps> {
  constructor(readonly sku: string) {
    super();
  }
}

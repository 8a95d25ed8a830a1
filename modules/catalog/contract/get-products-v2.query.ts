import { field, Query } from '@seams/kernel/primitives';
import type { CatalogProduct } from './get-products.query';

/** Version 2's answer: the products found, and the skus the catalog does not know, named. */
export interface CatalogLookup {
  readonly products: readonly CatalogProduct[];
  /** Asked-for skus with no product, in the order they were asked. */
  readonly unknownSkus: readonly string[];
}

/**
 * Looks products up by sku, saying which skus are unknown instead of leaving them out. Lives
 * beside `catalog.get-products.v1`, which keeps its answer: callers move when they choose.
 */
export class GetProductsV2 extends Query<CatalogLookup> {
  static readonly wire = 'catalog.get-products.v2';
  static readonly schema = field.object({
    skus: field.array(field.string({ pattern: /^[A-Z0-9][A-Z0-9-]{0,63}$/ }), { maxItems: 100 }),
  });

  constructor(readonly skus: readonly string[]) {
    super();
  }
}

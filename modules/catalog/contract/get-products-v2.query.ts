import { type Infer, Query, z } from '@seams/kernel/primitives';
import { type CatalogProduct, catalogProduct } from './catalog-product';
import { sku } from './product-codes';

/** Version 2's answer: the products found, and the skus the catalog does not know, named. */
export interface CatalogLookup {
  readonly products: readonly CatalogProduct[];
  /** Asked-for skus with no product, in the order they were asked. */
  readonly unknownSkus: readonly string[];
}

const payload = z.object({ skus: z.array(sku).max(100) });

/**
 * Looks products up by sku, saying which skus are unknown instead of leaving them out. Lives
 * beside `catalog.get-products.v1`, which keeps its answer: callers move when they choose.
 */
export class GetProductsV2 extends Query<CatalogLookup> implements Infer<typeof payload> {
  static readonly wire = 'catalog.get-products.v2';
  static readonly schema = payload;
  static readonly answer = z.object({ products: z.array(catalogProduct).max(100), unknownSkus: z.array(sku).max(100) });

  constructor(readonly skus: readonly string[]) {
    super();
  }
}

import { type Infer, Query, z } from '@seams/kernel/primitives';
import { type CatalogProduct, catalogProduct } from './catalog-product';
import { sku } from './product-codes';

const payload = z.object({ skus: z.array(sku).max(100) });

/** Looks products up by sku. Skus the catalog does not know are simply absent from the answer. */
export class GetProducts extends Query<readonly CatalogProduct[]> implements Infer<typeof payload> {
  static readonly wire = 'catalog.get-products.v1';
  static readonly schema = payload;
  static readonly answer = z.array(catalogProduct).max(100);

  constructor(readonly skus: readonly string[]) {
    super();
  }
}

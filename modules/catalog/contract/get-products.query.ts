import { type Infer, Query, z } from '@seams/kernel/primitives';
import { sku } from './product-codes';

/** A product as the catalog publishes it to other modules. */
export interface CatalogProduct {
  readonly sku: string;
  readonly name: string;
  /** Price in the currency's minor unit (cents for EUR). */
  readonly priceMinor: number;
  /** ISO 4217 code, e.g. `EUR`. */
  readonly currency: string;
}

const payload = z.object({ skus: z.array(sku).max(100) });

/** Looks products up by sku. Skus the catalog does not know are simply absent from the answer. */
export class GetProducts extends Query<readonly CatalogProduct[]> implements Infer<typeof payload> {
  static readonly wire = 'catalog.get-products.v1';
  static readonly schema = payload;

  constructor(readonly skus: readonly string[]) {
    super();
  }
}

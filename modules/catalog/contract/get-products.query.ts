import { field, Query } from '@seams/kernel/primitives';

/** A product as the catalog publishes it to other modules. */
export interface CatalogProduct {
  readonly sku: string;
  readonly name: string;
  /** Price in the currency's minor unit (cents for EUR). */
  readonly priceMinor: number;
  /** ISO 4217 code, e.g. `EUR`. */
  readonly currency: string;
}

/** Looks products up by sku. Skus the catalog does not know are simply absent from the answer. */
export class GetProducts extends Query<readonly CatalogProduct[]> {
  static readonly wire = 'catalog.get-products.v1';
  static readonly schema = field.object({
    skus: field.array(field.string({ pattern: /^[A-Z0-9][A-Z0-9-]{0,63}$/ }), { maxItems: 100 }),
  });

  constructor(readonly skus: readonly string[]) {
    super();
  }
}

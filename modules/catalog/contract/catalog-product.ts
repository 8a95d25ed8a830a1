import { type Infer, z } from '@seams/kernel/primitives';
import { currencyCode, sku } from './product-codes';

/** Prices are stored as PostgreSQL `integer`. */
export const MAX_PRICE_MINOR = 2_147_483_647;
export const PRODUCT_NAME_MAX_LENGTH = 200;

/**
 * A product as the catalog publishes it: to other modules (the answers of
 * `catalog.get-products.v1` and `.v2`) and, through its HTTP routes, to clients, whose
 * OpenAPI schema and validation come from this one declaration.
 */
export const catalogProduct = z.object({
  sku,
  name: z.string().min(1).max(PRODUCT_NAME_MAX_LENGTH),
  /** Price in the currency's minor unit (cents for EUR). */
  priceMinor: z.int().min(0).max(MAX_PRICE_MINOR).describe("Price in the currency's minor unit (cents for EUR)"),
  /** ISO 4217 code, e.g. `EUR`. */
  currency: currencyCode.describe('ISO 4217 code, e.g. EUR'),
});

export type CatalogProduct = Infer<typeof catalogProduct>;

import { type Infer, z } from '@seams/kernel/primitives';
import { sku } from '../../catalog/contract';
import { MAX_UNITS } from '../domain/stock-item';

/**
 * Inventory's HTTP bodies, declared once with the kernel's schemas and the catalog's published
 * sku: each is its route's OpenAPI schema (by its `id`) and the validation of what comes in
 * (ADR 0018). Request bodies are strict: a key they do not name is refused.
 */
const units = z.int().min(0).max(MAX_UNITS);

/** A sku in a path. */
export const skuParam = sku;

/** `PUT /v1/inventory/stock/{sku}`. */
export const setStockBody = z.strictObject({ onHand: units.describe('Units counted in the warehouse') }).meta({ id: 'SetStockDto', example: { onHand: 25 } });

/** The stock of one sku. */
export const stockBody = z
  .object({
    sku,
    onHand: units,
    reserved: units.describe('Units held for orders not yet confirmed'),
    available: units.describe('onHand - reserved'),
  })
  .meta({ id: 'StockDto', example: { sku: 'TEA-1', onHand: 25, reserved: 2, available: 23 } });
export type StockBody = Infer<typeof stockBody>;

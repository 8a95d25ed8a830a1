import { type Infer, z } from '@seams/kernel/primitives';
import { currencyCode, sku } from '../../catalog/contract';

/**
 * Ordering's HTTP bodies, declared once with the kernel's schemas and the catalog's published
 * sku and currency code: each is its route's OpenAPI schema (by its `id`) and, for requests,
 * the validation of what comes in (ADR 0018). Request bodies are strict: a key they do not
 * name is refused.
 */

/** The most units one order line may ask for. */
export const MAX_LINE_QUANTITY = 10_000;
/** The most lines one order may have. */
export const MAX_LINES = 100;

const orderLineRequest = z.strictObject({ sku, quantity: z.int().min(1).max(MAX_LINE_QUANTITY) }).meta({ id: 'OrderLineRequestDto' });

/** `POST /v1/orders`. */
export const placeOrderBody = z
  .strictObject({
    lines: z
      .array(orderLineRequest)
      .min(1)
      .max(MAX_LINES)
      .refine((lines) => new Set(lines.map((line) => line.sku)).size === lines.length, 'lines must not repeat a sku')
      .describe('One line per sku'),
  })
  .meta({ id: 'PlaceOrderDto', example: { lines: [{ sku: 'TEA-1', quantity: 2 }] } });

const status = z.enum(['PENDING', 'CONFIRMED', 'CANCELLED']).describe('PENDING until payment settles it');
const minor = z.int().min(0);

const placedShape = {
  id: z.uuid(),
  status,
  totalMinor: minor.describe('Sum of the lines, in minor units'),
  currency: currencyCode,
};

/** What placing an order answers. */
export const placedOrderBody = z.object(placedShape).meta({ id: 'PlacedOrderDto' });
export type PlacedOrderBody = Infer<typeof placedOrderBody>;

const lineShape = {
  sku,
  quantity: z.int().min(1),
  unitPriceMinor: minor.describe('Catalog price when the order was placed'),
};

const orderShape = {
  ...placedShape,
  customerId: z.string().min(1).max(64).describe("The subject of the token that placed it"),
  cancellationReason: z.string().nullable().describe('Why it was cancelled; null unless CANCELLED'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
};

/** Version 1 of reading an order. */
export const orderBody = z.object({ ...orderShape, lines: z.array(z.object(lineShape).meta({ id: 'OrderLineDto' })) }).meta({ id: 'OrderDto' });
export type OrderBody = Infer<typeof orderBody>;

/** Version 2: what v1 says, plus each line's total and the item count. */
export const orderV2Body = z
  .object({
    ...orderShape,
    lines: z.array(z.object({ ...lineShape, lineTotalMinor: minor.describe('quantity × unitPriceMinor') }).meta({ id: 'OrderLineV2Dto' })),
    itemCount: minor.describe('Units over all lines'),
  })
  .meta({ id: 'OrderV2Dto' });
export type OrderV2Body = Infer<typeof orderV2Body>;

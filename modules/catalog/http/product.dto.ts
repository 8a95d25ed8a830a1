import { type Infer, z } from '@seams/kernel/primitives';
import { catalogProduct, sku, SKU_PATTERN } from '../contract';

/**
 * The catalog's HTTP bodies, declared from its contract's schemas: each is the OpenAPI schema
 * of its route (by its `id`) and the validation of what comes in (ADR 0018). Request bodies
 * are strict: a key they do not name is refused, not dropped.
 */
const example = { sku: 'TEA-1', name: 'Green tea', priceMinor: 450, currency: 'EUR' };

/** `POST /v1/catalog/products`. */
export const registerProductBody = z.strictObject(catalogProduct.shape).meta({ id: 'RegisterProductDto', example });

/** A product, as every catalog route answers it. */
export const productBody = catalogProduct.meta({ id: 'ProductDto', example });
export type ProductBody = Infer<typeof productBody>;

/** A sku in a path. */
export const skuParam = sku;

/** The most products one page holds, and how many a page holds when `limit` is not given. */
export const PAGE_LIMIT_MAX = 100;
export const PAGE_LIMIT_DEFAULT = 20;

const CURSOR_RULE = 'must be the nextCursor of an earlier page';

/** A page's cursor: the last sku of the page before, base64url-encoded (clients treat it as opaque). */
export const cursorOf = (lastSku: string): string => Buffer.from(lastSku, 'utf8').toString('base64url');

/** `GET /v1/catalog/products?limit=&cursor=`. `cursor` comes out decoded: the sku to list after. */
export const listProductsQuery = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(PAGE_LIMIT_MAX)
    .default(PAGE_LIMIT_DEFAULT)
    .describe(`How many products to answer at most (1-${PAGE_LIMIT_MAX}, default ${PAGE_LIMIT_DEFAULT})`),
  cursor: z
    .string()
    .max(88)
    .regex(/^[A-Za-z0-9_-]+$/, CURSOR_RULE)
    .transform((cursor) => Buffer.from(cursor, 'base64url').toString('utf8'))
    .refine((after) => SKU_PATTERN.test(after), CURSOR_RULE)
    .optional()
    .describe('`nextCursor` of the page before; none for the first page'),
});

/** One page of products, by sku. */
export const productPageBody = z
  .object({
    items: z.array(productBody).max(PAGE_LIMIT_MAX).describe('Products in sku order'),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  })
  .meta({ id: 'ProductPageDto' });
export type ProductPageBody = Infer<typeof productPageBody>;

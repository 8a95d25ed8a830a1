import { z } from '@seams/kernel/primitives';

/**
 * The one source of the product codes other modules carry in their messages and forms: a sku
 * (1-64 upper-case letters, digits or dashes, not starting with a dash) and an ISO 4217
 * currency code. Other modules import them from `modules/catalog/contract` only; nothing
 * copies the patterns.
 */
export const SKU_PATTERN = /^[A-Z0-9][A-Z0-9-]{0,63}$/;
export const SKU_MAX_LENGTH = 64;
export const SKU_RULE = 'must be 1-64 upper-case letters, digits or dashes';
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;
export const CURRENCY_RULE = 'must be an ISO 4217 code such as EUR';

/** A sku field of a contract. */
export const sku = z.string().max(SKU_MAX_LENGTH).regex(SKU_PATTERN, `sku ${SKU_RULE}`);

/** A currency field of a contract. */
export const currencyCode = z.string().length(3).regex(CURRENCY_PATTERN, `currency ${CURRENCY_RULE}`);

import { type Infer, z } from '@seams/kernel/primitives';
import { currencyCode } from '../../catalog/contract';

/**
 * Payments' HTTP bodies, declared once with the kernel's schemas: each is its route's OpenAPI
 * schema and the validation of what comes in (ADR 0018), with the catalog's published currency code.
 */

/** `GET /v1/payments?orderId=`. */
export const listPaymentsQuery = z.strictObject({ orderId: z.guid().describe('The order whose payments to list') });

/** One payment attempt. */
export const paymentBody = z
  .object({
    id: z.guid(),
    orderId: z.guid(),
    amountMinor: z.int().min(0),
    currency: currencyCode,
    status: z.enum(['CAPTURED', 'DECLINED']),
    declineReason: z.string().nullable().describe('Why it was declined; null when CAPTURED'),
  })
  .meta({ id: 'PaymentDto', example: { id: '572f3fa6-3c1e-4b8e-9d59-0f3c2a1b7e10', orderId: '4aa6c32d-8d1e-4c7b-a1f2-6e5d4c3b2a10', amountMinor: 900, currency: 'EUR', status: 'CAPTURED', declineReason: null } });
export type PaymentBody = Infer<typeof paymentBody>;

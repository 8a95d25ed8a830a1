/** What an order's cancellation reason starts with when its payment was declined. */
export const PAYMENT_DECLINED_PREFIX = 'payment declined: ';

/**
 * The cancellation reason of an order whose payment was declined: the provider's reason,
 * whole, behind `PAYMENT_DECLINED_PREFIX`. `ordering.orders.cancellation_reason` is sized for
 * the longest reason payments may send plus this prefix.
 */
export function paymentDeclinedReason(providerReason: string): string {
  return `${PAYMENT_DECLINED_PREFIX}${providerReason}`;
}

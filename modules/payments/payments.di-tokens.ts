/** The `PaymentProvider` port (domain/payment.ts) is bound to this token. */
export const PAYMENT_PROVIDER = Symbol('PAYMENT_PROVIDER');

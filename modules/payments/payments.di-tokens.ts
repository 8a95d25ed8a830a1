/** The `PaymentProvider` port (domain/payment.ts) is bound to this token. */
export const PAYMENT_PROVIDER = Symbol('PAYMENT_PROVIDER');
/** `PaymentsUnitOfWork` (application/ports/payments.unit-of-work.ts): repositories bound to one transaction. */
export const PAYMENTS_UNIT_OF_WORK = Symbol('PAYMENTS_UNIT_OF_WORK');
/** `PaymentReads` (domain/payment.repository.ts), on the pool. */
export const PAYMENT_READS = Symbol('PAYMENT_READS');

import type { UnitOfWork } from '@seams/kernel/persistence';
import type { PaymentRepository } from '../../domain/payment.repository';

/** Payments' repositories, bound to one transaction. */
export interface PaymentsRepositories {
  readonly payments: PaymentRepository;
}

/** Payments' unit of work (bound to `PAYMENTS_UNIT_OF_WORK`). */
export type PaymentsUnitOfWork = UnitOfWork<PaymentsRepositories>;

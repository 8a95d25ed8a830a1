import { Module } from '@nestjs/common';
import { PersistenceModule, provideRepository, provideUnitOfWork } from '@seams/kernel/persistence';
import { paymentsMigrations } from '../../migrations/payments';
import { OnOrderPlaced } from './application/capture-payment/on-order-placed.handler';
import { ListPaymentsHandler } from './application/list-payments/list-payments.handler';
import { PaymentsController } from './http/payments.controller';
import { PaymentEntity } from './infrastructure/payment.entity';
import { TypeOrmPaymentRepository } from './infrastructure/payment.repository';
import type { PaymentsRepositories } from './application/ports/payments.unit-of-work';
import { SimulatedPaymentProvider } from './infrastructure/simulated-payment.provider';
import { PAYMENT_PROVIDER, PAYMENT_READS, PAYMENTS_UNIT_OF_WORK } from './payments.di-tokens';
import { type PaymentsSettings, paymentsSettings } from './payments.settings';

const httpControllers = [PaymentsController];
const queryHandlers = [ListPaymentsHandler];
const eventHandlers = [OnOrderPlaced];
const repositories = [
  provideUnitOfWork<PaymentsRepositories>(PAYMENTS_UNIT_OF_WORK, (manager) => ({ payments: new TypeOrmPaymentRepository(manager) })),
  provideRepository(PAYMENT_READS, (manager) => new TypeOrmPaymentRepository(manager)),
];
const ports = [{ provide: PAYMENT_PROVIDER, inject: [paymentsSettings.token], useFactory: (settings: PaymentsSettings) => SimulatedPaymentProvider.from(settings) }];

/**
 * Payments: charges placed orders against a (simulated) provider and publishes
 * `payments.payment-captured.v1` or `payments.payment-declined.v1`.
 */
@Module({
  imports: [
    PersistenceModule.forModule({ module: 'payments', entities: [PaymentEntity], migrations: paymentsMigrations }),
  ],
  controllers: httpControllers,
  providers: [...queryHandlers, ...eventHandlers, ...repositories, ...ports],
})
export class PaymentsModule {}

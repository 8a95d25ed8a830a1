import { CreatePayments1732464000000 } from './1732464000000-create-payments';

/** Payments' migrations, oldest first; they touch the `payments` schema only. */
export const paymentsMigrations = [CreatePayments1732464000000];

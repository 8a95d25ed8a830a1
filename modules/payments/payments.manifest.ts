import { defineModule } from '@seams/kernel/seam';
import { OrderPlaced } from '../ordering/contract';
import * as contract from './contract';

export const paymentsManifest = defineModule({
  name: 'payments',
  routes: ['/v1/payments'],
  contract,
  subscribes: [OrderPlaced],
  load: async () => (await import('./payments.module.js')).PaymentsModule,
});

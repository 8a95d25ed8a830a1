import { defineModule } from '@seams/kernel/seam';
import { OrderPlaced } from '../ordering/contract';
import * as contract from './contract';
import { paymentsSettings } from './payments.settings';

export const paymentsManifest = defineModule({
  name: 'payments',
  routes: ['/v1/payments'],
  contract,
  subscribes: [OrderPlaced],
  settings: paymentsSettings,
  load: async () => (await import('./payments.module.js')).PaymentsModule,
});

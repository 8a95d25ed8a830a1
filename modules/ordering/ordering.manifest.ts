import { defineModule } from '@seams/kernel/seam';
import { GetProducts } from '../catalog/contract';
import { ReleaseReservation, ReserveStock, ReserveStockV2 } from '../inventory/contract';
import { PaymentCaptured, PaymentDeclined } from '../payments/contract';
import * as contract from './contract';
import { orderingSettings } from './ordering.settings';

export const orderingManifest = defineModule({
  name: 'ordering',
  routes: ['/v1/orders'],
  contract,
  subscribes: [PaymentCaptured, PaymentDeclined],
  sends: [GetProducts, ReserveStock, ReserveStockV2, ReleaseReservation],
  settings: orderingSettings,
  load: async () => (await import('./ordering.module.js')).OrderingModule,
});

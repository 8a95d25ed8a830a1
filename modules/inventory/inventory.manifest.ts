import { defineModule } from '@seams/kernel/seam';
import { OrderCancelled, OrderConfirmed } from '../ordering/contract';
import * as contract from './contract';

export const inventoryManifest = defineModule({
  name: 'inventory',
  routes: ['/v1/inventory'],
  contract,
  subscribes: [OrderConfirmed, OrderCancelled],
  load: async () => (await import('./inventory.module.js')).InventoryModule,
});

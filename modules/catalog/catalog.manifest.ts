import { defineModule } from '@seams/kernel/seam';
import * as contract from './contract';

export const catalogManifest = defineModule({
  name: 'catalog',
  routes: ['/v1/catalog'],
  contract,
  load: async () => (await import('./catalog.module.js')).CatalogModule,
});

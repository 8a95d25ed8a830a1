import { catalogManifest } from '../../modules/catalog/catalog.manifest';
import { inventoryManifest } from '../../modules/inventory/inventory.manifest';
import { orderingManifest } from '../../modules/ordering/ordering.manifest';
import { paymentsManifest } from '../../modules/payments/payments.manifest';

/** Every bounded module of the system. The host is the only code that knows this list (module:new and module:remove edit it). */
export const MANIFESTS = [catalogManifest, inventoryManifest, orderingManifest, paymentsManifest];

import { z } from '@seams/kernel/primitives';
import { defineSettings, type SettingsOf } from '@seams/kernel/seam';

const positiveMs = z.coerce.number().int().min(1).max(2_147_483_647);

/** Ordering's own settings: read by the host with every other setting, injected here under `orderingSettings.token`. */
export const orderingSettings = defineSettings('ordering', {
  placementStaleMs: {
    name: 'ORDERING_PLACEMENT_STALE_MS',
    schema: positiveMs,
    default: 30_000,
    description: 'A placement (stock reserved, order not yet stored) older than this many milliseconds is abandoned and its stock released.',
  },
  reserveStockVersion: {
    name: 'ORDERING_RESERVE_STOCK_VERSION',
    schema: z.enum(['v1', 'v2']),
    default: 'v1',
    description:
      'Which version of inventory\'s reserve-stock command ordering sends: `v1` until every inventory serves `v2` (release 0.2.0 on), then `v2`. The seam\'s metrics count each version handled (`seams_seam_call_duration_seconds_count{message="inventory.reserve-stock.v1",side="handle"}`).',
  },
  placementRecoveryMs: {
    name: 'ORDERING_PLACEMENT_RECOVERY_MS',
    schema: positiveMs,
    default: 5_000,
    description: 'How often, in milliseconds, ordering looks for abandoned placements.',
  },
});

export type OrderingSettings = SettingsOf<typeof orderingSettings>;

import { z } from '@seams/kernel/primitives';
import { defineSettings, type SettingsOf } from '@seams/kernel/seam';

/** Payments' own settings: read by the host with every other setting, injected here under `paymentsSettings.token`. */
export const paymentsSettings = defineSettings('payments', {
  declineAboveMinor: {
    name: 'PAYMENTS_DECLINE_ABOVE_MINOR',
    schema: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    default: 100_000,
    description: 'The simulated payment provider declines any total above this many minor units (a whole number ≥ 0).',
  },
  declineReason: {
    name: 'PAYMENTS_DECLINE_REASON',
    schema: z.string(),
    description:
      'When set, the simulated payment provider declines every payment with this text as its reason (up to 200 characters are kept; a longer one is cut). For tests of long reasons.',
  },
});

export type PaymentsSettings = SettingsOf<typeof paymentsSettings>;

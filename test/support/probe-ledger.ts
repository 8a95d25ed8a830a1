import { Client } from 'pg';
import { type Cluster, type ClusterOptions, startCluster } from './cluster';
import { holdRow, type LoadAnswer, steadyLoad } from './steady-load';
import { eventually } from './test-app';
import { type ProbeSystem, subscriberName } from '../sim/probe-system';

/**
 * The system a fault test of the kernel breaks, on its probe modules: alpha in the monolith
 * sends bravo's put from its route `PUT /v1/alpha/forward/bravo/items/:key`, bravo runs in a
 * module host (the cluster's transport and addresses), and each put bravo commits publishes
 * bravo.changed, which alpha handles back in the monolith: a command across the seam and an
 * event back, as an order and its saga are in the shop.
 */
export const FAULT_SYSTEM: ProbeSystem = {
  modules: [
    { name: 'alpha', subscriptions: [{ event: 'bravo.changed.v1', handlers: 1, chain: false }], sends: ['bravo'] },
    { name: 'bravo', subscriptions: [] },
  ],
};

/** The cluster of FAULT_SYSTEM with bravo remote, and settings that let it recover quickly (breaker half-open after 1 s, a patient relay, no rate limit), `env` over them. */
export function startProbeFaultCluster(options: { timeoutMs: number; cluster: Omit<ClusterOptions, 'remote' | 'monolithEnv' | 'system'>; env?: Record<string, string> }): Promise<Cluster> {
  return startCluster({
    ...options.cluster,
    system: FAULT_SYSTEM,
    remote: ['bravo'],
    monolithEnv: {
      SEAMS_TIMEOUT_MS: String(options.timeoutMs),
      SEAMS_BRAVO_BREAKER_HALF_OPEN_MS: '1000',
      SEAMS_RATE_LIMIT: '0',
      SEAMS_RELAY_POLL_MS: '200',
      SEAMS_RELAY_MAX_BACKOFF_MS: '1000',
      SEAMS_RELAY_MAX_ATTEMPTS: '1000',
      ...options.env,
    },
  });
}

/** A steady load of puts of bravo's `key` through alpha's route (answered 200 with the new `seq`); see steady-load.ts. */
export function steadyPuts<Phase extends string>(cluster: Cluster, key: string, options: { senders: number; limitMs: number; phase: () => Phase }) {
  return steadyLoad(() => cluster.http('alpha').put(`/v1/alpha/forward/bravo/items/${key}`).send({ value: 1 }), options);
}

/**
 * Holds bravo's item row `key` locked from a transaction of the test's own, so puts of it wait at
 * bravo's host: calls to bravo are in flight for as long as the test wants. `waiters()` resolves
 * once at least `count` sessions wait for the lock.
 */
export function holdItemRow(databaseUrl: string, key: string): ReturnType<typeof holdRow> {
  return holdRow(databaseUrl, 'SELECT 1 FROM bravo.items WHERE key = $1 FOR UPDATE', [key]);
}

/**
 * Nothing lost, nothing twice, for bravo's `key`: every put answered 200 committed, each with a
 * sequence of its own (no put applied twice under one answer); as many changes were published as
 * committed (the item's version); and once the relay has settled, alpha has handled each of
 * them exactly once, in order. A put that failed while the broker or host went away may have
 * committed (its answer was lost): it is counted in the version, never twice.
 */
export async function expectProbeLedger(databaseUrl: string, key: string, answers: readonly LoadAnswer<string>[]): Promise<void> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const seqs = answers.filter((a) => a.status === 200).map((a) => Number(a.body?.seq));
    expect(new Set(seqs).size).toBe(seqs.length);
    const version = Number((await db.query<{ version: number }>('SELECT version FROM bravo.items WHERE key = $1', [key])).rows[0]?.version ?? 0);
    expect(version).toBeGreaterThanOrEqual(seqs.length);
    expect(Math.max(0, ...seqs)).toBeLessThanOrEqual(version);
    expect(version).toBeLessThanOrEqual(answers.length); // no put ran more than once
    const published = Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM bravo.seams_outbox WHERE aggregate_id = $1`, [key])).rows[0].n);
    expect(published).toBe(version);
    const handler = `alpha/${subscriberName('bravo.changed.v1', 0)}`;
    const handled = await eventually(
      async () => (await db.query<{ event_id: string; seq: number }>('SELECT event_id, seq FROM alpha.handled WHERE key = $1 AND handler = $2 ORDER BY n', [key, handler])).rows,
      (rows) => rows.length >= version,
      45_000,
    );
    expect(new Set(handled.map((row) => row.event_id)).size).toBe(handled.length);
    expect(handled.map((row) => row.seq)).toEqual(Array.from({ length: version }, (_, i) => i + 1));
  } finally {
    await db.end();
  }
}

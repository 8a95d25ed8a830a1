import type { Client } from 'pg';

/** Resolves once some session of `client`'s database waits for a lock (at most about 4 s, then it throws). */
export async function someoneWaitsForALock(client: Client): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`);
    if (rows[0].n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('nobody waited for a lock');
}

import { Client } from 'pg';
import type { Response } from 'supertest';
import { eventually } from './test-app';

/** One answer of a steady load, with the phase of the test it started and ended in. */
export interface LoadAnswer<Phase extends string> {
  readonly startedIn: Phase;
  readonly endedIn: Phase;
  /** The HTTP status, or `no answer` when nothing came within the request's own limit (a hang). */
  readonly status: number | 'no answer';
  /** When it was sent (epoch ms) and how long its answer took. */
  readonly at: number;
  readonly ms: number;
  /** The answer's body (its id, seq, problem code and detail, whatever the route answers). */
  readonly body?: Record<string, unknown>;
  readonly id?: string;
  readonly code?: string;
  readonly detail?: string;
  readonly retryAfter?: string;
}

/**
 * A steady, bounded load from `senders` callers in a loop, each request (`send`, a supertest
 * request) limited to `limitMs`, so a hang shows as `no answer`, not as a stuck test. The test
 * moves `phase` along; `stop()` ends the loops and resolves once every caller has its answer.
 */
export function steadyLoad<Phase extends string>(send: () => { timeout(ms: number): PromiseLike<Response> }, options: { senders: number; limitMs: number; phase: () => Phase }) {
  const answers: LoadAnswer<Phase>[] = [];
  let running = true;
  const sender = async () => {
    while (running) {
      const startedIn = options.phase();
      const started = Date.now();
      try {
        const response = await send().timeout(options.limitMs);
        const body = response.body as { id?: string; code?: string; detail?: string };
        answers.push({ startedIn, endedIn: options.phase(), status: response.status, at: started, ms: Date.now() - started, body, id: body.id, code: body.code, detail: body.detail, retryAfter: response.headers['retry-after'] });
      } catch {
        answers.push({ startedIn, endedIn: options.phase(), status: 'no answer', at: started, ms: Date.now() - started });
      }
    }
  };
  const loops = Array.from({ length: options.senders }, sender);
  return {
    answers,
    /** Resolves once at least `count` answers satisfy `which`. */
    seen: (count: number, which: (answer: LoadAnswer<Phase>) => boolean, timeoutMs = 30_000) =>
      eventually(async () => answers.filter(which).length, (n) => n >= count, timeoutMs),
    async stop(): Promise<void> {
      running = false;
      await Promise.all(loops);
    },
  };
}

/**
 * What callers of a module behind a broker must see around an outage that starts at `brokeAt`
 * and whose phase is named `down`: before it every answer `ok`; calls in flight when it starts
 * and calls during it a `503 seam.unavailable` with `Retry-After` before their deadline (never a
 * wait for it); and once a call gets through again, every later one does.
 */
export function expectFastRefusalsAround<Phase extends string>(answers: readonly LoadAnswer<Phase>[], brokeAt: number, down: Phase, timeoutMs: number, ok = 201): void {
  expect(answers.filter((a) => a.status !== ok && !(a.endedIn !== 'before' && a.status === 503))).toEqual([]);
  const inFlight = answers.filter((a) => a.startedIn === 'before' && a.endedIn !== 'before');
  expect(inFlight.length).toBeGreaterThan(0);
  for (const answer of inFlight) expect(answer.at + answer.ms - brokeAt).toBeLessThan(timeoutMs);
  const during = answers.filter((a) => a.startedIn === down && a.endedIn === down);
  expect(during.filter((a) => a.status !== 503)).toEqual([]);
  for (const refused of during) {
    expect(refused).toMatchObject({ code: 'seam.unavailable', retryAfter: expect.stringMatching(/^\d+$/) });
    expect(refused.ms).toBeLessThan(timeoutMs); // never waited for the deadline
  }
  const back = answers.find((a) => a.startedIn === 'after' && a.status === ok)!;
  expect(answers.filter((a) => a.at > back.at + back.ms && a.status !== ok)).toEqual([]);
}

/**
 * Holds a row locked (`select`, a `SELECT … FOR UPDATE` with `params`) from a transaction of
 * the test's own, so the work that needs it waits: calls are in flight for as long as the test
 * wants. `waiters()` resolves once at least `count` sessions wait for a lock.
 */
export async function holdRow(databaseUrl: string, select: string, params: readonly unknown[]) {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  await db.query('BEGIN');
  await db.query(select, [...params]);
  let released = false;
  return {
    waiters: (count: number) =>
      eventually(
        async () => Number((await db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0].n),
        (n) => n >= count,
      ),
    async release(): Promise<void> {
      if (released) return;
      released = true;
      await db.query('ROLLBACK');
      await db.end();
    },
  };
}

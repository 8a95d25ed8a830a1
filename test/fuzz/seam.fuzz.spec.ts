import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Client } from 'pg';
import { sealed } from '../support/auth';
import { type HostedProbe, startHostedProbe } from '../support/probe-pair';
import { RawTcpClient } from '../support/raw-tcp';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import type { ProbeSystem } from '../sim/probe-system';

/** The kernel's probe modules: bravo in a module host of its own over TCP. */
const SYSTEM: ProbeSystem = { modules: ['alpha', 'bravo'].map((name) => ({ name, subscriptions: [] })) };

/**
 * The seam's receiving side, fuzzed: a module host (probe module bravo) gets valid frames with every envelope
 * field mutated, random bytes, truncated and oversized frames, and replayed and reordered
 * frames. Each frame that can be answered gets a typed error (never `seam.remote-failure`,
 * which would mean the host failed on it); the others close that one connection; the host
 * stays up, keeps serving, and a replayed command takes effect once.
 *
 *   FUZZ_SEAM_RUNS  frames per property (default 40); FUZZ_SEED replays a run
 */
const runs = Number(process.env.FUZZ_SEAM_RUNS || 40);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);

jest.setTimeout(Math.max(120_000, runs * 3 * 1000));

const FIELDS = ['v', 'kind', 'name', 'id', 'correlationId', 'causationId', 'deadline', 'identity', 'service', 'idempotencyKey', 'traceparent', 'tracestate', 'payload'];

describe('the seam’s receiving side, fuzzed', () => {
  let database: TestDatabase;
  let probe: HostedProbe;
  let rows: Client;
  let port: number;
  const pattern = 'seams.fuzz.bravo';

  const envelope = (key = 'fuzz-1') =>
    sealed({
      v: 1,
      kind: 'command',
      name: 'bravo.put.v1',
      id: randomUUID(),
      correlationId: 'seam-fuzz',
      deadline: Date.now() + 5000,
      payload: { key, value: 1 },
    });

  /** Sends one framed request on a fresh connection: the reply, or undefined when the connection closed. */
  async function send(data: unknown): Promise<{ ok: boolean; error?: { code: string } } | undefined> {
    const client = await RawTcpClient.open(port);
    try {
      const id = randomUUID();
      client.request(pattern, data, id);
      const reply = (await client.next(6000)) as { id: string; response?: { ok: boolean; error?: { code: string } }; err?: unknown } | undefined;
      if (reply === undefined) return undefined;
      expect(reply.id).toBe(id);
      return reply.response;
    } finally {
      client.close();
    }
  }

  async function stillServes(): Promise<void> {
    expect(probe.host.child.exitCode).toBeNull();
    expect(await send(envelope())).toMatchObject({ ok: true, result: { key: 'fuzz-1' } });
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    probe = await startHostedProbe(SYSTEM, 'bravo', database.url, { env: { SEAMS_NAMESPACE: 'fuzz' } });
    port = Number(new URL(probe.env.SEAMS_BRAVO_URL).port);
    rows = new Client({ connectionString: database.url });
    await rows.connect();
    process.stdout.write(`seam fuzz: seed ${seed}, ${runs} frames per property\n`);
  }, 90_000);

  afterAll(async () => {
    await rows?.end();
    await probe?.close();
    await database?.drop();
  });

  it('answers a valid frame with any envelope field mutated or removed with a value or a typed error', async () => {
    const mutation = fc.array(
      fc.record({ field: fc.constantFrom(...FIELDS), value: fc.oneof(fc.anything({ maxDepth: 2 }), fc.constant(undefined), fc.string({ minLength: 9000, maxLength: 9100 })) }),
      { minLength: 1, maxLength: 3 },
    );
    await fc.assert(
      fc.asyncProperty(mutation, async (changes) => {
        const data: Record<string, unknown> = envelope();
        for (const { field, value } of changes) data[field] = value;
        const reply = await send(data);
        if (reply === undefined) throw new Error(`no answer to ${JSON.stringify(changes).slice(0, 300)}`);
        if (!reply.ok && (typeof reply.error?.code !== 'string' || reply.error.code === 'seam.remote-failure')) {
          throw new Error(`${JSON.stringify(changes).slice(0, 300)} got ${JSON.stringify(reply)}`);
        }
      }),
      { seed, numRuns: runs },
    );
    await stillServes();
  });

  it('survives random bytes, truncated and oversized frames on a connection, and serves the next one', async () => {
    const frame = JSON.stringify({ pattern, data: envelope(), id: 'x' });
    const bytes = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }).map((array) => Buffer.from(array).toString('latin1')),
      fc.nat(frame.length - 1).map((cut) => `${frame.length}#${frame}`.slice(0, cut)),
      fc.integer({ min: 1_048_577, max: 10_000_000 }).map((length) => `${length}#{"pattern":"${pattern}","data":`),
      fc.tuple(fc.integer({ min: -5, max: 5 }), fc.string({ maxLength: 50 })).map(([delta, junk]) => `${frame.length + delta}#${frame}${junk}`),
    );
    await fc.assert(
      fc.asyncProperty(bytes, async (text) => {
        const client = await RawTcpClient.open(port);
        client.write(text);
        const reply = (await client.next(300)) as { response?: { ok: boolean; error?: { code: string } } } | undefined;
        client.close();
        if (reply?.response && !reply.response.ok && reply.response.error?.code === 'seam.remote-failure') throw new Error(`${text.slice(0, 200)} failed the host`);
      }),
      { seed, numRuns: runs },
    );
    await stillServes();
  });

  it('applies a replayed command once, and answers frames in any order with values or typed errors', async () => {
    const version = async () => (await rows.query(`SELECT version FROM bravo.items WHERE key = 'fuzz-once'`)).rows[0]?.version as number | undefined;
    const put = envelope('fuzz-once');
    const get = () => ({ ...envelope(), kind: 'query', id: randomUUID(), name: 'bravo.get.v1', payload: { key: 'fuzz-once' } });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('put', 'put-again', 'get'), { minLength: 1, maxLength: 6 }), async (order) => {
        for (const step of order) {
          const reply = await send(step === 'get' ? get() : step === 'put' ? put : { ...put });
          if (!reply || (!reply.ok && (typeof reply.error?.code !== 'string' || reply.error.code === 'seam.remote-failure'))) {
            throw new Error(`${order.join(' → ')}: ${step} got ${JSON.stringify(reply)}`);
          }
        }
      }),
      { seed, numRuns: Math.min(runs, 15) },
    );
    // Whatever the order and however often it came again, the put was applied once (its first arrival).
    expect(await version()).toBe(1);
    await stillServes();
  });
});

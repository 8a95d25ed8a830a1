import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { adminBearer, bearer, customerBearer, sealed, tokenFor } from '../support/auth';
import type { ActingAs } from '@seams/kernel/security';
import { type HostedProbe, startHostedProbe } from '../support/probe-pair';
import { RawTcpClient } from '../support/raw-tcp';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import type { ProbeSystem } from '../sim/probe-system';

/**
 * No confused deputy, on the kernel's probe modules: bravo's module host, driven directly over
 * TCP (bypassing the monolith), checks who sent each message (the deployment's service
 * credential) and for whom (the end user's token, verified again), and runs its handler for
 * that end user (`bravo.whoami.v1` answers whom it runs for).
 */
const SYSTEM: ProbeSystem = {
  modules: [
    { name: 'alpha', subscriptions: [], sends: ['bravo'] },
    { name: 'bravo', subscriptions: [] },
  ],
};

describe('a module host checks identities itself', () => {
  let database: TestDatabase;
  let probe: HostedProbe;
  let client: RawTcpClient;
  let rows: Client;
  const pattern = 'seams.identity.bravo';

  beforeAll(async () => {
    database = await createTestDatabase();
    probe = await startHostedProbe(SYSTEM, 'bravo', database.url, { env: { SEAMS_NAMESPACE: 'identity' } });
    client = await RawTcpClient.open(Number(new URL(probe.env.SEAMS_BRAVO_URL).port));
    rows = new Client({ connectionString: database.url });
    await rows.connect();
  }, 90_000);

  afterAll(async () => {
    client?.close();
    await rows?.end();
    await probe?.close();
    await database?.drop();
  });

  /** How a test message is sealed: by this deployment (acting for its user, or for itself), by another, or not at all. */
  interface Sending {
    readonly identity?: string;
    readonly seal?: 'ours' | 'forged' | 'none';
    readonly as?: ActingAs;
  }

  /** The envelope of a message as a process of this deployment would seal it (see `sealed`). */
  function envelopeOf(name: string, payload: object, { identity, seal = 'ours', as }: Sending, kind = 'command') {
    const id = randomUUID();
    const unsealed = { v: 1, kind, name, id, correlationId: `idy-${id}`, deadline: Date.now() + 5000, payload, ...(identity !== undefined && { identity }) };
    if (seal === 'none') return unsealed;
    return sealed(unsealed, { ...(seal === 'forged' && { secret: 'a-secret-of-32-characters-or-more-that-is-not-ours' }), ...(as && { as }) });
  }

  async function deliver(envelope: { id: string }) {
    client.request(pattern, envelope, envelope.id);
    const reply = (await client.next()) as { response: { ok: boolean; error?: { code: string; message: string } } };
    return reply.response;
  }
  const send = (name: string, payload: object, sending: Sending, kind?: string) => deliver(envelopeOf(name, payload, sending, kind));
  /** bravo's put of `key` (what it changes: bravo.items). */
  const put = (key: string, sending: Sending) => send('bravo.put.v1', { key, value: 1 }, sending);
  const whoami = (sending: Sending) => send('bravo.whoami.v1', {}, sending, 'query');
  const written = async () => (await rows.query(`SELECT key FROM bravo.items ORDER BY key`)).rows.map((row: { key: string }) => row.key);

  it('refuses a message without the seal, or sealed with another secret, whatever token it carries', async () => {
    const alice = customerBearer('alice');
    expect(await put('unsealed', { identity: alice, seal: 'none' })).toMatchObject({ ok: false, error: { code: 'auth.unauthenticated' } });
    expect(await put('forged', { identity: alice, seal: 'forged' })).toMatchObject({ ok: false, error: { code: 'auth.unauthenticated' } });
    expect(await written()).toEqual([]);
  });

  it('binds the seal to its message: a captured message cannot be sent again, nor changed, nor its seal reused for another user', async () => {
    const alice = customerBearer('alice');
    const captured = envelopeOf('bravo.put.v1', { key: 'captured', value: 1 }, { identity: alice });
    expect(await deliver(captured)).toMatchObject({ ok: true });
    const replayed = await deliver(captured);
    expect(replayed).toMatchObject({ ok: false, error: { code: 'auth.unauthenticated', message: expect.stringMatching(/a replay is refused/) } });
    // The same seal on another payload, or for another user (the attacker's own token): refused.
    const changed = { ...captured, id: randomUUID(), payload: { key: 'changed', value: 5 } };
    expect(await deliver(changed)).toMatchObject({ ok: false, error: { code: 'auth.unauthenticated', message: expect.stringMatching(/altered on the way/) } });
    const otherUser = { ...captured, id: randomUUID(), identity: customerBearer('mallory') };
    expect(await deliver(otherUser)).toMatchObject({ ok: false, error: { code: 'auth.unauthenticated' } });
    expect(await written()).toEqual(['captured']);
    expect((await rows.query(`SELECT version FROM bravo.items WHERE key = 'captured'`)).rows).toEqual([{ version: 1 }]); // handled once
  });

  it('refuses a message that acts for nobody: sealed for a user but carrying no token, or for a service but carrying one', async () => {
    expect(await put('nobody-1', { as: 'user' })).toMatchObject({ ok: false, error: { code: 'auth.unauthenticated', message: expect.stringMatching(/carries no user's token/) } });
    expect(await put('nobody-2', { as: 'service', identity: customerBearer('alice') })).toMatchObject({ ok: false, error: { code: 'auth.unauthenticated' } });
    expect(await written()).not.toEqual(expect.arrayContaining(['nobody-1']));
    expect(await written()).not.toEqual(expect.arrayContaining(['nobody-2']));
  });

  it('refuses a forged end-user identity even from a trusted sender', async () => {
    for (const identity of [
      `Bearer ${tokenFor({ sub: 'alice', roles: ['customer'], foreignKey: true })}`,
      `Bearer ${tokenFor({ sub: 'alice', roles: ['customer'], expiresIn: -300 })}`,
      'Bearer not-a-token',
    ]) {
      expect(await whoami({ identity })).toMatchObject({ ok: false, error: { code: 'auth.unauthenticated' } });
    }
  });

  it('runs the handler for the end user whose token the message carries, or for the deployment when it carries none', async () => {
    expect(await whoami({ identity: customerBearer('alice') })).toEqual({ ok: true, result: { kind: 'user', name: 'alice', roles: ['customer'] } });
    expect(await whoami({ identity: bearer('dave') })).toEqual({ ok: true, result: { kind: 'user', name: 'dave', roles: [] } });
    expect(await whoami({})).toMatchObject({ ok: true, result: { kind: 'service', roles: [] } });
  });

  it('carries the user through the monolith: a request made there runs in the host for that user', async () => {
    const answer = await request(probe.monolith.getHttpServer()).get('/v1/alpha/forward/bravo/whoami').set('authorization', customerBearer('frank')).expect(200);
    expect(answer.body).toEqual({ kind: 'user', name: 'frank', roles: ['customer'] });
    const admin = await request(probe.monolith.getHttpServer()).get('/v1/alpha/forward/bravo/whoami').set('authorization', adminBearer()).expect(200);
    expect(admin.body).toMatchObject({ kind: 'user', roles: ['admin', 'customer'] });
  });
});

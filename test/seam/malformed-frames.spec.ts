import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { type HostedProbe, startHostedProbe } from '../support/probe-pair';
import { RawTcpClient } from '../support/raw-tcp';
import { adminBearer, sealed } from '../support/auth';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import type { ProbeSystem } from '../sim/probe-system';

/** The kernel's probe modules: alpha in the monolith sends to bravo, in its module host over TCP. */
const SYSTEM: ProbeSystem = {
  modules: [
    { name: 'alpha', subscriptions: [], sends: ['bravo'] },
    { name: 'bravo', subscriptions: [] },
  ],
};

/**
 * A module host faces whatever arrives on its port. Every message that can be answered gets a
 * typed error back; framing that cannot be parsed closes that one connection; the host stays
 * up and keeps serving everyone else.
 */
describe('a module host receiving malformed messages', () => {
  let database: TestDatabase;
  let probe: HostedProbe;
  let port: number;
  const pattern = 'seams.malformed.bravo';

  const unsealed = () => ({
    v: 1,
    kind: 'command',
    name: 'bravo.put.v1',
    id: randomUUID(),
    correlationId: 'malformed-test',
    deadline: Date.now() + 5000,
    payload: { key: 'raw-1', value: 1 },
  });
  /** A sealed envelope, then `overrides` on top (after the seal: what a sender could not have sealed). */
  const envelope = (overrides: Record<string, unknown>) => ({ ...sealed(unsealed()), ...overrides });

  async function ask(data: unknown): Promise<unknown> {
    const client = await RawTcpClient.open(port);
    try {
      const id = randomUUID();
      client.request(pattern, data, id);
      const reply = (await client.next()) as { id: string; response?: unknown; err?: unknown };
      expect(reply).toMatchObject({ id });
      return reply.response ?? { transportError: reply.err };
    } finally {
      client.close();
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    probe = await startHostedProbe(SYSTEM, 'bravo', database.url, { env: { SEAMS_NAMESPACE: 'malformed' } });
    port = Number(new URL(probe.env.SEAMS_BRAVO_URL).port);
  }, 90_000);

  afterAll(async () => {
    await probe?.close();
    await database?.drop();
  });

  it.each([
    ['a string instead of an envelope', () => 'hello', 'seam.unknown-message', /not a seam envelope/],
    ['an array', () => [1, 2, 3], 'seam.unknown-message', /not a seam envelope/],
    ['null', () => null, 'seam.unknown-message', /not a seam envelope/],
    ['an unknown envelope version', () => envelope({ v: 99 }), 'seam.unknown-message', /Unsupported envelope version 99/],
    ['no message name', () => envelope({ name: undefined }), 'seam.unknown-message', /name must be a non-empty string/],
    ['a non-numeric deadline', () => envelope({ deadline: 'soon' }), 'seam.unknown-message', /deadline/],
    ['a message nobody serves', () => envelope({ name: 'bravo.teleport.v1' }), 'seam.unknown-message', /neither serves nor subscribes/],
    ['another module\'s command', () => envelope({ name: 'alpha.get.v1', kind: 'query' }), 'seam.unknown-message', /neither serves/],
    ['a command sent as a query', () => envelope({ kind: 'query' }), 'seam.unknown-message', /is a command, not a query/],
    ['a deadline already passed', () => envelope({ deadline: Date.now() - 1 }), 'seam.timeout', /after its deadline/],
    ['no seal', () => envelope({ service: undefined }), 'auth.unauthenticated', /carries no seal of this deployment/],
    ['a seal made with another secret', () => sealed(unsealed(), { secret: 'not-the-deployment-secret-but-32-chars-long' }), 'auth.unauthenticated', /sealed by another deployment, or altered/],
    ['a malformed seal', () => envelope({ service: 'just-a-string' }), 'auth.unauthenticated', /seal is malformed/],
    ['a seal that is not a string', () => envelope({ service: 42 }), 'seam.unknown-message', /service must be a string/],
    ['a payload changed under its seal', () => envelope({ payload: { key: 'raw-1', value: 9 } }), 'auth.unauthenticated', /altered on the way/],
    ['a payload that is not an object', () => envelope({ payload: 42 }), 'seam.invalid-message', /\(payload\) Invalid input: expected object, received number/],
    [
      'a payload breaking the contract',
      () => sealed({ ...unsealed(), payload: { key: 'NOT A KEY', value: -1 } }),
      'seam.invalid-message',
      /key Invalid string: must match pattern .*; value Too small: expected number to be >=0/,
    ],
    ['a payload missing a field', () => sealed({ ...unsealed(), payload: { key: 'raw-1' } }), 'seam.invalid-message', /value Invalid input: expected number, received undefined/],
  ])('answers %s with a typed error', async (_, data, code, message) => {
    // The envelope is made now, not when the table was read: its deadline is 5 s from now.
    const reply = (await ask(data())) as { ok: boolean; error: { code: string; message: string } };
    expect(reply.ok).toBe(false);
    expect(reply.error.code).toBe(code);
    expect(reply.error.message).toMatch(message);
  });

  it('answers a pattern it does not serve with a transport error, not silence', async () => {
    const client = await RawTcpClient.open(port);
    client.request('seams.nobody', envelope({}), 'x-1');
    await expect(client.next()).resolves.toMatchObject({ id: 'x-1', err: expect.anything() });
    client.close();
  });

  it.each([
    ['a frame whose length is not a number', 'abc#{}'],
    ['a frame that is not JSON', '5#{{{{{'],
    ['a frame longer than the limit', `${2 * 1024 * 1024}#{"pattern":`],
  ])('survives %s and keeps serving other connections', async (_, bytes) => {
    const bad = await RawTcpClient.open(port);
    bad.write(bytes);
    await bad.next(500);
    bad.close();

    const reply = (await ask(envelope({}))) as { ok: boolean };
    expect(reply).toMatchObject({ ok: true, result: { key: 'raw-1' } });
    expect(probe.host.child.exitCode).toBeNull();
  });

  it('still serves the monolith after all of that', async () => {
    await request(probe.monolith.getHttpServer()).put('/v1/alpha/forward/bravo/items/raw-2').set('authorization', adminBearer()).send({ value: 1 }).expect(200, { key: 'raw-2', seq: 1 });
  });
});

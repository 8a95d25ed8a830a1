import { randomBytes, randomUUID } from 'node:crypto';
import { type AppProcess, freePort, PROBE_MAIN, startAppProcess } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { adminBearer, tokenFor } from '../support/auth';
import type { ProbeSystem } from '../sim/probe-system';

/** The kernel's probe modules, started as the app starts (test/sim/probe-main.ts): alpha and charlie in the monolith, bravo in its host. */
const SYSTEM: ProbeSystem = {
  modules: [
    { name: 'alpha', subscriptions: [], sends: ['bravo', 'charlie'] },
    { name: 'bravo', subscriptions: [] },
    { name: 'charlie', subscriptions: [] },
  ],
};

/**
 * The logs of a monolith and a module host, read as the JSON lines they are: one request
 * must be followable across both by its correlation id.
 */
describe('logs across the seam', () => {
  let database: TestDatabase;
  let monolith: AppProcess;
  let host: AppProcess;
  let base: string;
  const json = { 'content-type': 'application/json', authorization: adminBearer() };

  beforeAll(async () => {
    database = await createTestDatabase();
    const [monolithPort, hostPort, seamPort] = [await freePort(), await freePort(), await freePort()];
    const env = { DATABASE_URL: database.url, SIM_SYSTEM: JSON.stringify(SYSTEM), SEAMS_BRAVO_URL: `tcp://127.0.0.1:${seamPort}` };
    host = startAppProcess({ ...env, PORT: String(hostPort) }, {}, [...PROBE_MAIN, '--module', 'bravo']);
    await host.waitFor(/API at/, 60_000);
    monolith = startAppProcess({ ...env, PORT: String(monolithPort), SEAMS_BRAVO: 'remote' }, {}, PROBE_MAIN);
    await monolith.waitFor(/API at/, 60_000);
    base = `http://127.0.0.1:${monolithPort}`;
  }, 150_000);

  afterAll(async () => {
    await Promise.all([monolith?.stop(), host?.stop()]);
    await database?.drop();
  });

  /** A put of 13 in `to` through alpha's forward route: the module's typed error bravo.unlucky / charlie.unlucky (409). */
  const putUnlucky = (headers: Record<string, string>, to = 'bravo') =>
    fetch(`${base}/v1/alpha/forward/${to}/items/log-1`, {
      method: 'PUT',
      headers: { ...json, ...headers },
      body: JSON.stringify({ value: 13 }),
    });

  it('carry the X-Request-Id of one request in the monolith (HTTP and the remote send) and in the module host', async () => {
    const correlationId = `req-${randomUUID()}`;
    const response = await putUnlucky({ 'x-request-id': correlationId });
    expect(response.status).toBe(409); // the answer came from bravo's host

    const http = await monolith.waitForLog({ correlationId, msg: /^PUT \/v1\/alpha\/forward\/bravo\/items\/log-1 409/ });
    expect(http).toMatchObject({ level: 40, service: 'monolith', res: { statusCode: 409 }, responseTime: expect.any(Number) });
    const sent = await monolith.waitForLog({ correlationId, event: 'seam.sent', message: 'bravo.put.v1' });
    expect(sent).toMatchObject({
      service: 'monolith',
      component: 'seam',
      module: 'bravo',
      kind: 'command',
      mode: 'remote',
      outcome: 'bravo.unlucky',
      durationMs: expect.any(Number),
    });
    const handled = await host.waitForLog({ correlationId, event: 'seam.handled', message: 'bravo.put.v1' });
    expect(handled).toMatchObject({ service: 'bravo', module: 'bravo', mode: 'remote', outcome: 'bravo.unlucky' });
  });

  it('carry it through a send in process too', async () => {
    const correlationId = `req-${randomUUID()}`;
    expect((await putUnlucky({ 'x-request-id': correlationId }, 'charlie')).status).toBe(409);
    const local = await monolith.waitForLog({ correlationId, event: 'seam.sent', mode: 'local', module: 'charlie' });
    expect(local).toMatchObject({ kind: 'command', outcome: 'charlie.unlucky', durationMs: expect.any(Number) });
  });

  it('take the trace id of an incoming traceparent as the correlation id when there is no X-Request-Id', async () => {
    const traceId = randomBytes(16).toString('hex');
    const response = await putUnlucky({ traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` });
    expect(response.headers.get('x-request-id')).toBe(traceId);
    await monolith.waitForLog({ correlationId: traceId, event: 'seam.sent', message: 'bravo.put.v1' });
    await host.waitForLog({ correlationId: traceId, event: 'seam.handled', message: 'bravo.put.v1' });
  });

  it("ignore a malformed traceparent and never write the caller's token, though it travels to the host", async () => {
    const token = tokenFor({ sub: `alice-${randomUUID()}`, roles: ['admin'] });
    const response = await putUnlucky({ traceparent: '00-zz-not-a-trace', authorization: `Bearer ${token}` });
    const correlationId = response.headers.get('x-request-id')!;
    expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
    const http = await monolith.waitForLog({ correlationId, msg: /^PUT \/v1\/alpha/ });
    expect((http.req as { headers: Record<string, string> }).headers.authorization).toBe('[redacted]');
    await host.waitForLog({ correlationId, event: 'seam.handled' });
    expect(monolith.output()).not.toContain(token);
    expect(host.output()).not.toContain(token);
    expect(monolith.output()).not.toContain(token.split('.')[2]); // not even the signature
  });
});

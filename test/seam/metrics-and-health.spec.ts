import { type Cluster, startCluster } from '../support/cluster';
import { eventually } from '../support/test-app';
import type { ProbeSystem } from '../sim/probe-system';

/**
 * The kernel's probe modules: alpha and delta in the monolith; alpha's routes send to bravo (a
 * host of its own) and to delta (in process); charlie (a host of its own) handles alpha's
 * changes and publishes charlie.relayed, which alpha handles.
 */
const SYSTEM: ProbeSystem = {
  modules: [
    { name: 'alpha', subscriptions: [{ event: 'charlie.relayed.v1', handlers: 1, chain: false }], sends: ['bravo', 'delta'] },
    { name: 'bravo', subscriptions: [] },
    { name: 'charlie', subscriptions: [{ event: 'alpha.changed.v1', handlers: 1, chain: true }] },
    { name: 'delta', subscriptions: [] },
  ],
};
const FORWARD = '/v1/alpha/forward/:other/items/:key';

/** The sum of the samples of `name` whose labels include `labels` in a Prometheus text exposition (undefined when none). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) total = (total ?? 0) + Number(match[3]);
  }
  return total;
}

/**
 * The monolith (in this process) with bravo and charlie in module host processes over TCP:
 * what `/metrics` and `/health/ready` say on both sides, with a host up, down and back.
 */
describe('metrics and readiness across the seam', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({
      system: SYSTEM,
      remote: ['bravo', 'charlie'],
      monolithEnv: { SEAMS_BRAVO_BREAKER_THRESHOLD: '2', SEAMS_BRAVO_BREAKER_HALF_OPEN_MS: '1000', SEAMS_QUERY_RETRIES: '0' },
    });
  }, 120_000);

  afterAll(() => cluster?.close());

  it('count HTTP requests by route template and seam calls by module, message, mode and outcome, on both sides', async () => {
    await cluster.http('alpha').put('/v1/alpha/forward/bravo/items/met-1').send({ value: 1 }).expect(200);
    await cluster.http('alpha').get('/v1/alpha/forward/bravo/items/met-1').expect(200);
    await cluster.http('alpha').put('/v1/alpha/forward/bravo/items/met-1').send({ value: 13 }).expect(409);
    await cluster.http('alpha').put('/v1/alpha/forward/delta/items/met-1').send({ value: 1 }).expect(200);

    const monolith = await cluster.http('alpha').get('/metrics').expect(200);
    expect(monolith.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = monolith.text;
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'PUT', route: FORWARD, status: '200' })).toBe(2);
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'PUT', route: FORWARD, status: '409' })).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: FORWARD, status: '200' })).toBe(1);
    const sent = { module: 'bravo', message: 'bravo.put.v1', kind: 'command', mode: 'remote', side: 'send' };
    expect(sample(text, 'seams_seam_call_duration_seconds_count', { ...sent, outcome: 'ok' })).toBe(1);
    expect(sample(text, 'seams_seam_call_duration_seconds_count', { ...sent, outcome: 'bravo.unlucky' })).toBe(1);
    // alpha sends to delta in this process
    expect(sample(text, 'seams_seam_call_duration_seconds_count', { module: 'delta', mode: 'local', side: 'send', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'seams_circuit_breaker_state', { module: 'bravo' })).toBe(0);
    expect(sample(text, 'seams_outbox_depth', { module: 'alpha' })).toEqual(expect.any(Number));
    expect(sample(text, 'seams_outbox_lag_seconds', { module: 'alpha' })).toEqual(expect.any(Number));
    expect(sample(text, 'seams_outbox_parked', { module: 'alpha' })).toBe(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toEqual(expect.any(Number));

    const host = (await cluster.http('bravo').get('/metrics').expect(200)).text;
    const handled = { module: 'bravo', message: 'bravo.put.v1', mode: 'remote', side: 'handle' };
    expect(sample(host, 'seams_seam_call_duration_seconds_count', { ...handled, outcome: 'ok' })).toBe(1);
    expect(sample(host, 'seams_seam_call_duration_seconds_count', { ...handled, outcome: 'bravo.unlucky' })).toBe(1);
    expect(sample(host, 'seams_outbox_depth', { module: 'bravo' })).toEqual(expect.any(Number));
    expect(sample(host, 'nodejs_eventloop_lag_seconds')).toEqual(expect.any(Number));
  });

  it('count events on their way through the seam: sent by the relay, handled by the subscriber host, and back', async () => {
    await cluster.http('alpha').put('/v1/alpha/items/ev-1').send({ value: 1 }).expect(200);
    const changed = { module: 'charlie', message: 'alpha.changed.v1', kind: 'event', mode: 'remote', side: 'send', outcome: 'ok' };
    // charlie's host publishes charlie.relayed back to alpha, which handles it here
    const relayed = { module: 'alpha', message: 'charlie.relayed.v1', kind: 'event', side: 'handle', outcome: 'ok' };
    const counts = await eventually(
      async () => {
        const monolith = (await cluster.http('alpha').get('/metrics').expect(200)).text;
        const charlie = (await cluster.http('charlie').get('/metrics').expect(200)).text;
        return [
          sample(monolith, 'seams_seam_call_duration_seconds_count', changed) ?? 0,
          sample(monolith, 'seams_seam_call_duration_seconds_count', relayed) ?? 0,
          sample(charlie, 'seams_seam_call_duration_seconds_count', { ...changed, side: 'handle' }) ?? 0,
        ];
      },
      (values) => values.every((value) => value >= 1),
    );
    expect(counts.every((value) => value >= 1)).toBe(true);
  });

  it('put unknown paths in one series, so made-up URLs cannot multiply them', async () => {
    await cluster.http('alpha').get('/v1/nothing/here-1').expect(404);
    await cluster.http('alpha').get('/v1/nothing/here-2').expect(404);
    const text = (await cluster.http('alpha').get('/metrics').expect(200)).text;
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(2);
    expect(text).not.toContain('here-1');
  });

  it('turn readiness 503 naming the module whose host is down, show the open breaker, and recover by themselves', async () => {
    // alpha sends commands to bravo; charlie only subscribes to events (the outbox keeps them
    // while it is away), so readiness depends on bravo alone
    const ready = await cluster.http('alpha').get('/health/ready').expect(200);
    expect(Object.keys(ready.body.details).sort()).toEqual(['database:alpha', 'database:delta', 'process', 'remote:bravo']);

    const put = { module: 'bravo', message: 'bravo.put.v1', mode: 'remote', side: 'send' };
    const before = sample((await cluster.http('alpha').get('/metrics').expect(200)).text, 'seams_seam_call_duration_seconds_count', { ...put, outcome: 'seam.unavailable' }) ?? 0;
    await cluster.host('bravo').stop('SIGKILL');
    const down = await cluster.http('alpha').get('/health/ready').expect(503);
    expect(down.body.status).toBe('error');
    expect(Object.keys(down.body.error)).toEqual(['remote:bravo']);
    expect(down.body.error['remote:bravo'].status).toBe('down');
    expect(down.body.details['database:alpha'].status).toBe('up');
    await cluster.http('alpha').get('/health/live').expect(200);
    // what does not need bravo keeps serving
    await cluster.http('alpha').put('/v1/alpha/forward/delta/items/met-2').send({ value: 1 }).expect(200);

    // two failures open the breaker (threshold 2 here); the next call fails fast
    const send = () => cluster.http('alpha').put('/v1/alpha/forward/bravo/items/met-2').send({ value: 1 });
    for (let i = 0; i < 2; i++) await send().expect(503);
    const fast = await send().expect(503);
    expect(fast.body.detail).toMatch(/circuit breaker is open/);
    let text = (await cluster.http('alpha').get('/metrics').expect(200)).text;
    expect(sample(text, 'seams_circuit_breaker_state', { module: 'bravo' })).toBe(1);
    expect((sample(text, 'seams_seam_call_duration_seconds_count', { ...put, outcome: 'seam.unavailable' }) ?? 0) - before).toBe(3);

    await cluster.startHost('bravo');
    await cluster.http('alpha').get('/health/ready').expect(200);
    // calls fail fast until the half-open period is over; then one call tries, succeeds, and closes the breaker
    const answers: { status: number; detail?: string }[] = [];
    await eventually(
      async () => {
        const response = await send();
        answers.push({ status: response.status, detail: response.body.detail });
        return response.status;
      },
      (status) => status !== 503,
    );
    expect(answers.at(-1)).toMatchObject({ status: 200 });
    for (const refused of answers.slice(0, -1)) expect(refused).toEqual({ status: 503, detail: expect.stringMatching(/circuit breaker is open/) });
    text = (await cluster.http('alpha').get('/metrics').expect(200)).text;
    expect(sample(text, 'seams_circuit_breaker_state', { module: 'bravo' })).toBe(0);
  });
});

import { ModulePolicy, resilienceFor } from '@seams/kernel/seam';
import { notSent, SeamUnavailableError } from '@seams/kernel/seam';
import { readSettings, resilienceOptions } from '../../src/host/config';

const settings = { breakerThreshold: 2, halfOpenMs: 60_000, bulkheadLimit: 1, bulkheadQueue: 0, queryRetries: 2 };

/** A call that fails with "unreachable" `failures` times, then answers. */
function flaky(failures: number) {
  let calls = 0;
  const call = async () => {
    calls++;
    if (calls <= failures) throw new SeamUnavailableError('inventory', 'connect ECONNREFUSED');
    return 'ok';
  };
  return { call, calls: () => calls };
}

describe('ModulePolicy', () => {
  it('retries a query whose module was unreachable, but never a command', async () => {
    const query = flaky(1);
    await expect(new ModulePolicy('inventory', settings).execute(true, query.call)).resolves.toBe('ok');
    expect(query.calls()).toBe(2);

    const command = flaky(1);
    await expect(new ModulePolicy('inventory', settings).execute(false, command.call)).rejects.toBeInstanceOf(SeamUnavailableError);
    expect(command.calls()).toBe(1);
  });

  it('opens the circuit after the threshold and then turns calls away without trying', async () => {
    const policy = new ModulePolicy('inventory', settings);
    const down = flaky(100);
    await expect(policy.execute(false, down.call)).rejects.toThrow(/ECONNREFUSED/);
    await expect(policy.execute(false, down.call)).rejects.toThrow(/ECONNREFUSED/);
    expect(policy.state).toBe('open');
    await expect(policy.execute(false, down.call)).rejects.toMatchObject({
      code: 'seam.unavailable',
      message: 'The inventory module is unavailable: its circuit breaker is open after repeated failures',
      details: { module: 'inventory', retryAfterSeconds: 60 },
      sent: false,
    });
    expect(down.calls()).toBe(2);
  });

  it('says whether a refused call sent anything: not when turned away first, yes when a retry was turned away after a try', async () => {
    const open = new ModulePolicy('inventory', settings);
    const down = flaky(100);
    for (let i = 0; i < 2; i++) await expect(open.execute(false, down.call)).rejects.toThrow(/ECONNREFUSED/);
    const turnedAway = await open.execute(false, down.call).catch((error: unknown) => error);
    expect(notSent(turnedAway)).toBe(true);
    // The answer of a try was lost: the message may have taken effect.
    const lost = await new ModulePolicy('inventory', settings).execute(false, flaky(1).call).catch((error: unknown) => error);
    expect(lost).toBeInstanceOf(SeamUnavailableError);
    expect(notSent(lost)).toBe(false);

    // One call holds the only slot: the next is turned away by the bulkhead before any try.
    const busy = new ModulePolicy('inventory', { ...settings, breakerThreshold: 100 });
    let release!: () => void;
    const holding = busy.execute(false, () => new Promise<string>((resolve) => (release = () => resolve('done'))));
    const full = await busy.execute(false, async () => 'never').catch((error: unknown) => error);
    expect(full).toMatchObject({ message: expect.stringMatching(/too many calls/), sent: false });
    release();
    await holding;
    // A query tries once and finds its module unreachable; meanwhile other calls take the only
    // slot and the only place in the queue, so its retry is turned away: after a try that left.
    const queued = new ModulePolicy('inventory', { ...settings, breakerThreshold: 100, bulkheadQueue: 1 });
    const others: Promise<string>[] = [];
    const releases: (() => void)[] = [];
    const held = () => new Promise<string>((resolve) => releases.push(() => resolve('done')));
    let tries = 0;
    const retried = queued.execute(true, async () => {
      if (++tries > 1) return 'ok';
      // Queued now; runs as soon as this try frees the slot, and queues one more behind it.
      others.push(
        queued.execute(false, () => {
          others.push(queued.execute(false, held));
          return held();
        }),
      );
      throw new SeamUnavailableError('inventory', 'connect ECONNREFUSED');
    });
    const refusal = await retried.catch((error: unknown) => error);
    expect(tries).toBe(1);
    // The two others end once let go (the second starts only when the first has ended).
    expect(others).toHaveLength(2);
    let ended = false;
    void Promise.all(others).then(() => (ended = true));
    while (!ended) {
      releases.splice(0).forEach((release) => release());
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(refusal).toMatchObject({ message: expect.stringMatching(/too many calls/), sent: true });
    expect(notSent(refusal)).toBe(false);
  });

  it('does not count a typed answer of the module as its failure', async () => {
    const policy = new ModulePolicy('inventory', settings);
    const conflict = Object.assign(new Error('Not enough stock'), { code: 'inventory.insufficient-stock' });
    for (let i = 0; i < 5; i++) await expect(policy.execute(false, () => Promise.reject(conflict))).rejects.toBe(conflict);
    expect(policy.state).toBe('closed');
  });

  it('bounds the calls in flight (bulkhead) and turns the excess away at once', async () => {
    const policy = new ModulePolicy('inventory', settings);
    let release!: () => void;
    const slow = policy.execute(false, () => new Promise<string>((resolve) => (release = () => resolve('done'))));
    await expect(policy.execute(false, async () => 'second')).rejects.toThrow(/too many calls to it are already under way/);
    release();
    await expect(slow).resolves.toBe('done');
  });

  it('takes per-module settings over the global ones, and refuses nonsense naming the setting and the value', () => {
    const fromEnv = (env: Record<string, string>) => resilienceOptions(readSettings(env, ['inventory', 'catalog']));
    expect(resilienceFor('inventory', fromEnv({ SEAMS_BREAKER_THRESHOLD: '7', SEAMS_INVENTORY_BREAKER_THRESHOLD: '3' })).breakerThreshold).toBe(3);
    expect(resilienceFor('catalog', fromEnv({ SEAMS_BREAKER_THRESHOLD: '7' })).breakerThreshold).toBe(7);
    expect(resilienceFor('catalog', fromEnv({}))).toEqual({ breakerThreshold: 5, halfOpenMs: 5000, bulkheadLimit: 100, bulkheadQueue: 100, queryRetries: 2 });
    expect(() => fromEnv({ SEAMS_BULKHEAD_LIMIT: 'lots' })).toThrow(/^SEAMS_BULKHEAD_LIMIT must be a whole number ≥ 0, not "lots"$/);
    expect(() => fromEnv({ SEAMS_CATALOG_BULKHEAD_LIMIT: '-1' })).toThrow(/^SEAMS_CATALOG_BULKHEAD_LIMIT must be a whole number ≥ 0, not "-1"$/);
    // The kernel's own check, for options given in code: the option's name and the value.
    expect(() => resilienceFor('catalog', { modules: { catalog: { bulkheadLimit: 1.5 } } })).toThrow(/^resilience\.modules\.catalog\.bulkheadLimit must be a whole number ≥ 0, not "1.5"$/);
  });

  it('counts a retried call once against the breaker, and does not retry through an open circuit', async () => {
    const policy = new ModulePolicy('inventory', settings);
    const down = flaky(100);
    await expect(policy.execute(true, down.call)).rejects.toBeInstanceOf(SeamUnavailableError);
    expect(down.calls()).toBe(3); // the first try and two retries
    expect(policy.state).toBe('closed'); // one failed call of a threshold of 2
    await expect(policy.execute(true, down.call)).rejects.toBeInstanceOf(SeamUnavailableError);
    expect(policy.state).toBe('open');
    await expect(policy.execute(true, down.call)).rejects.toThrow(/circuit breaker is open/);
    expect(down.calls()).toBe(6); // turned away without an attempt
  });
});

import { runScenario, SCENARIO_CEILING_MS, SCENARIO_CLOSE_MS } from './run';
import { KEPT_FAILING, KILL_DOWN_MS, type Scenario } from './scenario';

/**
 * Scenarios the simulation found, or that review found before it existed, kept as fixed
 * regression tests (each failed before its fix). A new failing seed's shrunk scenario belongs here.
 */
const NO_FAULTS = { throws: [], conflicts: [] };
/** Two modules: bravo has one handler of alpha's event. */
const ALPHA_TO_BRAVO: Scenario['system'] = { modules: [{ name: 'alpha', subscriptions: [] }, { name: 'bravo', subscriptions: [{ event: 'alpha.changed.v1', handlers: 1, chain: false }] }] };

// A scenario ends within its ceiling, then closes its clusters: a case never outlives its timeout
// (its clusters closing after the test ended) on a slow machine.
jest.setTimeout(SCENARIO_CEILING_MS + SCENARIO_CLOSE_MS + 60_000);

const scenario = (partial: Partial<Scenario> & Pick<Scenario, 'system'>): Scenario => ({
  placement: { remote: [], transport: 'tcp' },
  probe: [],
  load: [],
  faults: NO_FAULTS,
  ...partial,
});

describe('simulation regressions', () => {
  it('delivers an event to each of two modules that subscribe to it in one process, exactly once each', async () => {
    const violations = await runScenario(
      scenario({
        system: {
          modules: [
            { name: 'alpha', subscriptions: [] },
            { name: 'bravo', subscriptions: [{ event: 'alpha.changed.v1', handlers: 1, chain: false }] },
            { name: 'charlie', subscriptions: [{ event: 'alpha.changed.v1', handlers: 2, chain: false }] },
          ],
        },
        placement: { remote: ['alpha'], transport: 'tcp' },
        probe: [{ kind: 'put', module: 'alpha', key: 'k1', value: 1 }],
        load: [[{ kind: 'put', module: 'alpha', key: 'k1', value: 2 }, { kind: 'put', module: 'alpha', key: 'k2', value: 3 }]],
      }),
    );
    expect(violations).toEqual([]);
  });

  it('gives a command slower than its deadline the same answer, seam.timeout with no effect, in process as in a module host', async () => {
    const violations = await runScenario(
      scenario({
        system: ALPHA_TO_BRAVO,
        placement: { remote: ['alpha'], transport: 'tcp' },
        probe: [
          { kind: 'put', module: 'alpha', key: 'k1', value: 950 },
          { kind: 'get', module: 'alpha', key: 'k1' },
          { kind: 'put', module: 'alpha', key: 'k1', value: 5 },
        ],
      }),
    );
    expect(violations).toEqual([]);
  });

  it('refuses a payload that breaks its contract with the same typed error in process and across the seam, reaching no handler', async () => {
    const violations = await runScenario(
      scenario({
        system: { modules: [{ name: 'alpha', subscriptions: [] }, { name: 'bravo', subscriptions: [] }] },
        placement: { remote: ['bravo'], transport: 'tcp' },
        probe: [
          { kind: 'invalid', module: 'alpha', message: 'put', payload: { key: 'bad-range', value: 5000 } },
          { kind: 'invalid', module: 'bravo', message: 'put', payload: { key: 'bad-range', value: 5000 } },
          { kind: 'invalid', module: 'alpha', message: 'get', payload: { key: 42 } },
          { kind: 'invalid', module: 'bravo', message: 'get', payload: {} },
        ],
      }),
    );
    expect(violations).toEqual([]);
  });

  it('keeps the order of an aggregate through a parked event: the later ones wait behind it until it is resubmitted (seed 1253516382)', async () => {
    const violations = await runScenario(
      scenario({
        system: ALPHA_TO_BRAVO,
        placement: { remote: ['bravo'], transport: 'tcp' },
        load: [
          [
            { kind: 'put', module: 'alpha', key: 'k2', value: 1 },
            { kind: 'put', module: 'alpha', key: 'k2', value: 2 },
            { kind: 'put', module: 'alpha', key: 'k1', value: 3 },
            { kind: 'put', module: 'alpha', key: 'k2', value: 4 },
          ],
        ],
        faults: { throws: [{ module: 'bravo', handler: 'On_alpha_changed_v1_0', key: 'k2', remaining: KEPT_FAILING }], conflicts: [] },
      }),
    );
    expect(violations).toEqual([]);
  });

  // A killed subscriber host: the relay's attempts while it was down (refused, or through a
  // broker timed out) counted toward parking, so the first throw once it was back parked the
  // delivery of a subscriber that had not kept failing ("was parked, but its subscriber did not
  // keep failing"); and through RabbitMQ an outage of more than a few seconds parked by itself.
  it.each(['tcp', 'nats', 'amqp'] as const)(
    'parks no delivery of a subscriber that was down, then failed twice once back, over %s (its outage does not count as failures)',
    async (transport) => {
      const violations = await runScenario(
        scenario({
          system: ALPHA_TO_BRAVO,
          placement: { remote: ['bravo'], transport },
          load: [[1, 2, 3, 4].map((value) => ({ kind: 'put' as const, module: 'alpha', key: 'k1', value }))],
          faults: { throws: [{ module: 'bravo', handler: 'On_alpha_changed_v1_0', key: 'k1', remaining: 2 }], conflicts: [], kill: { module: 'bravo', afterSteps: 0 } },
        }),
      );
      expect(violations).toEqual([]);
    },
  );

  it('parks no delivery of a subscriber whose host is down longer than the relay\'s attempts through RabbitMQ (its calls time out in the queue)', async () => {
    const violations = await runScenario(
      scenario({
        system: ALPHA_TO_BRAVO,
        placement: { remote: ['bravo'], transport: 'amqp' },
        load: [[1, 2, 3, 4, 5, 6].map((value) => ({ kind: 'put' as const, module: 'alpha', key: `k${(value % 3) + 1}`, value }))],
        faults: { throws: [], conflicts: [], kill: { module: 'bravo', afterSteps: 1, downMs: KILL_DOWN_MS } },
      }),
    );
    expect(violations).toEqual([]);
  });

  // A process serving several modules over a broker (the monolith here serves alpha and bravo)
  // took each message once per module it served over NATS: a put from charlie's host ran twice.
  it.each(['tcp', 'nats', 'amqp'] as const)('runs each command from a module host to a process serving several modules once, over %s', async (transport) => {
    const violations = await runScenario(
      scenario({
        system: { modules: [{ name: 'alpha', subscriptions: [] }, { name: 'bravo', subscriptions: [{ event: 'alpha.changed.v1', handlers: 1, chain: false }] }, { name: 'charlie', subscriptions: [] }] },
        placement: { remote: ['charlie'], transport },
        probe: [
          { kind: 'put', module: 'alpha', key: 'k1', value: 1, from: 'charlie' },
          { kind: 'get', module: 'alpha', key: 'k1', from: 'charlie' },
          { kind: 'put', module: 'bravo', key: 'k2', value: 2, from: 'charlie' },
        ],
        load: [[{ kind: 'put', module: 'alpha', key: 'k1', value: 3, from: 'charlie' }], [{ kind: 'put', module: 'alpha', key: 'k3', value: 4, from: 'charlie' }]],
      }),
    );
    expect(violations).toEqual([]);
  });

  // A local subscriber had no deadline: slower than the seam's timeout, it ran to its end and
  // committed in process, while in a module host it was rolled back and retried.
  it.each([[[]], [['bravo']]] as const)('times out a subscriber slower than its deadline, rolls it back and retries it, with bravo remote: %j', async (remote) => {
    const violations = await runScenario(
      scenario({
        system: ALPHA_TO_BRAVO,
        placement: { remote, transport: 'tcp' },
        load: [[1, 2].map((value) => ({ kind: 'put' as const, module: 'alpha', key: 'k1', value }))],
        faults: { throws: [], conflicts: [], slows: [{ module: 'bravo', handler: 'On_alpha_changed_v1_0', key: 'k1', remaining: 2 }] },
      }),
    );
    expect(violations).toEqual([]);
  });
});

import fc from 'fast-check';
import { runScenario } from './run';
import { type Scenario, scenarios } from './scenario';

/**
 * The simulation: random systems of probe modules (test/sim/probe-system.ts), random
 * placements, workloads and faults (scenario.ts), run for real (module hosts are processes,
 * the transports and PostgreSQL are the real ones) and checked from the tables (run.ts).
 *
 *   SIM_RUNS   how many scenarios (default 2: the budget `npm test` spends; `npm run test:sim` runs 20)
 *   SIM_SEED   replays a run's scenarios (a failure prints its seed and path)
 *   SIM_PATH   with SIM_SEED: replays exactly the (shrunk) failing scenario
 *   SIM_BUDGET_MS  stops starting new scenarios (or shrinking) after this long (default 8 min)
 */
const runs = Number(process.env.SIM_RUNS || 2);
const seed = process.env.SIM_SEED ? Number(process.env.SIM_SEED) : Math.floor(Math.random() * 2 ** 31);
const path = process.env.SIM_PATH || undefined;
const budgetMs = Number(process.env.SIM_BUDGET_MS || 8 * 60_000);

jest.setTimeout(budgetMs + 5 * 60_000);

describe('the simulation', () => {
  it('handles every committed event exactly once per subscriber, in order, and answers alike in every placement, for random systems under faults', async () => {
    process.stdout.write(`simulation: seed ${seed}${path ? ` path ${path}` : ''}, ${runs} runs\n`);
    const result = await fc.check(
      fc.asyncProperty(scenarios(), async (scenario: Scenario) => {
        const violations = await runScenario(scenario);
        if (violations.length > 0) throw new Error(violations.join('\n'));
      }),
      { seed, path, numRuns: path ? 1 : runs, endOnFailure: false, interruptAfterTimeLimit: budgetMs, markInterruptAsFailure: false },
    );
    if (result.failed) {
      const [scenario] = result.counterexample ?? [];
      const report = [
        `The simulation failed (seed ${seed}, path ${result.counterexamplePath}, after ${result.numRuns} runs and ${result.numShrinks} shrinks).`,
        `Smallest failing scenario:\n${JSON.stringify(scenario, null, 1)}`,
        `What did not hold:\n${result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance)}`,
        `Replay it: SIM_SEED=${seed} SIM_PATH=${result.counterexamplePath} npm run test:sim`,
      ].join('\n\n');
      throw new Error(report);
    }
    expect(result.interrupted || result.numRuns === (path ? 1 : runs)).toBe(true);
  });
});

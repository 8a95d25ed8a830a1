import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { runScenario, SCENARIO_CEILING_MS, SCENARIO_CLOSE_MS } from './run';
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
 *
 * A failure's report goes to the error's first line (the replay command) and, whole, to a file
 * in the OS temp folder (`seams-sim-failure-<seed>.txt`, its path in the error), so that a CI
 * log cut short still says how to replay it.
 */
const runs = Number(process.env.SIM_RUNS || 2);
const seed = process.env.SIM_SEED ? Number(process.env.SIM_SEED) : Math.floor(Math.random() * 2 ** 31);
const path = process.env.SIM_PATH || undefined;
const budgetMs = Number(process.env.SIM_BUDGET_MS || 8 * 60_000);

// The budget is checked before each scenario, never during one: a scenario started before it ran
// out runs to its end (at most SCENARIO_CEILING_MS, then SCENARIO_CLOSE_MS to close its clusters).
// So the test ends within the budget plus one scenario, and no cluster outlives it.
jest.setTimeout(budgetMs + SCENARIO_CEILING_MS + SCENARIO_CLOSE_MS + 60_000);

describe('the simulation', () => {
  it('handles every committed event exactly once per subscriber, in order, and answers alike in every placement, for random systems under faults', async () => {
    process.stdout.write(`simulation: seed ${seed}${path ? ` path ${path}` : ''}, ${runs} runs\n`);
    const stopAt = Date.now() + budgetMs;
    let out = false;
    const result = await fc.check(
      fc.asyncProperty(scenarios(), async (scenario: Scenario) => {
        // Out of budget: fast-check stops here (initial runs and shrinking alike), with what it
        // has. Not fast-check's own `interruptAfterTimeLimit`: that one resolves at the limit and
        // leaves the scenario under way running, its clusters closing after the test has ended.
        if (Date.now() >= stopAt) {
          out = true;
          throw new fc.PreconditionFailure(true);
        }
        const violations = await runScenario(scenario);
        if (violations.length > 0) throw new Error(violations.join('\n'));
      }),
      { seed, path, numRuns: path ? 1 : runs, endOnFailure: false },
    );
    if (result.failed && result.counterexample === null) {
      // Interrupted before any scenario passed, none failed: only a budget of 0 gets here.
      throw new Error(`The simulation ran out of its budget (SIM_BUDGET_MS=${budgetMs}) before any scenario finished (seed ${seed}).`);
    }
    if (result.failed) {
      const [scenario] = result.counterexample ?? [];
      const replay = `SIM_SEED=${seed} SIM_PATH=${result.counterexamplePath} npm run test:sim`;
      const violations = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
      const file = join(tmpdir(), `seams-sim-failure-${seed}.txt`);
      const report = [
        `The simulation failed (seed ${seed}, path ${result.counterexamplePath}, after ${result.numRuns} runs and ${result.numShrinks} shrinks${out ? ', shrinking cut short by the budget' : ''}).`,
        `Replay it: ${replay}`,
        `What did not hold:\n${violations}`,
        `Smallest failing scenario:\n${JSON.stringify(scenario, null, 1)}`,
      ].join('\n\n');
      let saved = `the whole report is in ${file}`;
      try {
        writeFileSync(file, `${report}\n`);
      } catch (error) {
        saved = `the report could not be written to ${file}: ${(error as Error).message}`;
      }
      process.stdout.write(`simulation FAILED: seed ${seed} path ${result.counterexamplePath}; ${saved}\n`);
      // First line: the replay command and the first violation, before anything a log may cut.
      throw new Error(`simulation failed: ${replay} (${saved}); first violation: ${violations.split('\n')[0].slice(0, 300)}\n\n${report}`);
    }
    expect(result.interrupted || result.numRuns === (path ? 1 : runs)).toBe(true);
  });
});

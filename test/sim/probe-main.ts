import 'reflect-metadata';
// First, as in src/main.ts: run-main starts tracing before anything loads http or pg.
import { runMainOrExit } from '../../src/host/run-main';
import { probeManifests, type ProbeSystem } from './probe-system';

/**
 * The app's own start (src/host/run-main.ts: settings, placement, ports, database checks, the
 * ready lines, graceful shutdown) on a probe system instead of the shop's modules: what
 * `node dist/src/main.js` does, for the kernel's tests of starting and stopping, which must
 * hold with no shop. `SIM_SYSTEM` is the system's JSON (default: alpha and bravo, bravo
 * subscribing to alpha's changes); `--module <m>` or `SEAMS_HOST_MODULE` as for main.js. Run
 * with `node -r test/sim/register.js test/sim/probe-main.ts`.
 */
const DEFAULT_SYSTEM: ProbeSystem = {
  modules: [
    { name: 'alpha', subscriptions: [] },
    { name: 'bravo', subscriptions: [{ event: 'alpha.changed.v1', handlers: 1, chain: false }] },
  ],
};
const system = process.env.SIM_SYSTEM ? (JSON.parse(process.env.SIM_SYSTEM) as ProbeSystem) : DEFAULT_SYSTEM;
runMainOrExit(probeManifests(system, { slowMs: Number(process.env.SIM_SLOW_MS ?? 1000) }));

import 'reflect-metadata';
import { createApp, startApp } from '../../src/host/create-app';
import type { Request, Response } from 'express';
import { shutDownGracefully } from '@seams/kernel/host';
import { Seam } from '@seams/kernel/seam';
import { probeManifests, type ProbeSystem } from './probe-system';
import type { Step } from './scenario';
import { sendStep } from './send-step';

/**
 * A module host of a probe system, as `node dist/src/main.js --module <m>` is one of the shop:
 * `SIM_SYSTEM` (the system's JSON), `SEAMS_HOST_MODULE`, `DATABASE_URL`, `PORT` and the usual
 * `SEAMS_*` settings. Started by the simulation (test/sim/cluster.ts) with test/sim/register.js.
 * Without `SEAMS_HOST_MODULE` it is the system's monolith (every module not placed remote),
 * which serves each of its modules that has an address: a host of several modules.
 */
async function main(): Promise<void> {
  const system = JSON.parse(process.env.SIM_SYSTEM ?? '') as ProbeSystem;
  const module = process.env.SEAMS_HOST_MODULE || 'monolith';
  const manifests = probeManifests(system, { slowMs: Number(process.env.SIM_SLOW_MS) });
  const app = await createApp({
    manifests,
    role: module === 'monolith' ? { kind: 'monolith' } : { kind: 'module', module },
    database: { url: process.env.DATABASE_URL!, poolSize: 6 },
  });
  // The simulation asks a host to send a step through its own seam (a plain Express route before
  // Nest's router, on loopback, in tests only: a step's answer, typed error and all, as JSON).
  const seam = app.get(Seam);
  app.use('/sim/send', (request: Request, response: Response) => {
    void sendStep(seam, request.body as Step).then((answer) => response.json(answer));
  });
  await startApp(app, Number(process.env.PORT), '127.0.0.1');
  process.stdout.write(`probe host of ${module} ready\n`);
  // As the app's own entry (src/main.ts) stops: what is under way is finished, new messages are refused.
  const timeoutMs = Number(process.env.SEAMS_SHUTDOWN_TIMEOUT_MS ?? 10_000);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void shutDownGracefully(app, timeoutMs).then(() => process.exit(0)));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`probe host failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

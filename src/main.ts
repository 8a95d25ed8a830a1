import 'reflect-metadata';
// Before anything that loads http or pg (see start-tracing.ts).
import { tracing } from './host/start-tracing';
import { createApp, startApp } from './host/create-app';
import { logOptions, readSettings } from './host/config';
import { resolveDatabase } from './host/database';
import { MANIFESTS } from './host/manifests';
import { roleFrom, serviceOf } from './host/role';
import { shutDownGracefully } from './host/shutdown';
import { createRootLogger, logSettings, stopTracing } from '@seams/kernel/observability';
import { EMBEDDED_POSTGRES_DIED_EXIT_CODE, EmbeddedPostgresError } from '@seams/kernel/persistence';

/**
 * `node dist/src/main.js` runs the monolith; `node dist/src/main.js --module inventory` (or
 * `SEAMS_HOST_MODULE=inventory`) runs the same build as the inventory module's host.
 */
async function main(): Promise<void> {
  // The environment is read here, once (src/host/config); createApp reads the same settings.
  const settings = readSettings(process.env, MANIFESTS.map((m) => m.name), MANIFESTS);
  const role = roleFrom(process.argv, settings.hostModule);
  const shutdownTimeoutMs = settings.shutdownTimeoutMs;
  const root = createRootLogger(logSettings(logOptions(settings, serviceOf(role))));
  const log = root.child({ context: 'Seams' });
  const database = await resolveDatabase(settings);
  // The embedded server dying under the app: exit at once, in one line, so that whatever
  // supervises the app restarts it (and with it the server). See ADR 0005. Not while shutting
  // down: Ctrl-C in a terminal stops the server too (it is in the same process group).
  let shuttingDown = false;
  database.embedded?.watch((reason) => {
    if (shuttingDown) return;
    console.error(reason);
    process.exit(EMBEDDED_POSTGRES_DIED_EXIT_CODE);
  });
  log.info(
    database.embedded
      ? `Embedded PostgreSQL ${database.embedded.owned ? 'started' : 'reused'} in ${database.embedded.dataDir}`
      : 'Using the PostgreSQL server of DATABASE_URL',
  );
  let app;
  try {
    app = await createApp({ database: { url: database.url, poolSize: settings.poolSize }, role, root });
  } catch (error) {
    await database.embedded?.stop();
    throw error;
  }
  const port = settings.port;
  await startApp(app, port);
  const base = `http://localhost:${port}`;
  log.info(
    `API at ${base}/v1, Swagger UI at ${base}/docs (OpenAPI JSON at ${base}/docs-json), metrics at ${base}/metrics, ` +
      `tracing ${tracing ? 'on' : 'off'}`,
  );

  // SIGTERM / SIGINT: stop taking work, finish what is under way (bounded), close the
  // transports and module pools, flush traces, then stop the embedded server.
  const shutdown = async (signal: NodeJS.Signals) => {
    shuttingDown = true;
    log.info(`${signal} received: finishing the work under way (at most ${shutdownTimeoutMs} ms), then stopping`);
    setTimeout(() => {
      log.error(`Shutdown took longer than ${shutdownTimeoutMs + 5000} ms; exiting anyway`);
      process.exit(1);
    }, shutdownTimeoutMs + 5000).unref();
    const { cut } = await shutDownGracefully(app, shutdownTimeoutMs);
    if (cut) log.warn(`Work still under way after ${shutdownTimeoutMs} ms was cut; undelivered events stay in the outbox`);
    await stopTracing(tracing);
    await database.embedded?.stop();
    log.info('Stopped');
    root.flush();
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, (received) => void shutdown(received));
}

main().catch((error: unknown) => {
  // A start that failed for a known reason says so in one line; anything else shows its stack.
  if (error instanceof EmbeddedPostgresError) console.error(error.message);
  else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});

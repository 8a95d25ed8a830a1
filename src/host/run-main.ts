import 'reflect-metadata';
// First, before anything that loads http or pg (see start-tracing.ts).
import { tracing } from './start-tracing';
import { createApp, startApp } from './create-app';
import { logOptions, nameFor, type Settings, SETTINGS } from './config';
import { resolveDatabase } from './database';
import { serviceOf } from './role';
import { shutDownGracefully } from './shutdown';
import { checkConfiguration, CONFIGURATION_EXIT_CODE, databaseProblem, devKeyLine, devKeyProblem, portProblem, portProblems, readyLines, StartupProblem } from './startup';
import { createRootLogger, logSettings, stopTracing } from '@seams/kernel/observability';
import { EMBEDDED_POSTGRES_DIED_EXIT_CODE, EmbeddedPostgresError } from '@seams/kernel/persistence';
import { DevKeyFolderError } from '@seams/kernel/security';
import type { ModuleManifest, Topology } from '@seams/kernel/seam';
import type { INestApplication } from '@nestjs/common';

/**
 * Starts a process of the app with `manifests` (src/main.ts: the modules of
 * src/host/manifests.ts): the monolith, or with `--module <name>` (or `SEAMS_HOST_MODULE`) that
 * module's host.
 *
 * The configuration is checked before anything starts (settings, placement, files, ports,
 * then the database's connection); every problem is one line and the exit code is 2.
 */
export async function runMain(manifests: readonly ModuleManifest[]): Promise<void> {
  // The environment is read here, once (src/host/config); createApp reads the same settings.
  const { settings, role, topology, warnings } = checkConfiguration(process.env, process.argv, manifests);
  const shutdownTimeoutMs = settings.shutdownTimeoutMs;
  const root = createRootLogger(logSettings(logOptions(settings, serviceOf(role))));
  const log = root.child({ context: 'Seams' });
  for (const warning of warnings) log.warn(warning);
  const problems = [...(await portProblems(settings.port, topology)), ...[await devKeyProblem(settings)].filter((line) => line !== undefined)];
  if (problems.length > 0) throw new StartupProblem(problems);
  const checked = await checkDatabases(settings, topology);
  if (checked.length > 0) throw new StartupProblem(checked);

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
  let app: INestApplication | undefined;
  try {
    app = await createApp({ manifests, database: { url: database.url, poolSize: settings.poolSize }, role, root });
    await startApp(app, settings.port).catch((error: unknown) => {
      throw listenProblem(error, settings, topology) ?? error;
    });
  } catch (error) {
    shuttingDown = true; // the embedded server is stopped on purpose here
    await app?.close().catch(() => undefined);
    await database.embedded?.stop();
    // The generated service secret is written to the same folder as the development key.
    throw error instanceof DevKeyFolderError ? new StartupProblem([devKeyLine(settings, error)]) : error;
  }
  for (const line of readyLines(settings, Boolean(tracing))) log.info(line);

  // SIGTERM / SIGINT: stop taking work, finish what is under way (bounded), close the
  // transports and module pools, flush traces, then stop the embedded server.
  const shutdown = async (signal: NodeJS.Signals) => {
    shuttingDown = true;
    log.info(`${signal} received: finishing the work under way (at most ${shutdownTimeoutMs} ms), then stopping`);
    setTimeout(() => {
      log.error(`Shutdown took longer than ${shutdownTimeoutMs + 5000} ms; exiting anyway`);
      process.exit(1);
    }, shutdownTimeoutMs + 5000).unref();
    const { cut } = await shutDownGracefully(app!, shutdownTimeoutMs);
    if (cut) log.warn(`Work still under way after ${shutdownTimeoutMs} ms was cut; undelivered events stay in the outbox`);
    await stopTracing(tracing);
    await database.embedded?.stop();
    log.info('Stopped');
    root.flush();
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, (received) => void shutdown(received));
}

/** The databases named by settings (DATABASE_URL, and the own databases of the modules here), connected to once. */
async function checkDatabases(settings: Settings, topology: Topology): Promise<string[]> {
  const embeddedPort = settings.embeddedPgPort;
  const checks = [
    ...(settings.databaseUrl ? [{ setting: 'DATABASE_URL', url: settings.databaseUrl, embeddedPort }] : []),
    ...topology.localModules.flatMap((module) => {
      const url = settings.moduleDatabaseUrl[module];
      return url ? [{ setting: nameFor(SETTINGS.moduleDatabaseUrl, module), url, embeddedPort }] : [];
    }),
  ];
  const problems = await Promise.all(checks.map((check) => databaseProblem(check)));
  return problems.filter((problem): problem is string => problem !== undefined);
}

/** A listen that failed because another process took the port between the check and the start. */
function listenProblem(error: unknown, settings: Settings, topology: Topology): StartupProblem | undefined {
  const { code, port } = error as { code?: string; port?: number };
  if (!code || !/^(EADDRINUSE|EACCES|EADDRNOTAVAIL)$/.test(code)) return undefined;
  const served = topology.served.find(({ url }) => port !== undefined && url.endsWith(`:${port}`));
  const line = served
    ? portProblem(nameFor(SETTINGS.moduleUrl, served.module), served.url, port!, code)
    : portProblem('PORT', String(settings.port), port ?? settings.port, code);
  return new StartupProblem([line]);
}

/**
 * Runs `manifests` as src/main.ts does, and ends the process as it does on a failed start: a
 * start refused for its configuration in one line a problem, exit code 2; a known failure of the
 * embedded server in one line; anything else with its stack.
 */
export function runMainOrExit(manifests: readonly ModuleManifest[]): void {
  runMain(manifests).catch((error: unknown) => {
    if (error instanceof StartupProblem) {
      for (const line of error.lines) console.error(line);
      process.exit(CONFIGURATION_EXIT_CODE);
    }
    if (error instanceof EmbeddedPostgresError) console.error(error.message);
    else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}

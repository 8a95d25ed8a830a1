import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { Role } from './kernel/seam';
import { createApp, startApp } from './host/create-app';
import { poolSizeFrom, resolveDatabase } from './host/database';

/**
 * `node dist/src/main.js` runs the monolith; `node dist/src/main.js --module inventory` (or
 * `SEAMS_HOST_MODULE=inventory`) runs the same build as the inventory module's host.
 */
function roleFrom(argv: readonly string[], env: NodeJS.ProcessEnv): Role {
  const flag = argv.indexOf('--module');
  const module = flag >= 0 ? argv[flag + 1] : env.SEAMS_HOST_MODULE;
  if (flag >= 0 && !module) throw new Error('--module needs a module name, e.g. --module inventory');
  return module ? { kind: 'module', module } : { kind: 'monolith' };
}

async function main(): Promise<void> {
  const logger = new Logger('Seams');
  const role = roleFrom(process.argv, process.env);
  const database = await resolveDatabase();
  logger.log(
    database.embedded
      ? `Embedded PostgreSQL ${database.embedded.owned ? 'started' : 'reused'} in ${database.embedded.dataDir}`
      : 'Using the PostgreSQL server of DATABASE_URL',
  );
  let app;
  try {
    app = await createApp({ database: { url: database.url, poolSize: poolSizeFrom() }, role });
  } catch (error) {
    await database.embedded?.stop();
    throw error;
  }
  const port = Number(process.env.PORT || 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not "${process.env.PORT}"`);
  await startApp(app, port);
  const base = `http://localhost:${port}`;
  logger.log(`API at ${base}/v1, Swagger UI at ${base}/docs (OpenAPI JSON at ${base}/docs-json)`);

  // SIGTERM / SIGINT: stop serving, close the module pools, then the embedded server, in that order.
  const shutdown = async (signal: NodeJS.Signals) => {
    logger.log(`${signal} received: shutting down`);
    setTimeout(() => {
      logger.error('Shutdown took longer than 10 s; exiting anyway');
      process.exit(1);
    }, 10_000).unref();
    await app.close();
    await database.embedded?.stop();
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, (received) => void shutdown(received));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});

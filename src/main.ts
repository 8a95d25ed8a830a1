import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './host/create-app';
import { poolSizeFrom, resolveDatabase } from './host/database';

async function main(): Promise<void> {
  const logger = new Logger('Seams');
  const database = await resolveDatabase();
  logger.log(
    database.embedded
      ? `Embedded PostgreSQL ${database.embedded.owned ? 'started' : 'reused'} in ${database.embedded.dataDir}`
      : 'Using the PostgreSQL server of DATABASE_URL',
  );
  const app = await createApp({ database: { url: database.url, poolSize: poolSizeFrom() } });
  const port = Number(process.env.PORT || 3000);
  await app.listen(port);
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

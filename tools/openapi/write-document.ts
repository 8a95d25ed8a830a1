import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { apiDocumentOf } from '../../src/host/api-document';
import { readSettings } from '../../src/host/config';
import { createApp } from '../../src/host/create-app';
import { resolveDatabase } from '../../src/host/database';
import { MANIFESTS } from '../../src/host/manifests';

/**
 * `npm run openapi:write [-- <file>]` (default `dist/openapi.json`): builds the monolith as
 * `npm start` would (on `DATABASE_URL`, or the embedded PostgreSQL), without listening, and
 * writes the OpenAPI document `/docs-json` would serve. `npm run openapi:lint` lints it.
 */
async function main(): Promise<void> {
  const file = resolve(process.argv[2] ?? 'dist/openapi.json');
  // Like `npm start`: a development issuer unless the environment names one (createApp wants some).
  const env = { SEAMS_AUTH_DEV: 'on', ...process.env };
  const settings = readSettings(env, MANIFESTS.map((m) => m.name));
  const database = await resolveDatabase(settings);
  try {
    const app = await createApp({ database: { url: database.url, poolSize: 2 }, env, logger: false });
    try {
      await app.init();
      const document = await apiDocumentOf(app);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
      process.stdout.write(`OpenAPI document written to ${file}\n`);
    } finally {
      await app.close();
    }
  } finally {
    await database.embedded?.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`openapi:write failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

import { rmSync } from 'node:fs';
import type { EmbeddedServer } from '@seams/kernel/persistence';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { seamsTestServer?: EmbeddedServer }).seamsTestServer?.stop();
  // This run's test issuer keys (see global-setup.ts).
  if (process.env.SEAMS_TEST_AUTH_DIR) rmSync(process.env.SEAMS_TEST_AUTH_DIR, { recursive: true, force: true });
}

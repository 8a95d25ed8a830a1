import type { EmbeddedServer } from '../../src/kernel/persistence';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { seamsTestServer?: EmbeddedServer }).seamsTestServer?.stop();
}

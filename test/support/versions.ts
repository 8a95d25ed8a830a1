// @uses-modules catalog, inventory, ordering, payments
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { adminBearer, testAuthEnv } from './auth';
import { type AppProcess, freePort, startAppProcess } from './processes';
import type { ReleaseBuild } from './releases';

/**
 * Processes of two releases on one database: N (this checkout's build, `npm run build`) and N-1
 * (a `ReleaseBuild`, releases.ts). A node is the app as `node dist/src/main.js` runs it: the
 * monolith, or with `SEAMS_HOST_MODULE` one module's host.
 */
export interface VersionedNode {
  readonly name: string;
  readonly version: 'N' | 'N-1';
  readonly port: number;
  readonly process: AppProcess;
  /** HTTP to it, as the test admin. */
  http(): TestAgent;
}

export async function startNode(name: string, build: ReleaseBuild | undefined, env: Record<string, string>, port?: number): Promise<VersionedNode> {
  const http = port ?? (await freePort());
  const process = startAppProcess({ ...testAuthEnv(), ...env, PORT: String(http) }, build ? { cwd: build.dir } : {}, build ? [build.main] : undefined);
  await process.waitFor(/API at http/, 90_000);
  const admin = adminBearer();
  return { name, version: build ? 'N-1' : 'N', port: http, process, http: () => request.agent(`http://127.0.0.1:${http}`).set('authorization', admin) };
}

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { AUTH_ENV } from './auth';
import { BUILD, ROOT, rssMiB, sleep } from './support';

/**
 * The app as `npm start` runs it (`node dist/src/main.js`), from the build the benchmark itself
 * runs from: `npm run bench` compiles src/, modules/ and migrations/ with bench/ as `npm run build`
 * does (tsconfig.build.json), into node_modules/.cache/seams-bench (see tsconfig.bench.json).
 */
export const MAIN = join(BUILD, 'src', 'main.js');

/**
 * Settings every app process of the benchmark gets: production mode with logging off (as in the
 * in-process scenarios), no per-address rate limit (all the load comes from one address), and
 * the benchmark's token issuer and service secret (see auth.ts).
 */
export const APP_ENV: Readonly<Record<string, string>> = {
  NODE_ENV: 'production',
  SEAMS_LOG_LEVEL: 'silent',
  LOG_LEVEL: 'silent',
  SEAMS_RATE_LIMIT: '0',
  ...AUTH_ENV,
};

export interface AppProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** Milliseconds from spawning the process to its first `200` from `GET /health`. */
  ready(timeoutMs?: number): Promise<number>;
  rssMiB(): number | undefined;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node <build>/src/main.js [args]` with `env` (plus PATH and APP_ENV) serving HTTP on
 * `port`. Its output is kept for the error message if it fails.
 */
export function startAppProcess(env: Record<string, string>, port: number, args: readonly string[] = [], nodeArgs: readonly string[] = []): AppProcess {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: npm run bench builds it (tsc -p tsconfig.bench.json)`);
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, MAIN, ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NO_COLOR: '1',
      // So `NODE_OPTIONS=--cpu-prof npm run bench` profiles the app processes too.
      ...(process.env.NODE_OPTIONS && { NODE_OPTIONS: process.env.NODE_OPTIONS }),
      ...APP_ENV,
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;

  return {
    child,
    port,
    async ready(timeoutMs = 30_000) {
      const deadline = started + timeoutMs;
      while (performance.now() < deadline) {
        if (gone()) throw new Error(`the app process (${args.join(' ') || 'monolith'}) exited before it was ready:\n${output}`);
        if ((await healthStatus(port)) === 200) return performance.now() - started;
        await sleep(5);
      }
      throw new Error(`the app process (${args.join(' ') || 'monolith'}) was not ready within ${timeoutMs} ms:\n${output}`);
    },
    rssMiB: () => (child.pid === undefined ? undefined : rssMiB(child.pid)),
    output: () => output,
    async stop() {
      if (gone()) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The status of `GET /health`, or 0 when nothing answers. */
export function healthStatus(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', agent: false, timeout: 2000 }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(0));
    req.end();
  });
}

/** A JSON request to an app process as `authorization`; resolves with the status and the parsed body. */
export function httpJson(
  port: number,
  method: string,
  path: string,
  authorization: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = { authorization };
    if (payload !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        agent: false,
        headers,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.once('end', () => {
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.once('error', reject);
    req.end(payload);
  });
}

import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { testAuthEnv } from './auth';

export const ROOT = join(__dirname, '..', '..');
export const MAIN = join(ROOT, 'dist', 'src', 'main.js');
/**
 * The same start (src/host/run-main.ts) on the kernel's probe modules instead of the app's:
 * test/sim/probe-main.ts, compiled as it loads (test/sim/register.js); `SIM_SYSTEM` names the system.
 */
export const PROBE_MAIN: readonly string[] = ['-r', join(ROOT, 'test', 'sim', 'register.js'), join(ROOT, 'test', 'sim', 'probe-main.ts')];

/**
 * A port nobody listens on right now, for a server the test starts next.
 *
 * Ports come from below the kernel's ephemeral range (32768-60999 here), from a band of its own
 * per Jest worker, and never twice in one process: a port from `listen(0)` is an ephemeral one,
 * which an outgoing connection of another worker may take between this check and the server's
 * bind (an `EADDRINUSE` a CI run hit).
 */
export async function freePort(): Promise<number> {
  const worker = Number(process.env.JEST_WORKER_ID ?? 0) % 12;
  const base = 20000 + worker * 1000;
  for (let attempt = 0; attempt < 1000; attempt++) {
    const port = base + ((nextPort++ * 7919) % 1000);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${base}-${base + 999}`);
}

const handedOut = new Set<number>();
let nextPort = Math.floor(Math.random() * 1000);

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface AppProcess {
  readonly child: ChildProcess;
  /** Everything the process printed so far, stdout and stderr. */
  output(): string;
  /** Resolves when the output matches `pattern`; rejects if the process exits first or time runs out. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** The JSON log lines printed so far, parsed (lines that are not JSON are left out). */
  logs(): Record<string, unknown>[];
  /**
   * Resolves with the first JSON log line whose fields match `fields` (equal, or matching a
   * RegExp); rejects if the process exits first or time runs out.
   */
  waitForLog(fields: Record<string, unknown>, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or signal) when the process ends by itself. */
  exited(): Promise<number | string>;
  /** Sends `signal` and resolves with the exit code (or signal) once the process is gone. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
}

/**
 * Starts the built app (`dist/src/main.js`, made by `npm run build`) as a child process, or
 * another Node entry given as `args` (e.g. `['-r', register, host.ts]`).
 */
export function startAppProcess(
  env: NodeJS.ProcessEnv,
  { node = process.execPath, ...options }: Pick<SpawnOptions, 'uid' | 'gid' | 'cwd'> & { readonly node?: string } = {},
  args: readonly string[] = [MAIN],
): AppProcess {
  if (args[0] === MAIN && !existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (\`npm test\` does)`);
  const child = spawn(node, [...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, NODE_ENV: 'test', NO_COLOR: '1', ...testAuthEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );

  return {
    child,
    output: () => output,
    waitFor(pattern, timeoutMs = 30000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`timed out waiting for ${pattern}; output:\n${output}`)), timeoutMs);
        const poll = setInterval(() => pattern.test(output) && done(), 20);
        const onExit = () => setTimeout(() => done(pattern.test(output) ? undefined : new Error(`process exited before ${pattern}; output:\n${output}`)), 50);
        child.once('exit', onExit);
        function done(error?: Error) {
          clearTimeout(timer);
          clearInterval(poll);
          child.off('exit', onExit);
          if (error) reject(error);
          else resolve();
        }
      });
    },
    logs: () => parseLogs(output),
    async waitForLog(fields, timeoutMs = 30000) {
      const found = () => parseLogs(output).find((line) => matches(line, fields));
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const line = found();
        if (line) return line;
        if (child.exitCode !== null || child.signalCode !== null) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const line = found();
      if (line) return line;
      throw new Error(`no log line matching ${JSON.stringify(fields, (_k, v) => (v instanceof RegExp ? String(v) : v))}; output:\n${output}`);
    },
    exited: () => exited,
    async stop(signal = 'SIGTERM', timeoutMs = 15000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

function parseLogs(output: string): Record<string, unknown>[] {
  return output.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

function matches(line: Record<string, unknown>, fields: Record<string, unknown>): boolean {
  return Object.entries(fields).every(([key, expected]) =>
    expected instanceof RegExp ? typeof line[key] === 'string' && expected.test(line[key]) : line[key] === expected,
  );
}

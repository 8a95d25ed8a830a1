import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './processes';

/**
 * A NATS server of the test's own (the installed `nats-server`, its own port), so a test can
 * kill it and start it again: never the shared one.
 */
export interface OwnNats {
  readonly url: string;
  /** SIGKILL: the server dies at once, as a crash would. */
  kill(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export const NATS_SERVER = process.env.SEAMS_NATS_SERVER || 'nats-server';

/** `config`: a nats-server configuration file (TLS, authorization); its address and port are the test's. */
export async function startOwnNats(options: { readonly config?: string } = {}): Promise<OwnNats> {
  const port = await freePort();
  let server: ChildProcess | undefined;
  const start = async () => {
    let log = '';
    const config = options.config ? ['-c', options.config] : [];
    server = spawn(NATS_SERVER, [...config, '-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (chunk) => (log += chunk));
    server.stderr!.on('data', (chunk) => (log += chunk));
    const spawned = server;
    for (let attempt = 0; !/Server is ready/.test(log); attempt++) {
      if (spawned.exitCode !== null || attempt > 200) throw new Error(`own nats-server did not start:\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const kill = async () => {
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    const exited = once(server, 'exit');
    server.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url: `nats://127.0.0.1:${port}`, kill, start, destroy: kill };
}

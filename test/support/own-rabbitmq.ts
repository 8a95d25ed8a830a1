import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Identity } from './certificates';
import { freePort } from './processes';

/** The RabbitMQ server script itself (Debian's /usr/sbin wrapper would switch to the rabbitmq user). */
export const RABBITMQ_SERVER = process.env.SEAMS_RABBITMQ_SERVER || '/usr/lib/rabbitmq/bin/rabbitmq-server';

export interface OwnRabbitMq {
  /** `amqps://guest:guest@127.0.0.1:<port>`: TLS only, a client certificate signed by the identity's CA required. */
  readonly url: string;
  destroy(): Promise<void>;
}

/**
 * A RabbitMQ node of the test's own (its own name, folders and ports; never the shared server)
 * that listens only for TLS, with `identity` as its certificate and CA, and asks every client
 * for a certificate. Starts in a few seconds.
 */
export async function startOwnRabbitMqTls(identity: Identity): Promise<OwnRabbitMq> {
  const dir = mkdtempSync(join(tmpdir(), 'seams-rabbitmq-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const distPort = await freePort();
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    [
      'listeners.tcp = none',
      `listeners.ssl.default = 127.0.0.1:${port}`,
      `ssl_options.cacertfile = ${identity.ca}`,
      `ssl_options.certfile = ${identity.cert}`,
      `ssl_options.keyfile = ${identity.key}`,
      'ssl_options.verify = verify_peer',
      'ssl_options.fail_if_no_peer_cert = true',
      'loopback_users = none',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'env.conf'), '');
  writeFileSync(join(dir, 'plugins'), '[].');
  const env = {
    ...process.env,
    HOME: dir,
    RABBITMQ_CONF_ENV_FILE: join(dir, 'env.conf'),
    RABBITMQ_NODENAME: `seams${randomBytes(4).toString('hex')}@localhost`,
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'plugins'),
    RABBITMQ_PID_FILE: join(dir, 'pid'),
    ERL_EPMD_ADDRESS: '127.0.0.1',
  };
  let log = '';
  const server: ChildProcess = spawn(RABBITMQ_SERVER, [], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout!.on('data', (chunk) => (log += chunk));
  server.stderr!.on('data', (chunk) => (log += chunk));
  const destroy = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = once(server, 'exit');
      process.kill(-server.pid!, 'SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; !/Starting broker\.\.\. completed/.test(log); attempt++) {
    if (server.exitCode !== null || attempt > 2400) {
      await destroy();
      throw new Error(`own RabbitMQ did not start:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { url: `amqps://guest:guest@127.0.0.1:${port}`, destroy };
}

import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { OutboxRelay } from '../messaging';
import { SeamReceiver } from '../seam';
import { Lifecycle } from './lifecycle';

/**
 * Stops the process without losing work, within `timeoutMs`:
 *  1. readiness turns 503 and new HTTP connections are refused;
 *  2. requests under way finish (their responses say `Connection: close`), seam messages under
 *     way are answered while new ones get `seam.unavailable` (callers retry or fail over), and
 *     the outbox relay finishes the batch it holds and claims no more;
 *  3. whatever is still open after `timeoutMs` is cut, then Nest closes the transports and the
 *     module pools.
 * Anything committed is in the database; an event whose delivery was cut stays pending in
 * the outbox and is delivered after the restart.
 */
export async function shutDownGracefully(app: INestApplication, timeoutMs: number): Promise<{ cut: boolean }> {
  app.get(Lifecycle).beginShutdown();
  const server = app.getHttpServer() as Server;
  let cut = false;
  const http = new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    // Keep-alive connections with nothing under way close now; the others after their response.
    server.closeIdleConnections();
  });
  const bounded = <T>(work: Promise<T>) =>
    Promise.race([work, new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), timeoutMs).unref())]);
  const results = await Promise.all([
    bounded(http),
    bounded(app.get(SeamReceiver).drain(timeoutMs)),
    bounded(app.get(OutboxRelay).beforeApplicationShutdown()),
  ]);
  if (results.includes('late')) {
    cut = true;
    server.closeAllConnections();
  }
  await app.close();
  return { cut };
}

import type { ClientProxy, ReadPacket, WritePacket } from '@nestjs/microservices';

/** What every Nest client (`ClientProxy`: TCP, NATS, RabbitMQ) does inside its `send`. */
interface ClientSteps {
  connectionPromise?: Promise<unknown> | null;
  createPacket(pattern: unknown, data: unknown): ReadPacket;
  publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void;
}

/** Per client, the connection promise seen resolved: while it is still the client's own, the client is connected. */
const connected = new WeakMap<ClientProxy, Promise<unknown>>();

/**
 * One request through a Nest client, answered through `done` (once: the first answer or the
 * failure). Returns a function that withdraws the request (the client forgets its id).
 *
 * This is `ClientProxy.send` without its rxjs pipeline: `send` builds a deferred connect, a
 * `mergeMap` and an Observable per call, then does the two steps taken here (`createPacket`
 * and the transport's own `publish`, with the same packet ids, serializer and reply routing).
 * Per call, that pipeline cost the seam's client more CPU than the rest of its work on the
 * wire (bench/RESULTS.md). While the client is not known to be connected, the request waits
 * for `connect()` first, as `send` does.
 */
export function clientRequest(client: ClientProxy, pattern: unknown, data: unknown, done: (error: unknown, reply?: unknown) => void): () => void {
  const steps = client as unknown as ClientSteps;
  let settled = false;
  let withdraw: (() => void) | undefined;
  const finish = (error: unknown, reply?: unknown) => {
    if (settled) return;
    settled = true;
    done(error, reply);
    // The client forgets the request once the caller has gone on with the answer: tearing it
    // down writes to the connection on some transports (NATS unsubscribes the reply inbox),
    // which would otherwise come before the caller's next message instead of with it.
    if (withdraw) process.nextTick(withdraw);
  };
  const publish = () => {
    if (settled) return;
    let teardown: () => void;
    try {
      teardown = steps.publish(steps.createPacket(pattern, data), ({ err, response, isDisposed }) => {
        if (err !== undefined && err !== null) finish(err);
        else if (response !== undefined) finish(undefined, response);
        else if (isDisposed) finish(new Error('the server closed the request without an answer'));
      });
    } catch (error) {
      finish(error);
      return;
    }
    if (settled) teardown();
    else withdraw = teardown;
  };
  const current = steps.connectionPromise;
  if (current && connected.get(client) === current) {
    publish();
  } else {
    let connecting: Promise<unknown>;
    try {
      connecting = Promise.resolve(client.connect());
    } catch (error) {
      connecting = Promise.reject(error); // a client that fails before it even tries
    }
    connecting.then(
      () => {
        if (steps.connectionPromise) connected.set(client, steps.connectionPromise);
        publish();
      },
      (error: unknown) => finish(error),
    );
  }
  return () => {
    settled = true;
    withdraw?.();
  };
}

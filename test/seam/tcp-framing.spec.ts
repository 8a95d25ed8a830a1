import { connect, type Socket } from 'node:net';
import { Controller, type INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type ClientProxy, ClientProxyFactory, MessagePattern, Transport } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { clientRequest } from '@seams/kernel/seam';
import { clientOptions, MAX_FRAME_CHARS, serverOptions } from '@seams/kernel/seam';
import { freePort } from '../support/processes';
import { eventually } from '../support/test-app';
import { RawTcpClient } from '../support/raw-tcp';

let handled = 0;
let held: (() => void)[] = [];

@Controller()
class EchoController {
  @MessagePattern('echo')
  echo(data: { n: number; pad?: number }) {
    handled++;
    return { n: data.n, pad: 'x'.repeat(data.pad ?? 0) };
  }

  /** Answers only when the test lets it (to hold a request in flight). */
  @MessagePattern('hold')
  hold(data: { n: number }) {
    return new Promise((resolve) => held.push(() => resolve({ n: data.n })));
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

/** A Nest TCP server: the seam's (batching socket, frame limit) or Nest's own. */
async function server(kind: 'seam' | 'plain'): Promise<{ app: INestMicroservice; port: number }> {
  const port = await freePort();
  const options = kind === 'seam' ? serverOptions('echo', `tcp://127.0.0.1:${port}`) : { transport: Transport.TCP, options: { host: '127.0.0.1', port } };
  const app = await NestFactory.createMicroservice(EchoModule, { ...options, logger: false } as never);
  await app.listen();
  return { app, port };
}

function client(kind: 'seam' | 'plain', port: number): ClientProxy {
  return ClientProxyFactory.create(
    kind === 'seam' ? clientOptions('echo', `tcp://127.0.0.1:${port}`) : { transport: Transport.TCP, options: { host: '127.0.0.1', port } },
  );
}

/** `clientRequest` as a promise. */
function request(proxy: ClientProxy, pattern: string, data: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => clientRequest(proxy, pattern, data, (error, reply) => (error === undefined ? resolve(reply) : reject(error))));
}

/**
 * The seam's TCP transport keeps Nest's framing on the wire and writes the frames of one tick
 * together (BatchingJsonSocket), and its client calls the transport without rxjs
 * (clientRequest). Neither may change what arrives, lose a message, or drop a safeguard.
 */
describe("the seam's TCP framing and client", () => {
  const open: { close(): unknown }[] = [];
  afterEach(async () => {
    for (const resource of open.splice(0).reverse()) await resource.close();
    held = [];
  });

  it.each([
    ['seam client', 'seam server'],
    ['plain Nest client', 'seam server'],
    ['seam client', 'plain Nest server'],
  ] as const)('a %s and a %s understand each other: 500 requests sent in one tick, every answer to its own request', async (from, to) => {
    const { app, port } = await server(to === 'seam server' ? 'seam' : 'plain');
    open.push(app);
    const proxy = client(from === 'seam client' ? 'seam' : 'plain', port);
    open.push(proxy);
    await proxy.connect();
    const calls = Array.from({ length: 500 }, (_, n) =>
      from === 'seam client' ? request(proxy, 'echo', { n, pad: n % 7 }) : firstValueFrom(proxy.send('echo', { n, pad: n % 7 })),
    );
    const answers = (await Promise.all(calls)) as { n: number; pad: string }[];
    expect(answers.map(({ n }) => n)).toEqual(Array.from({ length: 500 }, (_, n) => n));
    expect(answers.every(({ n, pad }) => pad === 'x'.repeat(n % 7))).toBe(true);
  });

  it('closes a connection that sends a frame above the limit, and keeps serving the others', async () => {
    const { app, port } = await server('seam');
    open.push(app);
    const hostile = await RawTcpClient.open(port);
    const body = JSON.stringify({ pattern: 'echo', data: { n: 1, junk: 'y'.repeat(MAX_FRAME_CHARS) }, id: 'big' });
    hostile.write(`${body.length}#${body}`);
    await expect(hostile.next(5000)).resolves.toBeUndefined();
    expect(hostile.closed).toBe(true);

    const proxy = client('seam', port);
    open.push(proxy);
    await expect(request(proxy, 'echo', { n: 2 })).resolves.toEqual({ n: 2, pad: '' });
  });

  it('stops reading from a peer that sends requests but never reads the answers (backpressure)', async () => {
    const { app, port } = await server('seam');
    open.push(app);
    handled = 0;
    const peer = await new Promise<Socket>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => resolve(socket));
    });
    open.push({ close: () => peer.destroy() });
    peer.pause(); // never reads: the answers (10 kB each) pile up on the server's side
    const sent = 4000;
    let frames = '';
    for (let n = 0; n < sent; n++) {
      const json = JSON.stringify({ pattern: 'echo', data: { n, pad: 10_000 }, id: `p-${n}` });
      frames += `${json.length}#${json}`;
    }
    peer.write(frames);
    await eventually(async () => handled, (count) => count > 0);
    // Twenty round trips on another connection, each a turn of the server's event loop: a server
    // reading on regardless takes 64 kB of the peer's requests (about a thousand) in each turn,
    // so without backpressure it would have answered all 4,000 by now (40 MB in its memory).
    const other = client('seam', port);
    open.push(other);
    for (let n = 0; n < 20; n++) await request(other, 'echo', { n });
    expect(handled - 20).toBeGreaterThan(0);
    expect(handled - 20).toBeLessThan(sent / 2);
  });

  it('withdraws a request on demand: the client forgets it, and a late answer is dropped', async () => {
    const { app, port } = await server('seam');
    open.push(app);
    const proxy = client('seam', port);
    open.push(proxy);
    await proxy.connect();
    const routing = (proxy as unknown as { routingMap: Map<string, unknown> }).routingMap;
    const outcomes: unknown[] = [];
    const withdraw = clientRequest(proxy, 'hold', { n: 1 }, (error, reply) => outcomes.push(error ?? reply));
    await eventually(async () => held.length, (count) => count === 1); // the server has it
    expect(routing.size).toBe(1);
    withdraw();
    expect(routing.size).toBe(0);
    held.forEach((release) => release()); // the late answer goes out before the answer to the request below
    // An answered request leaves nothing behind either; it is torn down right after the caller
    // has the answer, so what tearing down writes (NATS unsubscribes) goes out with the
    // caller's next message instead of before it.
    let sizeWhenAnswered = -1;
    const answered = await new Promise((resolve) =>
      clientRequest(proxy, 'echo', { n: 3 }, (_, reply) => {
        sizeWhenAnswered = routing.size;
        resolve(reply);
      }),
    );
    expect(answered).toEqual({ n: 3, pad: '' });
    expect(outcomes).toEqual([]); // the late answer, which came before, was dropped
    expect(sizeWhenAnswered).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(routing.size).toBe(0);
  });

  it('fails a request at once when the server is down, and connects again once it is back', async () => {
    const port = await freePort();
    const proxy = client('seam', port);
    open.push(proxy);
    await expect(request(proxy, 'echo', { n: 1 })).rejects.toThrow(/ECONNREFUSED|closed/);
    const options = serverOptions('echo', `tcp://127.0.0.1:${port}`);
    const app = await NestFactory.createMicroservice(EchoModule, { ...options, logger: false } as never);
    await app.listen();
    open.push(app);
    // Nest's client keeps the failed connection attempt until its socket has closed (a tick or
    // so later), so a request right away may still fail; one of the next ones gets through.
    const attempt = () => request(proxy, 'echo', { n: 4 }).then((reply) => ({ reply }), (error: unknown) => ({ error }));
    await expect(eventually(attempt, (outcome) => 'reply' in outcome)).resolves.toEqual({ reply: { n: 4, pad: '' } });
  });

  it('fails the requests in flight when the connection drops', async () => {
    const { app, port } = await server('seam');
    const proxy = client('seam', port);
    open.push(proxy);
    await proxy.connect();
    const pending = request(proxy, 'hold', { n: 5 });
    pending.catch(() => undefined); // asserted below, once the server is closed
    await eventually(async () => held.length, (count) => count === 1); // the server has it
    await app.close();
    await expect(pending).rejects.toThrow(/closed/i);
  });
});

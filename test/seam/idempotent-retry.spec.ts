import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { Command, z } from '@seams/kernel/primitives';
import { defineModule, MessageRegistry, Seam, SeamModule, SeamUnavailableError } from '@seams/kernel/seam';
import { startNestTcpHost } from '../support/nest-tcp-host';
import { freePort } from '../support/processes';
import { seamOptionsFor, topologyFrom } from '../../src/host/config';
import { serviceSeam } from '@seams/kernel/testing';

class Reserve extends Command<void> {
  static readonly wire = 'flaky.reserve.v1';
  static readonly idempotencyKey = 'orderId';
  static readonly schema = z.object({ orderId: z.string().max(10_000) });
  constructor(readonly orderId: string) {
    super();
  }
}

class Charge extends Command<void> {
  static readonly wire = 'flaky.charge.v1';
  static readonly schema = z.object({ orderId: z.string().max(10_000) });
  constructor(readonly orderId: string) {
    super();
  }
}

const flaky = defineModule({ name: 'flaky', contract: { Reserve, Charge }, load: async () => class {} });

/** A module host that drops the connection on the first message it gets and answers the ones after: "unreachable" once, then fine. */
class FlakyHost {
  readonly received: Record<string, unknown>[] = [];
  private dropped = false;
  private host: { stop(): Promise<void> } | undefined;

  async start(port: number): Promise<void> {
    this.host = await startNestTcpHost(port, (packet) => {
      this.received.push(packet.data);
      if (this.dropped) return { ok: true };
      this.dropped = true;
      return 'drop';
    });
  }

  reset(): void {
    this.received.length = 0;
    this.dropped = false;
  }

  stop(): Promise<void> {
    return this.host?.stop() ?? Promise.resolve();
  }
}

describe('retries of commands across the seam', () => {
  const host = new FlakyHost();
  let app: INestApplicationContext;
  let seam: Seam;

  beforeAll(async () => {
    const port = await freePort();
    await host.start(port);
    const registry = new MessageRegistry([flaky]);
    const env = { SEAMS_FLAKY: 'remote', SEAMS_FLAKY_URL: `tcp://127.0.0.1:${port}`, SEAMS_QUERY_RETRIES: '2' };
    const topology = topologyFrom(registry, { kind: 'monolith' }, env);
    @Module({ imports: [SeamModule.forRoot({ registry, topology, ...seamOptionsFor(registry, env) })] })
    class ClientModule {}
    app = await NestFactory.createApplicationContext(ClientModule, { logger: false });
    seam = serviceSeam(app.get(Seam));
  });

  afterAll(async () => {
    await app?.close();
    await host.stop();
  });

  beforeEach(() => host.reset());

  it('retries a command whose contract declares an idempotency key, with the key in the envelope', async () => {
    await expect(seam.send(new Reserve('order-1'))).resolves.toBeUndefined();
    expect(host.received).toHaveLength(2);
    expect(host.received.map((envelope) => envelope.idempotencyKey)).toEqual(['order-1', 'order-1']);
    // the same message, sent again: same id
    expect(host.received[1].id).toBe(host.received[0].id);
  });

  it('never retries a command without one: it may have taken effect before the connection dropped', async () => {
    await expect(seam.send(new Charge('order-2'))).rejects.toBeInstanceOf(SeamUnavailableError);
    // A later command, answered: a retry of the first would have reached the host before it.
    await seam.send(new Reserve('order-3'));
    expect(host.received.map((envelope) => (envelope.payload as { orderId: string }).orderId)).toEqual(['order-2', 'order-3']);
    expect(host.received[0].idempotencyKey).toBeUndefined();
  });

  it('refuses a contract whose idempotency key is not a required field, or is on a query', () => {
    class Wrong extends Command<void> {
      static readonly wire = 'bad.wrong.v1';
      static readonly idempotencyKey = 'nope';
      static readonly schema = z.object({ orderId: z.string().max(10_000) });
    }
    expect(() => defineModule({ name: 'bad', contract: { Wrong }, load: async () => class {} })).toThrow(
      /bad\.wrong\.v1 names "nope" as its idempotency key, which is not a required field of its payload/,
    );
  });
});

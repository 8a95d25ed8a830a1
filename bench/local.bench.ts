import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { MessageRegistry, Seam, SeamModule } from '@seams/kernel/seam';
import { compare, type Sample, throughput } from './measure';
import { ACTION, addBenchService, guardedMoleculerBroker, moleculerBroker } from './moleculer';
import { BenchModule, benchManifest, Ping, type PingReply, Reserve, ReserveHandler, SAMPLE } from './probe';
import type { Profile } from './support';
import { seamOptionsFor, topologyFrom } from '../src/host/config';
import { RequestContexts } from '@seams/kernel/context';

export type LocalResult = Record<'direct' | 'commandBus' | 'seamSend' | 'moleculer' | 'moleculerGuarded' | 'queryBus' | 'seamAsk', Sample>;

/**
 * Scenario 1, local dispatch: a command through the seam in process, against a direct call
 * of the handler (the floor), the raw `@nestjs/cqrs` CommandBus, and a local `broker.call`
 * in Moleculer (with its defaults, and with what the seam gives every call: validation, a time
 * budget, a duration sample; ADR 0020); plus the same for a query against the raw QueryBus. Each call builds its
 * message, as a caller does, and awaits the answer.
 */
export async function local(profile: Profile): Promise<LocalResult> {
  const registry = new MessageRegistry([benchManifest]);
  const topology = topologyFrom(registry, { kind: 'monolith' }, {});
  @Module({ imports: [SeamModule.forRoot({ registry, topology, ...seamOptionsFor(registry, {}) }), BenchModule] })
  class LocalModule {}
  const app = await NestFactory.createApplicationContext(LocalModule, { logger: false });
  const broker = moleculerBroker('bench-local');
  addBenchService(broker);
  const guarded = guardedMoleculerBroker('bench-local-guarded');
  addBenchService(guarded, { validated: true });
  await Promise.all([broker.start(), guarded.start()]);
  const seam = app.get(Seam);
  // The bench's calls run as a service (work that acts for nobody is refused), as a job's would.
  const asService = <T>(work: () => T): T => RequestContexts.runAsService('bench', work);
  const commands = app.get(CommandBus);
  const queries = app.get(QueryBus);
  const handler = app.get(ReserveHandler, { strict: false });
  const n = profile.smoke ? 10_000 : 500_000;
  const { orderId, lines } = SAMPLE;
  try {
    return await compare<keyof LocalResult>(
      {
        direct: () => throughput(() => handler.execute(new Reserve(orderId, lines)), n),
        commandBus: () => throughput(() => commands.execute(new Reserve(orderId, lines)), n),
        seamSend: () => asService(() => throughput(() => seam.send(new Reserve(orderId, lines)), n)),
        moleculer: () => throughput(() => broker.call<PingReply, PingReply>(ACTION, { orderId, lines }), n),
        moleculerGuarded: () => throughput(() => guarded.call<PingReply, PingReply>(ACTION, { orderId, lines }), n),
        queryBus: () => throughput(() => queries.execute(new Ping(orderId, lines)), n),
        seamAsk: () => asService(() => throughput(() => seam.ask(new Ping(orderId, lines)), n)),
      },
      profile.runs,
    );
  } finally {
    await Promise.all([broker.stop(), guarded.stop()]);
    await app.close();
  }
}

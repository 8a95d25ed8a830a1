import { Controller, Module, type Type } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { MessagePattern } from '@nestjs/microservices';
import { Command, z, Query } from '@seams/kernel/primitives';
import { defineModule } from '@seams/kernel/seam';

/** What every benchmark call carries and gets back: a small order-like payload. */
export interface PingReply {
  readonly orderId: string;
  readonly lines: readonly { readonly sku: string; readonly quantity: number }[];
}

const schema = z.object({
  orderId: z.guid(),
  lines: z.array(z.object({ sku: z.string().max(64), quantity: z.int().min(1) })).max(100),
});

/** The benchmark's command: its handler answers at once, so only the path to it is measured. */
export class Reserve extends Command<PingReply> {
  static readonly wire = 'bench.reserve.v1';
  static readonly schema = schema;

  constructor(
    readonly orderId: string,
    readonly lines: PingReply['lines'],
  ) {
    super();
  }
}

/** The same as a query (the queries' path has one more policy when remote: retries). */
export class Ping extends Query<PingReply> {
  static readonly wire = 'bench.ping.v1';
  static readonly schema = schema;

  constructor(
    readonly orderId: string,
    readonly lines: PingReply['lines'],
  ) {
    super();
  }
}

@CommandHandler(Reserve)
export class ReserveHandler implements ICommandHandler<Reserve, PingReply> {
  async execute(command: Reserve): Promise<PingReply> {
    return { orderId: command.orderId, lines: command.lines };
  }
}

@QueryHandler(Ping)
export class PingHandler implements IQueryHandler<Ping, PingReply> {
  async execute(ping: Ping): Promise<PingReply> {
    return { orderId: ping.orderId, lines: ping.lines };
  }
}

/** The same work behind a raw `@nestjs/microservices` pattern: the baseline. */
@Controller()
export class RawPingController {
  @MessagePattern(['raw.ping', { raw: 'ping' }])
  ping(data: PingReply): PingReply {
    return { orderId: data.orderId, lines: data.lines };
  }
}

/** The same on NATS, under a subject of the run's own. */
export function rawNatsController(subject: string): Type<unknown> {
  @Controller()
  class RawNatsPingController {
    @MessagePattern(subject)
    ping(data: PingReply): PingReply {
      return { orderId: data.orderId, lines: data.lines };
    }
  }
  return RawNatsPingController;
}

@Module({ providers: [ReserveHandler, PingHandler] })
export class BenchModule {}

export const benchManifest = defineModule({ name: 'bench', contract: { Reserve, Ping }, load: async () => BenchModule });

export const SAMPLE: PingReply = {
  orderId: '8d5b8f5e-2f7c-4f44-9a57-6a3f7f4a1d10',
  lines: [
    { sku: 'TEA-1', quantity: 2 },
    { sku: 'MUG-1', quantity: 1 },
  ],
};

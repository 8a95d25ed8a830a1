import { type BrokerOptions, ServiceBroker } from 'moleculer';
import type { PingReply } from './probe';

/** What a broker's `transporter` option takes (a name, an address or a transporter's settings). */
type TransporterConfig = NonNullable<BrokerOptions['transporter']>;

/**
 * The peer: Moleculer 0.14 (0.15 needs Node 22; Seams runs on 20 too) with its defaults (JSON serializer; no metrics, tracing, retries,
 * circuit breaker or bulkhead, which are all off by default) and its logger off, as ours is.
 * The service does the same as our handlers: it answers with what it got.
 */
export const ACTION = 'bench.ping';

export function moleculerBroker(nodeID: string, transporter?: TransporterConfig, namespace?: string): ServiceBroker {
  return new ServiceBroker({ nodeID, namespace, transporter, logger: false });
}

/**
 * A local broker that gives its calls what the seam gives each of its own (ADR 0020): the
 * payload validated against the same fields (its default validator, fastest-validator, strict
 * about unknown keys like the contract), a time budget per call (`requestTimeout`, 5 s like
 * `SEAMS_TIMEOUT_MS`), and a duration sample per call (its metrics on, no reporter).
 */
export function guardedMoleculerBroker(nodeID: string): ServiceBroker {
  return new ServiceBroker({ nodeID, logger: false, requestTimeout: 5000, metrics: { enabled: true } });
}

/** The fields of the bench's contract (probe.ts) in fastest-validator's terms: a UUID, and at most 100 lines of a SKU of at most 64 characters and a whole quantity of at least 1; nothing else. */
const PARAMS = {
  $$strict: true,
  orderId: { type: 'uuid' },
  lines: { type: 'array', max: 100, items: { type: 'object', strict: true, props: { sku: { type: 'string', max: 64 }, quantity: { type: 'number', integer: true, min: 1 } } } },
} as const;

export function addBenchService(broker: ServiceBroker, options: { validated?: boolean } = {}): void {
  broker.createService({
    name: 'bench',
    actions: {
      ping: {
        ...(options.validated && { params: PARAMS }),
        handler(ctx: { params: PingReply }): PingReply {
          return { orderId: ctx.params.orderId, lines: ctx.params.lines };
        },
      },
    },
  });
}

/** The TCP transporter between known nodes (no UDP discovery: loopback, fixed ports). */
export function tcpTransporter(port: number, peers: readonly string[] = []): TransporterConfig {
  return { type: 'TCP', options: { udpDiscovery: false, port, urls: peers.join(',') } };
}

export function natsTransporter(url: string): TransporterConfig {
  return { type: 'NATS', options: { url } };
}

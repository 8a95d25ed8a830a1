import { ServiceBroker, type TransporterConfig } from 'moleculer';
import type { PingReply } from './probe';

/**
 * The peer: Moleculer 0.15 with its defaults (JSON serializer; no metrics, tracing, retries,
 * circuit breaker or bulkhead, which are all off by default) and its logger off, as ours is.
 * The service does the same as our handlers: it answers with what it got.
 */
export const ACTION = 'bench.ping';

export function moleculerBroker(nodeID: string, transporter?: TransporterConfig, namespace?: string): ServiceBroker {
  return new ServiceBroker({ nodeID, namespace, transporter, logger: false });
}

export function addBenchService(broker: ServiceBroker): void {
  broker.createService({
    name: 'bench',
    actions: {
      ping: {
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

import { createServer, type Server } from 'node:http';

/** A span as the OTLP/HTTP JSON exporter sends it, with the service that sent it. */
export interface ReceivedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  /** 1 internal, 2 server, 3 client (OTLP's SpanKind numbers). */
  readonly kind: number;
  readonly attributes: Record<string, unknown>;
  readonly status?: { code?: number; message?: string };
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
type OtlpAttributes = { key: string; value: OtlpValue }[] | undefined;

function attributes(list: OtlpAttributes): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue]));
}

/**
 * A real OTLP/HTTP endpoint (JSON encoding, `POST /v1/traces`) that keeps what it receives in
 * memory: the processes under test export to it exactly as they would to a collector.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        if (request.url === '/v1/traces') {
          try {
            this.accept(JSON.parse(body));
          } catch {
            response.statusCode = 400;
          }
        }
        response.setHeader('content-type', 'application/json');
        response.end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as { port: number };
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Resolves once a received span satisfies `predicate`; rejects after `timeoutMs`. */
  async waitFor(predicate: (span: ReceivedSpan) => boolean, timeoutMs = 15000): Promise<ReceivedSpan> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const span = this.spans.find(predicate);
      if (span) return span;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no such span within ${timeoutMs} ms; received: ${this.spans.map((s) => `${s.service}:${s.name}`).join(', ')}`);
  }

  private accept(body: {
    resourceSpans?: { resource?: { attributes?: OtlpAttributes }; scopeSpans?: { spans?: Record<string, unknown>[] }[] }[];
  }): void {
    for (const resourceSpans of body.resourceSpans ?? []) {
      const service = String(attributes(resourceSpans.resource?.attributes)['service.name'] ?? '');
      for (const scope of resourceSpans.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) {
          this.spans.push({
            service,
            traceId: String(span.traceId),
            spanId: String(span.spanId),
            parentSpanId: span.parentSpanId ? String(span.parentSpanId) : undefined,
            name: String(span.name),
            kind: Number(span.kind),
            attributes: attributes(span.attributes as OtlpAttributes),
            status: span.status as ReceivedSpan['status'],
          });
        }
      }
    }
  }
}

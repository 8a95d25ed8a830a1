import { context, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';

/**
 * OpenTelemetry traces. Off unless the host gives an OTLP endpoint (from the standard
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `OTEL_EXPORTER_OTLP_ENDPOINT` settings, which the
 * OTLP exporter itself also reads) or span processors. When on, every HTTP request, every
 * seam message sent and handled, and every database call is a span, and the W3C trace context
 * travels in the envelope (`traceparent`), so one trace spans every process a request touched.
 * It must start before `http` and `pg` are loaded (see `src/host/start-tracing.ts`).
 */
let enabled = false;

export function tracingEnabled(): boolean {
  return enabled;
}

export interface TracingOptions {
  readonly serviceName: string;
  /** The OTLP/HTTP traces URL of the collector (e.g. `http://localhost:4318/v1/traces`); tracing is off without it (or `spanProcessors`). */
  readonly endpoint?: string;
  /** Off whatever else is given (`OTEL_SDK_DISABLED=true`). */
  readonly disabled?: boolean;
  /** Export through these processors instead of OTLP (tests use an in-memory exporter). */
  readonly spanProcessors?: SpanProcessor[];
}

/** Starts the SDK when tracing is configured (or processors are given); returns it, or undefined when off. */
export function startTracing(options: TracingOptions): NodeSDK | undefined {
  if (options.disabled || (!options.endpoint && !options.spanProcessors)) return undefined;
  // Loaded only when tracing is on: the SDK and its instrumentations take a few hundred
  // milliseconds to load, which every start would pay otherwise.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    ...(options.spanProcessors ? { spanProcessors: options.spanProcessors } : { traceExporter: new OTLPTraceExporter({ url: options.endpoint }) }),
    instrumentations: [
      new HttpInstrumentation({
        // Scrapes and probes would bury the requests worth reading.
        ignoreIncomingRequestHook: (request) => /^\/(metrics|health)(\/|$|\?)/.test(request.url ?? ''),
        // The OTLP exporter's own posts are not part of any request.
        ignoreOutgoingRequestHook: () => true,
      }),
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  enabled = true;
  return sdk;
}

/** Stops tracing after flushing what is buffered. */
export async function stopTracing(sdk: NodeSDK | undefined): Promise<void> {
  if (!sdk) return;
  enabled = false;
  await sdk.shutdown().catch(() => undefined);
}

const tracer = () => trace.getTracer('seams');

/** The W3C trace context of the active span, to put in an envelope. */
export function currentTraceContext(): { traceparent?: string; tracestate?: string } {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** Runs `work` in a span that ends (with an error status when `work` fails) when it settles. */
export function inSpan<T>(
  name: string,
  kind: 'client' | 'server' | 'internal',
  attributes: Record<string, string>,
  work: () => Promise<T>,
  parent?: { traceparent?: string; tracestate?: string },
): Promise<T> {
  const spanKind = kind === 'client' ? SpanKind.CLIENT : kind === 'server' ? SpanKind.SERVER : SpanKind.INTERNAL;
  const parentContext = parent?.traceparent ? propagation.extract(ROOT_CONTEXT, parent) : context.active();
  return activeSpan(name, spanKind, attributes, parentContext, work);
}

/** `work` in an active span under `parent`, ended when it settles, with an error status (and code) when it fails. */
function activeSpan<T>(name: string, kind: SpanKind, attributes: Record<string, string | number>, parent: ReturnType<typeof context.active>, work: () => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { kind, attributes }, parent, async (span: Span) => {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      if (typeof code === 'string') span.setAttribute('seams.error_code', code);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The W3C trace context stored with an event in the outbox (null or absent when it had none). */
export interface StoredTraceContext {
  readonly traceparent?: string | null;
  readonly tracestate?: string | null;
}

/**
 * The context a stored trace context names, or the root context (a new trace) when there is
 * none or it is not a valid W3C `traceparent`: a bad value read from a table never fails the
 * delivery that carries it.
 */
function storedParent(stored: StoredTraceContext): ReturnType<typeof context.active> {
  if (typeof stored.traceparent !== 'string') return ROOT_CONTEXT;
  try {
    const carrier: Record<string, string> = { traceparent: stored.traceparent };
    if (typeof stored.tracestate === 'string') carrier.tracestate = stored.tracestate;
    return propagation.extract(ROOT_CONTEXT, carrier);
  } catch {
    return ROOT_CONTEXT;
  }
}

/**
 * Runs the delivery of an event from the outbox in a `seam deliver <event>` span (kind
 * consumer) that is a child of the span that published it, so the publishing request and
 * everything its events cause, in every process, form one trace (docs/adr/0019). An event
 * stored without a trace context, or with one that does not parse, starts a trace of its own.
 * Whatever `work` sends or handles becomes a child of this span. Free when tracing is off.
 */
export function inDeliverySpan<T>(name: string, attributes: Record<string, string | number>, stored: StoredTraceContext, work: () => Promise<T>): Promise<T> {
  if (!enabled) return work();
  return activeSpan(`seam deliver ${name}`, SpanKind.CONSUMER, attributes, storedParent(stored), work);
}

import pino, { type Logger } from 'pino';
import { DomainError, type MessageKind } from '../primitives';
import { Metrics, type SeamMode, type SeamSide, type SeamTimer } from './metrics';
import { currentTraceContext, inSpan, tracingEnabled } from './tracing';

/** What the observer needs to know about one route of the seam; keep it (it caches the metric children). */
export interface ObservedRoute {
  readonly module: string;
  readonly message: string;
  /** command, query or event (`unknown` for a received message no contract names). */
  readonly kind: MessageKind | 'unknown';
  readonly mode: SeamMode;
  readonly side: SeamSide;
  readonly timer: SeamTimer;
}

/** `ok`, or the error's code (`notes.note-too-long`, `seam.unavailable`, ...), or `internal`. */
export function outcomeOf(error: unknown): string {
  return error instanceof DomainError ? error.code : 'internal';
}

/**
 * Where every message through the seam is seen: a log line (`seam.sent` / `seam.handled`, with
 * module, message, kind, mode, outcome, duration and correlation id), a sample in the
 * `seams_seam_call_duration_seconds` histogram, and, when tracing is on, a span.
 */
export class SeamObserver {
  private readonly log: Logger;
  private readonly logging: boolean;
  private readonly handled = new Map<string, ObservedRoute>();

  constructor(
    readonly metrics: Metrics,
    root: Logger,
  ) {
    this.log = root.child({ component: 'seam' });
    this.logging = this.log.isLevelEnabled('info');
  }

  /** For a seam used without the host (a bench, a tool): metrics of its own, no logs. */
  static standalone(): SeamObserver {
    return new SeamObserver(new Metrics(), pino({ level: 'silent' }));
  }

  route(module: string, message: string, kind: MessageKind | 'unknown', mode: SeamMode, side: SeamSide): ObservedRoute {
    return { module, message, kind, mode, side, timer: this.metrics.seamTimer({ module, message, kind, mode, side }) };
  }

  /** The route a received message takes in this process (cached per module and message). */
  handledRoute(module: string, message: string, kind: MessageKind | 'unknown'): ObservedRoute {
    const key = `${module} ${message}`;
    let route = this.handled.get(key);
    if (!route) {
      route = this.route(module, message, kind, 'remote', 'handle');
      if (this.handled.size < 1000) this.handled.set(key, route);
    }
    return route;
  }

  /**
   * Observes `work` (the dispatch of one message along `route`). For a message sent to
   * another process, `work` receives the trace context to put in the envelope. The log line's
   * correlation id comes from the request context `work` runs in.
   */
  observe<T>(
    route: ObservedRoute,
    work: (trace: { traceparent?: string; tracestate?: string }) => Promise<T>,
    parent?: { traceparent?: string; tracestate?: string },
  ): Promise<T> {
    const started = performance.now();
    const run = () => this.timed(route, started, work(route.side === 'send' && route.mode === 'remote' && tracingEnabled() ? currentTraceContext() : {}));
    if (!tracingEnabled()) return run();
    const kind = route.mode === 'local' ? 'internal' : route.side === 'send' ? 'client' : 'server';
    const attributes = { 'seams.module': route.module, 'seams.message': route.message, 'seams.kind': route.kind, 'seams.mode': route.mode };
    return inSpan(`seam ${route.side} ${route.message}`, kind, attributes, run, parent);
  }

  /**
   * Observes the dispatch of `message` to a handler in this process, as `observe` does, with
   * no more work per call than the one `.then` that times it: the path of every in-process
   * command and query, where the handler itself may take well under a microsecond.
   */
  observeLocal<T>(route: ObservedRoute, dispatch: (message: object) => Promise<T>, message: object): Promise<T> {
    if (tracingEnabled()) return this.observe(route, () => dispatch(message));
    const started = performance.now();
    return this.timed(route, started, dispatch(message));
  }

  /**
   * Records the outcome of a local call that its caller timed itself (the seam's bounded local
   * path, which settles its own promise and so needs no second one here): `ok` when `failure`
   * is absent, else the error's outcome. Only when tracing is off (with it on, use `observe`).
   */
  recordLocal(route: ObservedRoute, started: number, failure?: { readonly error: unknown }): void {
    if (failure) this.record(route, outcomeOf(failure.error), started, failure.error);
    else this.record(route, 'ok', started);
  }

  /** `pending`, recorded (outcome and time since `started`) when it settles. */
  private timed<T>(route: ObservedRoute, started: number, pending: Promise<T>): Promise<T> {
    return pending.then(
      (result) => {
        this.record(route, 'ok', started);
        return result;
      },
      (error: unknown) => {
        this.record(route, outcomeOf(error), started, error);
        throw error;
      },
    );
  }

  private record(route: ObservedRoute, outcome: string, started: number, error?: unknown): void {
    const ms = performance.now() - started;
    route.timer.observe(outcome, ms / 1000);
    if (!this.logging) return;
    const sent = route.side === 'send';
    this.log.info(
      {
        event: sent ? 'seam.sent' : 'seam.handled',
        module: route.module,
        message: route.message,
        kind: route.kind,
        mode: route.mode,
        outcome,
        durationMs: Math.round(ms * 100) / 100,
        ...(error !== undefined && { error: (error as Error)?.message ?? String(error) }),
      },
      `${sent ? 'sent' : 'handled'} ${route.message} ${sent ? 'to' : 'for'} ${route.module} (${route.mode}): ${outcome} in ${ms.toFixed(1)} ms`,
    );
  }
}

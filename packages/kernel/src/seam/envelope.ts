import type { ErrorKind, MessageKind } from '../primitives';

/** Version of the envelope format itself. */
export const ENVELOPE_VERSION = 1;

/**
 * What crosses a process boundary: the message's wire name and payload, plus who and what
 * caused it, and until when an answer is useful.
 */
export interface Envelope {
  readonly v: typeof ENVELOPE_VERSION;
  readonly kind: MessageKind;
  /** Wire name, e.g. `notes.add-note.v1`. */
  readonly name: string;
  readonly id: string;
  readonly correlationId: string;
  readonly causationId?: string;
  /** Epoch milliseconds. */
  readonly deadline: number;
  /** The end user's credential, when the work started from one. */
  readonly identity?: string;
  /** The sending process's service credential (see `ServiceCredentials`); required by every receiver. */
  readonly service?: string;
  /** Commands whose contract declares an idempotency key: its value (the seam may retry these). */
  readonly idempotencyKey?: string;
  /** W3C trace context of the sending span, when tracing is on. */
  readonly traceparent?: string;
  readonly tracestate?: string;
  readonly payload: unknown;
}

/**
 * The name of the seam's own probe: a module host answers it without touching its module
 * (`{ ok: true }` while it takes work, `seam.unavailable` once it is shutting down). Readiness
 * checks of the processes that call it send it.
 */
export const SEAM_PING = 'seams.ping';

export interface WireError {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export type Reply = { readonly ok: true; readonly result?: unknown } | { readonly ok: false; readonly error: WireError };

/**
 * The pattern a module's messages travel under on every transport (TCP pattern, NATS subject,
 * RabbitMQ queue): `seams.<module>`, or `seams.<namespace>.<module>` when several deployments
 * share one broker (`SEAMS_NAMESPACE`).
 */
export function patternOf(module: string, namespace?: string): string {
  return namespace ? `seams.${namespace}.${module}` : `seams.${module}`;
}

/**
 * On TCP the same pattern travels as an object: the Nest TCP server first tries to JSON-parse
 * every incoming pattern, and a plain string makes that throw (and catch) once per message,
 * which costs more than the rest of the receiving side together.
 */
export function tcpPatternOf(module: string, namespace?: string): { readonly seams: string } {
  return { seams: patternOf(module, namespace) };
}

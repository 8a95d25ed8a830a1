import { checkerOf, DomainError, type ErrorKind, type Issue, isSchema, type MessageClass } from '../primitives';

/**
 * The module behind a seam cannot be reached (not running, refused, connection lost), or its
 * circuit breaker or bulkhead turned the call away. `retryAfterSeconds` becomes the
 * `Retry-After` of the 503.
 */
export class SeamUnavailableError extends DomainError {
  readonly code = 'seam.unavailable';
  readonly kind = 'unavailable';
  /** Turned away by a policy without trying the module (not worth retrying at once). */
  readonly fastFail: boolean;
  /**
   * `false` only when no attempt of this call left the process (the breaker was open, the
   * bulkhead full, no address configured, before any try): the message cannot have taken
   * effect. `true` (the default) means it may have: an attempt was under way when the answer
   * was lost. See `notSent`.
   */
  readonly sent: boolean;

  constructor(module: string, reason: string, options: { retryAfterSeconds?: number; fastFail?: boolean; sent?: boolean; refused?: boolean } = {}) {
    super(`The ${module} module is unavailable: ${reason}`, { module, retryAfterSeconds: options.retryAfterSeconds ?? 1, ...(options.refused && { refused: true }) });
    this.fastFail = options.fastFail ?? false;
    this.sent = options.sent ?? true;
  }
}

/**
 * Whether `error` is a module host's refusal of a message it did not start to handle (it is
 * shutting down: `details.refused`, which crosses the wire): the message cannot have taken
 * effect there, so it may go to another replica whatever its kind, a command without an
 * idempotency key included.
 */
export function isRefusal(error: unknown): boolean {
  const failure = error as { code?: unknown; details?: { refused?: unknown } } | null;
  return failure?.code === 'seam.unavailable' && failure.details?.refused === true;
}

/**
 * Whether a failed `seam.send` provably did nothing on the other side: the message was refused
 * by its contract before any handler ran, or no attempt of it left this process (turned away
 * by the breaker or the bulkhead, or no address). A saga needs no compensation for such a step.
 * `false` means the outcome is unknown or the handler answered an error of its own (its
 * transaction rolled back, but a caller that cannot tell the two apart compensates).
 */
export function notSent(error: unknown): boolean {
  return error instanceof InvalidMessageError || (error instanceof SeamUnavailableError && !error.sent);
}

/** The deadline of a message passed before its answer came back. */
export class SeamTimeoutError extends DomainError {
  readonly code = 'seam.timeout';
  readonly kind = 'timeout';

  constructor(what: string) {
    super(`${what} did not complete before its deadline`);
  }
}

/** A message whose payload does not match its contract's schema. */
export class InvalidMessageError extends DomainError {
  readonly code = 'seam.invalid-message';
  readonly kind = 'invalid';

  constructor(name: string, issues: readonly Issue[]) {
    super(`${name} is malformed: ${issues.map((issue) => `${issue.path || '(payload)'} ${issue.message}`).join('; ')}`, {
      message: name,
      issues,
    });
  }
}

/**
 * The typed error for a payload that does not fit its message's contract, or undefined when it
 * fits. Every path checks with this one function, before any handler or transaction runs:
 * local send and ask, a module host receiving an envelope, publishing into the outbox, and
 * delivering an event; so the monolith refuses exactly what a split deployment refuses. The
 * check is compiled once per schema (`checkerOf`, ADR 0017).
 */
export function invalidPayload(type: MessageClass, payload: unknown): InvalidMessageError | undefined {
  const issues = checkerOf(type.schema)(payload);
  return issues ? new InvalidMessageError(type.wire, issues) : undefined;
}

/** An envelope that is not one, or a message name this module does not serve. */
export class UnknownMessageError extends DomainError {
  readonly code = 'seam.unknown-message';
  readonly kind = 'invalid';
}

/** A typed error raised on the other side of a seam, rebuilt with its code, kind and details. */
export class RemoteError extends DomainError {
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    message: string,
    details: Readonly<Record<string, unknown>>,
  ) {
    super(message, details);
  }
}

/** The other side failed unexpectedly; its log has the details. */
export class RemoteFailureError extends DomainError {
  readonly code = 'seam.remote-failure';
  readonly kind = 'internal';
}

/**
 * A handler answered something its contract's answer schema refuses (`answer` on the message
 * class): the same typed error in process and across a process, never the raw value.
 */
export class SeamBadAnswerError extends DomainError {
  readonly code = 'seam.bad-answer';
  readonly kind = 'internal';

  constructor(name: string, issues: readonly Issue[]) {
    super(`The answer to ${name} breaks its contract: ${issues.map((issue) => `${issue.path || '(answer)'} ${issue.message}`).join('; ')}`, { message: name, issues });
  }
}

/** The answer's check of `type` (none when its contract declares no answer): the issues, or undefined. */
export function answerIssues(type: { readonly answer?: unknown }, value: unknown): readonly Issue[] | undefined {
  if (!isSchema(type.answer)) return undefined;
  return checkerOf(type.answer)(value === undefined ? undefined : value);
}

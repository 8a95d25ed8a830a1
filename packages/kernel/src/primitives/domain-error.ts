/**
 * How an expected failure maps onto HTTP. The kind travels with the error (in process and,
 * later, across the seam), so both modes answer with the same status and problem body.
 */
export type ErrorKind =
  | 'invalid' // 400
  | 'unauthorized' // 401
  | 'forbidden' // 403
  | 'not-found' // 404
  | 'conflict' // 409
  | 'unprocessable' // 422
  | 'internal' // 500
  | 'unavailable' // 503
  | 'timeout'; // 504

/**
 * Base of every expected failure. `code` is stable and namespaced by module
 * (`notes.note-too-long`); `details` is plain data that explains the failure.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: ErrorKind;

  constructor(
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

import type { ErrorKind } from '../primitives';

/** One offending input field of a 400 problem. */
export interface FieldError {
  /** Path into the request body, e.g. `lines[0].quantity`. */
  readonly field: string;
  readonly message: string;
}

/** An RFC 9457 problem details body, with Seams' extension members. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  /** Stable machine-readable code, `<module>.<error>`. */
  readonly code: string;
  readonly correlationId?: string;
  readonly errors?: readonly FieldError[];
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const STATUS_OF_KIND: Readonly<Record<ErrorKind, number>> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  unprocessable: 422,
  internal: 500,
  unavailable: 503,
  timeout: 504,
};

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function titleOf(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Request Error');
}

/** What an app says in its problem responses (the host passes them to `ProblemFilter`). */
export interface ProblemOptions {
  /** Problem type URIs are stable URIs built from the code: `<typeNamespace><code>` (default `urn:problem:`). */
  readonly typeNamespace?: string;
  /** The realm of the `WWW-Authenticate: Bearer realm="..."` header of a 401 (default `api`). */
  readonly realm?: string;
}

export const DEFAULT_PROBLEM_OPTIONS: Required<ProblemOptions> = { typeNamespace: 'urn:problem:', realm: 'api' };

/** The checked options, defaults filled in. */
export function problemOptions(options: ProblemOptions = {}): Required<ProblemOptions> {
  const checked = { ...DEFAULT_PROBLEM_OPTIONS, ...options };
  if (!/^[a-z][a-z0-9+.-]*:\S*$/i.test(checked.typeNamespace)) {
    throw new Error(`problems.typeNamespace must start a URI (e.g. urn:example:problem:), not "${checked.typeNamespace}"`);
  }
  if (!/^[\x20-\x7e]+$/.test(checked.realm) || checked.realm.includes('"')) {
    throw new Error(`problems.realm must be printable ASCII without quotes, not "${checked.realm}"`);
  }
  return checked;
}

/** The problem type URI of `code`: `<typeNamespace><code>`. */
export function problemType(code: string, typeNamespace: string = DEFAULT_PROBLEM_OPTIONS.typeNamespace): string {
  return `${typeNamespace}${code}`;
}

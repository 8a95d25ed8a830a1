import { type INestApplication, type LoggerService, type NestApplicationOptions, UnsupportedMediaTypeException, VersioningType } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { createValidationPipe, ProblemFilter, type ProblemOptions, requestIdMiddleware } from '../http';
import { Metrics, NestPinoLogger } from '../observability';
import { Lifecycle } from './lifecycle';

/**
 * The options to create the app with (`NestFactory.create(AppModule, SEAMS_APP_OPTIONS)`):
 * `applyHttpEdge` registers the body parser itself (after the request id and with a size
 * limit), Nest's own start-up messages wait for the kernel's logger, and a module that fails
 * to start rejects instead of exiting the process.
 */
export const SEAMS_APP_OPTIONS = { bodyParser: false, bufferLogs: true, abortOnError: false } as const satisfies NestApplicationOptions;

export interface HttpEdgeOptions {
  /** The largest JSON body accepted (default `100kb`); larger gets 413. */
  readonly bodyLimit?: string;
  /** Origins allowed to call from a browser; CORS stays off when empty (default). */
  readonly corsOrigins?: readonly string[];
  /**
   * Path prefixes served without a content security policy (e.g. a Swagger UI at `/docs`,
   * which needs inline scripts); every other response gets helmet's full set of headers.
   */
  readonly withoutCsp?: readonly string[];
  /**
   * Middleware that must see the raw request, run after the request id and before the body
   * parser (e.g. a proxy that forwards some routes elsewhere, body untouched).
   */
  readonly beforeBody?: readonly RequestHandler[];
  /** The problem responses' type namespace and authentication realm (see `ProblemFilter`). */
  readonly problems?: ProblemOptions;
  /**
   * Which proxies in front of the app to believe about the client's address (Express's
   * `trust proxy`: a hop count, or addresses and CIDR ranges such as `loopback, 10.0.0.0/8`).
   * With it, `req.ip` (what the rate limit counts by) is the client before those proxies, from
   * `X-Forwarded-For`; without it, the header is ignored, so no client can pick its own address.
   */
  readonly trustProxy?: number | string;
}

/**
 * The HTTP side every request meets, in this order: the kernel's logger for Nest's own
 * messages (its per-module and per-route start-up lines at debug); a correlation id (`X-Request-Id`) before anything else, so even a body that does
 * not parse has one; HTTP metrics; `Connection: close` once shutdown has begun; security
 * headers (helmet); `beforeBody`; 415 for a body that is not JSON; the JSON body parser with its limit; CORS when asked; URI
 * versioning (`/v1/...`); the validation pipe (400 with the fields at fault); and RFC 9457
 * problem responses for every error, domain errors included.
 *
 * Needs an Express app created with `SEAMS_APP_OPTIONS` and importing `SeamsModule`.
 */
export function applyHttpEdge(app: INestApplication, options: HttpEdgeOptions = {}): void {
  const express = app as NestExpressApplication;
  express.useLogger(new QuietStartLogger(express.get(NestPinoLogger)));
  express.flushLogs();
  express.use(requestIdMiddleware);
  express.use(express.get(Metrics).httpMiddleware());
  express.use(closeWhenShuttingDown(express.get(Lifecycle)));
  express.use(securityHeaders(options.withoutCsp ?? []));
  for (const middleware of options.beforeBody ?? []) express.use(middleware);
  express.use(jsonBodiesOnly);
  express.useBodyParser('json', { limit: options.bodyLimit ?? '100kb' });
  const origins = options.corsOrigins ?? [];
  if (origins.length > 0) express.enableCors({ origin: [...origins], exposedHeaders: ['X-Request-Id', 'Location', 'Retry-After'] });
  express.getHttpAdapter().getInstance().disable('x-powered-by');
  if (options.trustProxy !== undefined) express.set('trust proxy', options.trustProxy);
  express.enableVersioning({ type: VersioningType.URI });
  express.useGlobalPipes(createValidationPipe());
  express.useGlobalFilters(new ProblemFilter(options.problems));
}

/**
 * Nest's own start-up lines (one per module, controller and route, and "successfully
 * started" before the port is even bound) at `debug`, so a start at the default level prints
 * a handful of lines; `SEAMS_LOG_LEVEL=debug` shows them. Everything else passes unchanged.
 */
const START_UP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication', 'NestMicroservice']);

class QuietStartLogger implements LoggerService {
  constructor(private readonly inner: NestPinoLogger) {}

  log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    if (typeof context === 'string' && START_UP_CONTEXTS.has(context)) this.inner.debug(message, ...rest);
    else this.inner.log(message, ...rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.inner.error(message, ...rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.inner.warn(message, ...rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.inner.debug(message, ...rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.inner.verbose(message, ...rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.inner.fatal(message, ...rest);
  }
}

/** What the JSON body parser reads (`application/json`, parameters such as a charset allowed). */
const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;

/**
 * A POST, PUT or PATCH with a body that is not JSON (no `Content-Type`, or another one)
 * gets 415 naming the media type expected, instead of reaching validation as an empty body
 * and being told about every field.
 */
function jsonBodiesOnly(request: Request, _response: Response, next: NextFunction): void {
  const length = request.headers['content-length'];
  const hasBody = request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  const sent = request.headers['content-type'];
  if (!['POST', 'PUT', 'PATCH'].includes(request.method) || !hasBody || (sent && JSON_MEDIA_TYPE.test(sent))) return next();
  next(
    new UnsupportedMediaTypeException(
      `The body must be JSON: send it with Content-Type: application/json (${sent ? `not ${sent.split(';')[0].trim()}` : 'the request has no Content-Type'})`,
    ),
  );
}

/** helmet's security headers on every response; paths under `withoutCsp` get them without a content security policy. */
function securityHeaders(withoutCsp: readonly string[]): RequestHandler {
  const strict = helmet();
  const relaxed = helmet({ contentSecurityPolicy: false });
  return (request: Request, response: Response, next: NextFunction) =>
    (withoutCsp.some((prefix) => request.path.startsWith(prefix)) ? relaxed : strict)(request, response, next);
}

/** Once shutdown has begun, a keep-alive connection closes after its response instead of waiting for another request. */
function closeWhenShuttingDown(lifecycle: Lifecycle): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    if (lifecycle.shuttingDown) response.setHeader('Connection', 'close');
    response.once('finish', () => {
      if (lifecycle.shuttingDown) setImmediate(() => request.socket.end());
    });
    next();
  };
}

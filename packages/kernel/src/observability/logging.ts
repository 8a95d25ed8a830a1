import type { IncomingMessage, ServerResponse } from 'node:http';
import { trace } from '@opentelemetry/api';
import pino, { type Logger, type LoggerOptions } from 'pino';
import type { Options as HttpLogOptions } from 'pino-http';
import { RequestContexts } from '../context';

/**
 * Logs are JSON lines through pino (`NestPinoLogger` for Nest's own logger, `pino-http` for the HTTP log),
 * one object per event. Options (`logSettings`):
 *   level    trace, debug, info (default), warn, error, fatal, silent
 *   format   json, or pretty (one coloured line per event, for a terminal); default pretty
 *            when stdout is a terminal outside production
 * Every line written inside a request or a seam message carries its `correlationId` (and the
 * `traceId` when tracing is on). Credentials never reach a log: the `Authorization` and
 * `Cookie` headers and the envelope's `identity` are redacted.
 */
export interface LogSettings {
  readonly level: string;
  readonly pretty: boolean;
  /** `monolith` or the hosted module's name: which process wrote the line. */
  readonly service: string;
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'identity',
  'envelope.identity',
];

export interface LogOptions {
  /** `monolith` or the hosted module's name: which process wrote the line. */
  readonly service: string;
  readonly level?: string;
  readonly format?: 'json' | 'pretty';
  /** Outside production a terminal gets pretty lines by default. */
  readonly production?: boolean;
  /** Silences every line (in-process tests). */
  readonly silent?: boolean;
}

export const LOG_LEVELS: readonly string[] = LEVELS;

/** The logger's settings from its options, checked (refused in one line naming the option and the value). */
export function logSettings(options: LogOptions): LogSettings {
  const level = options.silent ? 'silent' : (options.level || 'info').toLowerCase();
  if (!LEVELS.includes(level)) throw new Error(`log level must be one of ${LEVELS.join(', ')}, not "${level}"`);
  const format = options.format;
  if (format && format !== 'json' && format !== 'pretty') throw new Error(`log format must be json or pretty, not "${String(format)}"`);
  const pretty = format ? format === 'pretty' : !options.production && process.stdout.isTTY === true && prettyAvailable();
  return { level, pretty, service: options.service };
}

function prettyAvailable(): boolean {
  try {
    require.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/** The process's root logger. */
export function createRootLogger(settings: LogSettings, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { pid: process.pid, service: settings.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    mixin() {
      const context = RequestContexts.current();
      const span = trace.getActiveSpan();
      return {
        ...(context && { correlationId: context.correlationId }),
        ...(span && { traceId: span.spanContext().traceId }),
      };
    },
    ...(settings.pretty && {
      transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,req,res', singleLine: true } },
    }),
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * `pino-http` settings: one line per HTTP request, with its correlation id (from the request
 * context, through the root logger's mixin), status and time taken.
 */
export function httpLogging(root: Logger): HttpLogOptions {
  const correlationOf = (response: ServerResponse) => String(response.getHeader('x-request-id') ?? '');
  return {
    logger: root,
    genReqId: (_request: IncomingMessage, response: ServerResponse) => correlationOf(response),
    autoLogging: { ignore: (request: IncomingMessage) => /^\/(metrics|health)(\/|$|\?)/.test(request.url ?? '') },
    customLogLevel: (_request: IncomingMessage, response: ServerResponse, error?: Error) =>
      error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
    customSuccessMessage: (request: IncomingMessage, response: ServerResponse, took: number) =>
      `${request.method} ${request.url} ${response.statusCode} in ${took} ms`,
    customErrorMessage: (request: IncomingMessage, response: ServerResponse) => `${request.method} ${request.url} ${response.statusCode}`,
    serializers: {
      req: (request: { method: string; url: string; headers: Record<string, unknown> }) => ({
        method: request.method,
        url: request.url,
        headers: request.headers,
      }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
  };
}

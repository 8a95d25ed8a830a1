import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { asConflict, asUnavailable, DomainError } from '../primitives';
import { RequestContexts } from '../context';
import {
  type Problem,
  PROBLEM_CONTENT_TYPE,
  problemOptions,
  type ProblemOptions,
  problemType,
  STATUS_OF_KIND,
  titleOf,
} from './problem';
import { InvalidRequestException } from './validation';

/**
 * Turns every failure of an HTTP request into an RFC 9457 problem response. Domain errors
 * map by their kind; framework errors keep their status; anything else is a 500 whose
 * details stay in the log, not in the response.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problems');
  private readonly options: Required<ProblemOptions>;

  /** `options`: the app's problem type namespace and 401 realm (see `ProblemOptions`). */
  constructor(options: ProblemOptions = {}) {
    this.options = problemOptions(options);
  }

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    // A database that cannot be reached is an expected, retryable answer: 503; a duplicate key a
    // handler did not catch is a conflict: 409.
    error = asUnavailable(error) ?? asConflict(error) ?? error;
    const problem = {
      ...this.toProblem(error),
      instance: request.originalUrl,
      correlationId: RequestContexts.current()?.correlationId,
    };
    if (problem.status >= 500) {
      // Expected failures (a database or a module unavailable, a seam timeout: typed errors)
      // are one warning line; only an unexpected 500 is an error with its stack.
      if (error instanceof DomainError && error.kind !== 'internal') this.logger.warn(`${request.method} ${request.originalUrl}: ${problem.status} ${error.code}: ${error.message}`);
      else this.logger.error(`${request.method} ${request.originalUrl} failed`, error instanceof Error ? error.stack : String(error));
    }
    if (response.headersSent) return;
    if (problem.status === 401) response.setHeader('WWW-Authenticate', `Bearer realm="${this.options.realm}"`);
    if (problem.status === 503) response.setHeader('Retry-After', String((problem as { retryAfterSeconds?: number }).retryAfterSeconds ?? 1));
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).json(problem);
  }

  private toProblem(error: unknown): Problem {
    if (error instanceof DomainError) {
      const status = STATUS_OF_KIND[error.kind];
      // details first: the problem's own members always win over a detail of the same name
      return {
        ...error.details,
        type: this.type(error.code),
        title: titleOf(status),
        status,
        detail: error.message,
        code: error.code,
      };
    }
    if (error instanceof InvalidRequestException) {
      return {
        type: this.type('request.invalid'),
        title: titleOf(400),
        status: 400,
        detail: error.message,
        code: 'request.invalid',
        errors: error.errors,
      };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const code = status === 404 ? 'request.not-found' : status === 415 ? 'request.unsupported-media-type' : status < 500 ? 'request.rejected' : 'server.error';
      return {
        type: this.type(code),
        title: titleOf(status),
        status,
        detail: messageOf(error),
        code,
      };
    }
    return {
      type: this.type('server.error'),
      title: titleOf(500),
      status: 500,
      detail: 'The server failed to handle the request; the log has the details.',
      code: 'server.error',
    };
  }

  private type(code: string): string {
    return problemType(code, this.options.typeNamespace);
  }
}

function messageOf(error: HttpException): string {
  const body = error.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : error.message;

}

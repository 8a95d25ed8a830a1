import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { RequestContexts } from '../context';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** W3C trace context: version, trace id, parent span id, flags. An all-zero trace id is invalid. */
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * Gives every HTTP request a correlation id (the caller's `X-Request-Id` when it is a sane
 * token, else the trace id of its W3C `traceparent`, else a new UUID), echoes it back, and makes it the context of all the work the
 * request causes. The caller's `Authorization` travels on with every message the request
 * sends, so a module in another process can check who asks.
 */
export function requestIdMiddleware(request: Request, response: Response, next: NextFunction): void {
  const given = request.header('x-request-id');
  const correlationId = given && SAFE_ID.test(given) ? given : (traceIdOf(request.header('traceparent')) ?? randomUUID());
  response.setHeader('X-Request-Id', correlationId);
  const identity = request.header('authorization');
  RequestContexts.run({ correlationId, ...(identity && { identity }) }, next);
}

function traceIdOf(traceparent: string | undefined): string | undefined {
  const traceId = traceparent ? TRACEPARENT.exec(traceparent.trim().toLowerCase())?.[1] : undefined;
  return traceId && !/^0+$/.test(traceId) ? traceId : undefined;
}

import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { RequestContexts } from '../seam';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every HTTP request a correlation id (the caller's `X-Request-Id` when it is a sane
 * token, a new UUID otherwise), echoes it back, and makes it the context of all the work the
 * request causes. The caller's `Authorization` travels on with every message the request
 * sends, so a module in another process can check who asks.
 */
export function requestIdMiddleware(request: Request, response: Response, next: NextFunction): void {
  const given = request.header('x-request-id');
  const correlationId = given && SAFE_ID.test(given) ? given : randomUUID();
  response.setHeader('X-Request-Id', correlationId);
  const identity = request.header('authorization');
  RequestContexts.run({ correlationId, ...(identity && { identity }) }, next);
}

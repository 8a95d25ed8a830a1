import { applyDecorators, type CanActivate, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { Request } from 'express';
import { ForbiddenError, UnauthenticatedError, userHasRole } from '../security/principal';
import { SeamSecurity } from '../security/seam-security';
import { RequestContexts } from '../context';
import { ApiProblems } from './problem.dto';

const IS_PUBLIC = 'seams:public';
const REQUIRED_ROLES = 'seams:roles';

/** A route anyone may call without a token (health, metrics). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/**
 * A route for signed-in users (every route that is not `@Public()` is), optionally only those
 * with one of `roles`. Documents the bearer scheme and the 401 (and 403) problems in Swagger.
 */
export function Authenticated(...roles: string[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_ROLES, roles),
    ApiBearerAuth(),
    roles.length > 0 ? ApiProblems(401, 403) : ApiProblems(401),
  );
}

/**
 * Every HTTP route needs a valid bearer token unless it is `@Public()`: missing, malformed,
 * expired, foreign or tampered tokens get a 401 problem; a token without the route's role a
 * 403. The verified user becomes the principal of the request's context, which travels with
 * every message the request sends (and is checked again by a module host). Messages that
 * arrive through the seam are not HTTP: `SeamReceiver` checks those.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly security: SeamSecurity,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const principal = await this.security.verifier.verify(request.header('authorization'));
    const roles = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES, targets) ?? [];
    if (roles.length > 0 && !userHasRole(principal, ...roles)) {
      throw new ForbiddenError(`This needs the ${roles.join(' or ')} role`, { required: roles });
    }
    const current = RequestContexts.current();
    // Without a request context the principal would be lost, and the handler would act for nobody.
    if (!current) throw new UnauthenticatedError('This request has no request context (the request-id middleware is missing): refused');
    current.principal = principal;
    return true;
  }
}

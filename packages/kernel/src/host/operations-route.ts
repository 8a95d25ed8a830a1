import { type ExecutionContext, SetMetadata } from '@nestjs/common';

const OPERATIONS_ROUTE = 'seams:operations-route';

/**
 * Marks the operations controllers (health): probes call them often and without a token. An
 * app's rate limiter lets them through with `isOperationsRoute`. (`/metrics` is limited like
 * any route, and asks for its own bearer token when one is set.)
 */
export const OperationsRoute = (): ClassDecorator => SetMetadata(OPERATIONS_ROUTE, true);

/**
 * Whether a request goes to an operations controller, e.g. for `@nestjs/throttler`:
 * `ThrottlerModule.forRoot({ throttlers, skipIf: isOperationsRoute })`.
 */
export function isOperationsRoute(context: ExecutionContext): boolean {
  return Reflect.getMetadata(OPERATIONS_ROUTE, context.getClass()) === true;
}

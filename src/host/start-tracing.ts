import { startTracing } from '@seams/kernel/observability';
import { roleFrom, serviceOf } from './role';

/**
 * Imported first by `main.ts`: OpenTelemetry must patch `http` and `pg` before anything loads
 * them. Tracing stays off unless an OTLP endpoint is configured (see kernel/observability/tracing.ts).
 */
function serviceName(): string {
  try {
    return `seams-${serviceOf(roleFrom(process.argv, process.env))}`;
  } catch {
    return 'seams'; // main.ts reports the bad role
  }
}

export const tracing = startTracing(process.env, { serviceName: serviceName() });

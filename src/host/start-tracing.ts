import { startTracing } from '@seams/kernel/observability';
import { readSettings, tracingOptions } from './config';
import { roleFrom, serviceOf } from './role';

/**
 * Imported first by `main.ts`: OpenTelemetry must patch `http` and `pg` before anything loads
 * them. Tracing stays off unless an OTLP endpoint is configured (see the settings, and
 * kernel/observability/tracing.ts). A bad setting is reported by main.ts, not here.
 */
function options() {
  try {
    const settings = readSettings(process.env);
    return tracingOptions(settings, `seams-${serviceOf(roleFrom(process.argv, settings.hostModule))}`);
  } catch {
    return { serviceName: 'seams', disabled: true };
  }
}

export const tracing = startTracing(options());

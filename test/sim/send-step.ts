import { DomainError } from '@seams/kernel/primitives';
import { RequestContexts, type Seam } from '@seams/kernel/seam';
import { probeMessages } from './probe-system';
import type { Step } from './scenario';

/** What a message got back: its value, or its typed error's code (and the issues of an invalid payload). */
export type Answer = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly code: string; readonly issues?: unknown };

/**
 * Sends one step through `seam`, as an HTTP request's handler would (a correlation id, no
 * deadline of its own): in the simulation's own process, or in a module host that was asked to
 * send it (see probe-host.ts), so commands also cross from a host into a process serving several modules.
 */
export async function sendStep(seam: Seam, step: Step): Promise<Answer> {
  const messages = probeMessages(step.module);
  let message: object;
  if (step.kind === 'put') message = new messages.Put(step.key, step.value);
  else if (step.kind === 'get') message = new messages.Get(step.key);
  else message = Object.assign(Object.create((step.message === 'put' ? messages.Put : messages.Get).prototype as object) as object, step.payload);
  // The simulation's messages are the deployment's own work (a service), as a job's would be.
  const context = { correlationId: `sim-${Math.random().toString(36).slice(2)}`, principal: { kind: 'service' as const, service: 'sim' } };
  try {
    const value = await RequestContexts.run(context, () =>
      step.kind === 'get' || (step.kind === 'invalid' && step.message === 'get') ? seam.ask(message as never) : seam.send(message as never),
    );
    return { ok: true, value };
  } catch (error) {
    if (!(error instanceof DomainError)) return { ok: false, code: `untyped: ${(error as Error)?.message ?? String(error)}` };
    const issues = (error.details as { issues?: unknown }).issues;
    return { ok: false, code: error.code, ...(issues !== undefined && { issues }) };
  }
}

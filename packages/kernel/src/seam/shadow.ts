import { randomUUID } from 'node:crypto';
import { Injectable, Logger, Optional } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { SeamObserver } from '../observability/seam-observer';
import { DomainError } from '../primitives';
import type { Envelope } from './envelope';
import { RemoteModules } from './remote-modules';

/** One query whose two answers differed. */
export interface ShadowDifference {
  readonly id: string;
  readonly at: string;
  readonly module: string;
  readonly message: string;
  readonly correlationId: string;
  readonly payload: unknown;
  /** The answer the caller got (this process's implementation), or its error. */
  readonly local: unknown;
  /** The other implementation's answer, or its error. */
  readonly remote: unknown;
}

type Settled = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

const KEEP = 200;

/**
 * Parallel run (`SEAMS_<MODULE>=shadow`): each query to a shadowed module is answered here,
 * and also asked of the implementation at the module's address. The caller gets the local
 * answer at once; when both are in, they are compared. A difference is logged, counted
 * (`seams_shadow_queries_total{outcome="different"}`) and kept (the last 200) for
 * `GET /v1/admin/shadow`. The other side failing to answer is counted as `failed`, not as a
 * difference. Commands and events are never sent to the shadow: they would act twice.
 */
@Injectable()
export class ShadowRuns {
  private readonly logger = new Logger('Shadow');
  private readonly kept: ShadowDifference[] = [];
  private readonly counter: Counter<'module' | 'message' | 'outcome'>;

  constructor(
    private readonly remote: RemoteModules,
    @Optional() observer?: SeamObserver,
  ) {
    this.counter = (observer ?? SeamObserver.standalone()).metrics.counter(
      'seams_shadow_queries_total',
      'Queries to shadowed modules by outcome: same, different (the two implementations disagreed) or failed (the shadow did not answer)',
      ['module', 'message', 'outcome'],
    );
  }

  /** Compares `local` (the caller's answer) with the shadow's, in the background. */
  compare(module: string, envelope: Envelope, local: Promise<unknown>): void {
    const shadow = this.remote.request(module, envelope);
    void Promise.all([settle(local), settle(shadow)]).then(([mine, theirs]) => {
      const labels = { module, message: envelope.name };
      if (!theirs.ok && /^seam\./.test(theirs.error.code) && !(mine.ok === false && mine.error.code === theirs.error.code)) {
        this.counter.inc({ ...labels, outcome: 'failed' });
        this.logger.warn(`shadow ${envelope.name} to ${module} got no answer: ${theirs.error.message} [correlation ${envelope.correlationId}]`);
        return;
      }
      if (same(mine, theirs)) return void this.counter.inc({ ...labels, outcome: 'same' });
      this.counter.inc({ ...labels, outcome: 'different' });
      const difference: ShadowDifference = {
        id: randomUUID(),
        at: new Date().toISOString(),
        module,
        message: envelope.name,
        correlationId: envelope.correlationId,
        payload: envelope.payload,
        local: mine.ok ? mine.value : { error: mine.error },
        remote: theirs.ok ? theirs.value : { error: theirs.error },
      };
      this.kept.push(difference);
      if (this.kept.length > KEEP) this.kept.shift();
      this.logger.warn(`shadow ${envelope.name} to ${module} answered differently [correlation ${envelope.correlationId}]`);
    });
  }

  /** The differences kept, newest first. */
  differences(): ShadowDifference[] {
    return [...this.kept].reverse();
  }
}

async function settle(promise: Promise<unknown>): Promise<Settled> {
  try {
    // The answer as it would cross the wire: what both sides are compared on.
    return { ok: true, value: JSON.parse(JSON.stringify((await promise) ?? null)) as unknown };
  } catch (error) {
    const code = error instanceof DomainError ? error.code : 'internal';
    return { ok: false, error: { code, message: (error as Error)?.message ?? String(error) } };
  }
}

function same(a: Settled, b: Settled): boolean {
  if (a.ok !== b.ok) return false;
  if (!a.ok || !b.ok) return !a.ok && !b.ok && a.error.code === b.error.code;
  return canonical(a.value) === canonical(b.value);
}

/** JSON with object keys sorted (arrays keep their order: order is part of an answer). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)))
      : inner,
  );
}

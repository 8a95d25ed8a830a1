import { Client } from 'pg';
import { type ProbeCluster, startProbeCluster } from './cluster';
import { type Answer, sendStep } from './send-step';
import { type Fault, KEPT_FAILING, type Placement, type Scenario, type Step, subscribersOf } from './scenario';

export type { Answer } from './send-step';

export interface Outcome {
  readonly answers: readonly Answer[];
  /** What the run did, in a few words. */
  readonly stats: string;
  /** Every invariant that did not hold, in words. */
  readonly violations: string[];
}

/**
 * The longest one scenario (both placements) may run. A scenario takes seconds to a minute;
 * past this, something hung or crawled: the scenario is cut short (every wait ends, the load
 * stops), reported as a violation, and its clusters are closed as usual.
 */
export const SCENARIO_CEILING_MS = 6 * 60_000;
/**
 * What a scenario cut short at its ceiling may still take before `runScenario` resolves: a
 * host kill under way (its downtime, 10 s, and its start, 60 s at most), a message in flight
 * (its deadline), the stop of the hosts (15 s, then SIGKILL), the drop of the database. The
 * simulation's Jest timeout leaves room for its budget plus both.
 */
export const SCENARIO_CLOSE_MS = 3 * 60_000;

/** The placement every other one is compared with: every module in the monolith, over no transport. */
export const ALL_LOCAL: Placement = { remote: [], transport: 'tcp' };

/**
 * Runs a scenario: its probe messages in the all-local placement and in its own, compared;
 * then, in its own placement, the load from several senders with the faults. Then checks, from
 * the subscribers' tables and the outboxes, that the promise held. Resolves with the
 * violations found (none: the run passed).
 */
export async function runScenario(scenario: Scenario, ceilingMs = SCENARIO_CEILING_MS): Promise<string[]> {
  const cut = new AbortController();
  const timer = setTimeout(() => cut.abort(), ceilingMs);
  let reference: Outcome;
  let tested: Outcome;
  try {
    reference = await runPlacement(scenario, ALL_LOCAL, false, cut.signal);
    tested = await runPlacement(scenario, scenario.placement, true, cut.signal);
  } finally {
    clearTimeout(timer);
  }
  const violations = [...reference.violations.map((v) => `all local: ${v}`), ...tested.violations];
  if (cut.signal.aborted) violations.unshift(`the scenario did not finish within ${ceilingMs / 1000} s and was cut short (something hung or crawled; what follows may be a consequence)`);
  process.stdout.write(`simulation run: ${summary(scenario)}; ${tested.stats}; ${violations.length} violations\n`);
  // (A scenario cut short has answers missing: there is nothing to compare.)
  if (!cut.signal.aborted) scenario.probe.forEach((step, index) => {
    const a = JSON.stringify(reference.answers[index]);
    const b = JSON.stringify(tested.answers[index]);
    if (a !== b) violations.push(`probe step ${index} (${describe(step)}) answered ${a} all local but ${b} placed as ${JSON.stringify(scenario.placement)}`);
  });
  return violations;
}

function summary(scenario: Scenario): string {
  const subs = scenario.system.modules.map((m) => `${m.name}<-[${m.subscriptions.map((s) => `${s.event.replace('.v1', '')}${s.handlers > 1 ? 'x2' : ''}${s.chain ? '+chain' : ''}`).join(',')}]`);
  const { throws, conflicts, kill } = scenario.faults;
  const faults = [
    ...throws.map((f) => `${f.module}/${f.handler}@${f.key} throws ${f.remaining === KEPT_FAILING ? 'for good' : `${f.remaining}x`}`),
    ...conflicts.map((f) => `${f.module}/${f.handler}@${f.key} conflicts ${f.remaining}x`),
    ...(scenario.faults.slows ?? []).map((f) => `${f.module}/${f.handler}@${f.key} slower than its deadline ${f.remaining}x`),
    ...(kill ? [`SIGKILL ${kill.module} after ${kill.afterSteps}${kill.downMs ? `, down ${kill.downMs} ms` : ''}`] : []),
  ];
  return `${subs.join(' ')}; remote [${scenario.placement.remote.join(',')}] over ${scenario.placement.transport}; ${scenario.probe.length} probe + ${scenario.load.flat().length} load messages; faults: ${faults.join(', ') || 'none'}`;
}

function describe(step: Step): string {
  const from = step.from ? ` from ${step.from}` : '';
  if (step.kind === 'invalid') return `invalid ${step.module}.${step.message} ${JSON.stringify(step.payload)}${from}`;
  return (step.kind === 'put' ? `put ${step.module} ${step.key}=${step.value}` : `get ${step.module} ${step.key}`) + from;
}

/** Sends one step from where it says: the monolith, or the host of the remote module it names in `from`. */
async function send(cluster: ProbeCluster, step: Step, placement: Placement): Promise<Answer> {
  return step.from !== undefined && placement.remote.includes(step.from) ? cluster.sendFrom(step.from, step) : sendStep(cluster.seam, step);
}

async function runPlacement(scenario: Scenario, placement: Placement, withFaults: boolean, cut: AbortSignal): Promise<Outcome> {
  if (cut.aborted) return { answers: [], violations: [], stats: 'not run (cut short)' };
  const cluster = await startProbeCluster(scenario.system, placement);
  const db = new Client({ connectionString: cluster.database.url });
  await db.connect();
  const violations: string[] = [];
  try {
    const answers: Answer[] = [];
    for (const step of scenario.probe) if (!cut.aborted) answers.push(await send(cluster, step, placement));
    for (const answer of answers) {
      if (!answer.ok && (answer.code.startsWith('untyped') || answer.code === 'seam.remote-failure')) {
        violations.push(`a probe message got no typed answer: ${answer.code}`);
      }
    }
    // The probe's events are delivered before any fault is armed: faults are about the load.
    const modules = scenario.system.modules.map((m) => m.name);
    const beforeFaults = new Set((await quiet(db, modules, 60_000, cut)).map((row) => row.id));
    if (withFaults && !cut.aborted) {
      await arm(db, scenario.faults);
      await runLoad(cluster, scenario, violations, cut);
    }
    if (cut.aborted) return { answers, violations, stats: 'cut short' };
    const sent = withFaults ? [...scenario.probe, ...scenario.load.flat()] : scenario.probe;
    const stats = await settle(db, scenario, withFaults ? scenario.faults : undefined, cluster, violations, beforeFaults, cut, sent);
    return { answers, violations, stats };
  } catch (error) {
    violations.push(`the run failed: ${(error as Error)?.stack ?? String(error)}\n${cluster.output().slice(-4000)}`);
    return { answers: [], violations, stats: 'failed' };
  } finally {
    await db.end();
    await cluster.close();
  }
}

async function arm(db: Client, faults: Scenario['faults']): Promise<void> {
  for (const [kind, list] of [['throw', faults.throws], ['conflict', faults.conflicts], ['slow', faults.slows ?? []]] as const) {
    for (const fault of list) {
      await db.query(`INSERT INTO "${fault.module}".faults (handler, key, kind, remaining) VALUES ($1, $2, $3, $4)`, [fault.handler, fault.key, kind, fault.remaining]);
    }
  }
}

/** The senders at once; the first one kills a host on the way if the scenario says so. */
async function runLoad(cluster: ProbeCluster, scenario: Scenario, violations: string[], cut: AbortSignal): Promise<void> {
  const kill = scenario.faults.kill;
  let killed: Promise<void> | undefined;
  await Promise.all(
    scenario.load.map(async (steps, sender) => {
      for (const [index, step] of steps.entries()) {
        if (cut.aborted) return;
        if (sender === 0 && kill && index === kill.afterSteps) killed = cluster.kill(kill.module, kill.downMs);
        const answer = await send(cluster, step, scenario.placement);
        if (!answer.ok && answer.code.startsWith('untyped')) violations.push(`load: ${describe(step)} failed with an untyped error: ${answer.code}`);
        if (!answer.ok && answer.code === 'seam.remote-failure') violations.push(`load: ${describe(step)} failed unexpectedly on the other side`);
      }
    }),
  );
  if (kill && !killed && !cut.aborted) killed = cluster.kill(kill.module, kill.downMs);
  await killed;
}

interface DeliveryRow {
  id: string;
  position: string;
  attempts: number;
  event_id: string;
  subscriber: string;
  status: string;
  name: string;
  key: string;
  publisher: string;
}

async function deliveries(db: Client, modules: readonly string[]): Promise<DeliveryRow[]> {
  const parts = modules.map(
    (m) => `SELECT d.id, d.position, d.attempts, d.event_id, d.subscriber, d.status, o.name, o.aggregate_id AS key, '${m}' AS publisher
              FROM "${m}".seams_deliveries d JOIN "${m}".seams_outbox o ON o.id = d.event_id`,
  );
  return (await db.query<DeliveryRow>(parts.join(' UNION ALL '))).rows;
}

/**
 * Whether a pending delivery waits behind a parked earlier event of its aggregate (for the same
 * subscriber): never tried since (a held-back delivery is not claimed).
 */
function heldBack(row: DeliveryRow, rows: readonly DeliveryRow[]): boolean {
  return row.status === 'PENDING' && row.attempts === 0 && rows.some((other) => other.status === 'PARKED' && other.publisher === row.publisher && other.subscriber === row.subscriber && other.key === row.key && BigInt(other.position) < BigInt(row.position));
}

/**
 * Polls until no delivery is pending but those held back behind a parked one (a ceiling, not a
 * wait: it returns as soon as that holds).
 */
async function quiet(db: Client, modules: readonly string[], ceilingMs: number, cut: AbortSignal): Promise<DeliveryRow[]> {
  const deadline = Date.now() + ceilingMs;
  for (;;) {
    const rows = await deliveries(db, modules);
    if (!rows.some((row) => row.status === 'PENDING' && !heldBack(row, rows)) || Date.now() > deadline || cut.aborted) return rows;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Waits for the outboxes to drain, checks what was parked, resubmits it as an operator would
 * (faults cleared), waits again, and checks every invariant.
 */
async function settle(
  db: Client,
  scenario: Scenario,
  faults: Scenario['faults'] | undefined,
  cluster: ProbeCluster,
  violations: string[],
  beforeFaults: ReadonlySet<string>,
  cut: AbortSignal,
  sent: readonly Step[],
): Promise<string> {
  const modules = scenario.system.modules.map((m) => m.name);
  let rows = await quiet(db, modules, 60_000, cut);
  if (cut.aborted) return 'cut short';
  const pending = rows.filter((row) => row.status === 'PENDING' && !heldBack(row, rows));
  if (pending.length > 0) violations.push(`${pending.length} deliveries still pending after 60 s, e.g. ${JSON.stringify(pending[0])}`);

  // Parked exactly where a subscriber kept failing on that key.
  const keptFailing = (faults?.throws ?? []).filter((f) => f.remaining === KEPT_FAILING);
  const subscribers = subscribersOf(scenario.system);
  const shouldPark = (row: DeliveryRow) =>
    !beforeFaults.has(row.id) &&
    keptFailing.some((f: Fault) => f.module === row.subscriber && f.key === row.key && subscribers.some((s) => s.module === f.module && s.handler === f.handler && s.event === row.name));
  for (const row of rows) {
    if (row.status === 'PARKED' && !shouldPark(row)) violations.push(`${row.name} ${row.event_id} to ${row.subscriber} was parked, but its subscriber did not keep failing`);
    // (or it waits behind an earlier event of its aggregate that was parked: order holds)
    if (row.status !== 'PARKED' && shouldPark(row) && !heldBack(row, rows)) {
      violations.push(`${row.name} ${row.event_id} to ${row.subscriber} is ${row.status}, but its subscriber kept failing`);
    }
    if (row.status === 'DELIVERED' && rows.some((other) => other !== row && heldBack({ ...row, status: 'PENDING' }, [other]) )) {
      violations.push(`${row.name} ${row.event_id} to ${row.subscriber} was delivered past a parked earlier event of its aggregate`);
    }
  }

  const parked = rows.filter((r) => r.status === 'PARKED').length;
  // The operator fixes the cause and resubmits what was parked.
  for (const m of modules) await db.query(`DELETE FROM "${m}".faults`);
  // Newest first, the worst order an operator could pick: order must hold all the same.
  for (const row of rows.filter((r) => r.status === 'PARKED').sort((a, b) => (BigInt(b.position) > BigInt(a.position) ? 1 : -1))) {
    const status = await cluster.retry(row.publisher, row.id);
    if (status !== 202 && status !== 200) violations.push(`resubmitting parked delivery ${row.id} answered ${status}`);
    // One at a time: each is delivered, or waits behind an earlier parked one, before the next.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const now = await deliveries(db, modules);
      const current = now.find((r) => r.id === row.id);
      if (!current || current.status === 'DELIVERED' || heldBack(current, now) || Date.now() > deadline || cut.aborted) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  rows = await quiet(db, modules, 30_000, cut);
  if (cut.aborted) return 'cut short';
  const undelivered = rows.filter((row) => row.status !== 'DELIVERED');
  if (undelivered.length > 0) violations.push(`${undelivered.length} deliveries not delivered after recovery, e.g. ${JSON.stringify(undelivered[0])}`);

  await checkExactlyOnce(db, scenario, violations);
  await checkLedger(db, scenario, violations);
  await checkInvalidReachedNothing(db, scenario, violations);
  await checkCommandsOnce(db, scenario, sent, violations);
  await checkCounters(db, scenario, cluster, violations);
  return `${new Set(rows.map((r) => r.event_id)).size} events, ${rows.length} deliveries, ${parked} parked and resubmitted`;
}

/** Every committed event handled exactly once by every subscriber of it; in order per aggregate; nothing else handled. */
async function checkExactlyOnce(db: Client, scenario: Scenario, violations: string[]): Promise<void> {
  const modules = scenario.system.modules.map((m) => m.name);
  const events = (
    await db.query<{ id: string; name: string }>(modules.map((m) => `SELECT id, name FROM "${m}".seams_outbox`).join(' UNION ALL '))
  ).rows;
  const subscribers = subscribersOf(scenario.system);
  for (const sub of subscribers) {
    const handled = (
      await db.query<{ event_id: string; key: string; seq: number }>(
        `SELECT event_id, key, seq FROM "${sub.module}".handled WHERE handler = $1 AND event = $2 ORDER BY n`,
        [`${sub.module}/${sub.handler}`, sub.event],
      )
    ).rows;
    const counts = new Map<string, number>();
    for (const row of handled) counts.set(row.event_id, (counts.get(row.event_id) ?? 0) + 1);
    const expected = events.filter((e) => e.name === sub.event);
    const missing = expected.filter((e) => !counts.has(e.id));
    const twice = [...counts].filter(([, n]) => n > 1);
    const unknown = [...counts.keys()].filter((id) => !expected.some((e) => e.id === id));
    const who = `${sub.module}/${sub.handler} (${sub.event})`;
    if (missing.length > 0) violations.push(`${who} never handled ${missing.length} of ${expected.length} events, e.g. ${missing[0].id}`);
    if (twice.length > 0) violations.push(`${who} handled ${twice.length} events more than once, e.g. ${twice[0][0]} ${twice[0][1]} times`);
    if (unknown.length > 0) violations.push(`${who} handled ${unknown.length} events that were never committed`);
    const last = new Map<string, number>();
    for (const row of handled) {
      if ((last.get(row.key) ?? 0) >= row.seq) violations.push(`${who} handled ${row.key}#${row.seq} after #${last.get(row.key)}: out of order`);
      last.set(row.key, Math.max(row.seq, last.get(row.key) ?? 0));
    }
  }
}

/** Each item's version is the number of its change events: no effect without its event, no event without its effect. */
async function checkLedger(db: Client, scenario: Scenario, violations: string[]): Promise<void> {
  for (const { name } of scenario.system.modules) {
    const { rows } = await db.query<{ key: string; version: number | null; events: number }>(
      `SELECT o.key, i.version, o.events FROM
         (SELECT aggregate_id AS key, count(*)::int AS events FROM "${name}".seams_outbox WHERE name = $1 GROUP BY aggregate_id) o
         FULL JOIN "${name}".items i ON i.key = o.key`,
      [`${name}.changed.v1`],
    );
    for (const row of rows) {
      if ((row.version ?? 0) !== (row.events ?? 0)) violations.push(`${name} item ${row.key} is at version ${row.version} but ${row.events} change events were committed`);
    }
  }
}

/** A payload that breaks its contract reaches no handler, in any placement. */
async function checkInvalidReachedNothing(db: Client, scenario: Scenario, violations: string[]): Promise<void> {
  for (const { name } of scenario.system.modules) {
    const { rows } = await db.query<{ message: string; key: string | null }>(
      `SELECT message, key FROM "${name}".calls WHERE key IS NULL OR key !~ '^k[0-9]$|^missing$|-k[0-9]$|-.*-k[0-9]$'`,
    );
    for (const row of rows) violations.push(`an invalid payload reached ${name}'s handler of ${row.message} (key ${JSON.stringify(row.key)})`);
  }
}

/**
 * A command reaches its handler at most once per send (a put is not idempotent, so the seam
 * never retries it, and no transport delivers it twice): a host serving several modules over a
 * broker once ran each command once per module it served.
 */
async function checkCommandsOnce(db: Client, scenario: Scenario, sent: readonly Step[], violations: string[]): Promise<void> {
  for (const { name } of scenario.system.modules) {
    const puts = sent.filter((step) => step.kind === 'put' && step.module === name).length;
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${name}".calls WHERE message = $1`, [`${name}.put.v1`]);
    if (rows[0].n > puts) violations.push(`${name}'s put handler ran ${rows[0].n} times for ${puts} puts sent: a command was handled more than once`);
  }
}

/** `seams_events_handled_total` agrees with the subscribers' tables (on processes that were never killed). */
async function checkCounters(db: Client, scenario: Scenario, cluster: ProbeCluster, violations: string[]): Promise<void> {
  const counts = await cluster.handledCounts();
  for (const module of scenario.system.modules) {
    if (!cluster.intact.has(module.name)) continue;
    for (const { event } of module.subscriptions) {
      const { rows } = await db.query<{ n: number }>(`SELECT count(DISTINCT event_id)::int AS n FROM "${module.name}".handled WHERE event = $1`, [event]);
      const counted = counts.get(`${module.name} ${event}`) ?? 0;
      if (counted !== rows[0].n) violations.push(`seams_events_handled_total{module="${module.name}",message="${event}"} is ${counted}, but ${module.name} handled ${rows[0].n}`);
    }
  }
}


import { cpus } from 'node:os';
import type { EventsScenarioResult } from './events.bench';
import type { HttpResult, HttpSetupResult } from './http.bench';
import type { LocalResult } from './local.bench';
import type { Sample } from './measure';
import type { RemoteResult } from './remote.bench';
import { GROWTH_THRESHOLDS, type SoakMetric, type SoakResult } from './soak.bench';
import type { StartupResult } from './startup.bench';

/** Everything one run of `npm run bench` measured. */
export interface RunResults {
  readonly local?: LocalResult;
  readonly remote?: RemoteResult;
  readonly http?: HttpResult;
  readonly events?: EventsScenarioResult;
  readonly startup?: StartupResult;
  readonly soak?: SoakResult;
}

export interface RunInfo {
  readonly date: string;
  readonly machine: string;
  readonly node: string;
  /** The versions compared against, as installed (`NestJS 12.5.1, Moleculer 0.14.36`). */
  readonly peers?: string;
  readonly database?: string;
  readonly runs: number;
  readonly smoke: boolean;
  readonly command: string;
  readonly wallSeconds: number;
  /** The machine's 1-minute load average when the run started and when it ended (other work shows here). */
  readonly load: { readonly start: number; readonly end: number };
}

export interface Target {
  readonly id: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
  /** The measured ratios (or values) the verdict rests on. */
  readonly values: Readonly<Record<string, number>>;
}

const ratio = (a: Sample, b: Sample) => a.opsPerSecond / b.opsPerSecond;
const x = (n: number) => `${n.toFixed(2)}x`;
const int = (n: number) => Math.round(n).toLocaleString('en-US');
/** A latency: one decimal below 100, whole numbers above. */
const one = (n?: number) => (n === undefined ? '' : n < 100 ? n.toFixed(1) : int(n));
const mib = (n?: number) => (n === undefined ? 'n/a' : `${Math.round(n)} MiB`);
const verdict = (met: boolean) => (met ? '**met**' : '**not met**');

/** Each target of issue 6, judged on this run's figures (only those whose scenario ran). */
export function judge(results: RunResults): Target[] {
  const targets: Target[] = [];
  const { local, remote, http, events, startup } = results;
  if (local) {
    // ADR 0020: judged against a peer that does what the seam does on every local call (a
    // contract check, a time budget, a duration sample); the raw bus and Moleculer's defaults,
    // which do none of it, are shown beside it, not judged.
    const vsBus = ratio(local.seamSend, local.commandBus);
    const vsMoleculer = ratio(local.seamSend, local.moleculer);
    const vsGuarded = ratio(local.seamSend, local.moleculerGuarded);
    targets.push({
      id: 'local',
      target: 'Local seam dispatch (a command, checked, bounded by its deadline and timed) faster than a local Moleculer call that does the same (ADR 0020)',
      measured: `${x(vsGuarded)} Moleculer doing the same (for the record, doing none of it: ${x(vsBus)} the raw CommandBus, ${x(vsMoleculer)} Moleculer's defaults)`,
      met: vsGuarded > 1,
      values: { vsMoleculerGuarded: vsGuarded, vsCommandBus: vsBus, vsMoleculer },
    });
  }
  if (remote) {
    const { tcp, nats } = remote;
    const values: Record<string, number> = {
      tcpSequentialVsRaw: ratio(tcp.seamSequential, tcp.rawSequential),
      tcp100VsRaw: ratio(tcp.seam100, tcp.raw100),
    };
    if (nats) {
      values.natsSequentialVsRaw = ratio(nats.seamSequential, nats.rawSequential);
      values.nats100VsRaw = ratio(nats.seam100, nats.raw100);
    }
    targets.push({
      id: 'remote-raw',
      target: 'Remote seam call at least 0.85x the raw ClientProxy (TCP and NATS, sequential and 100 in flight)',
      measured:
        `TCP ${x(values.tcpSequentialVsRaw)} sequential, ${x(values.tcp100VsRaw)} at 100 in flight` +
        (nats ? `; NATS ${x(values.natsSequentialVsRaw)} sequential, ${x(values.nats100VsRaw)} at 100 in flight` : '; NATS not run'),
      met: Object.values(values).every((v) => v >= 0.85),
      values,
    });
    const vsMoleculer = ratio(tcp.seam100, tcp.moleculer100);
    targets.push({
      id: 'remote-moleculer',
      target: "Remote seam call at least 1.5x Moleculer's TCP transporter at 100 in flight",
      measured: `${x(vsMoleculer)}` + (nats ? ` (over NATS: ${x(ratio(nats.seam100, nats.moleculer100))} Moleculer's NATS transporter)` : ''),
      met: vsMoleculer >= 1.5,
      values: { vsMoleculerTcp100: vsMoleculer, ...(nats && { vsMoleculerNats100: ratio(nats.seam100, nats.moleculer100) }) },
    });
  }
  if (http) {
    const split = http.split.requestsPerSecond / http.local.requestsPerSecond;
    const errors = http.local.errors + http.split.errors;
    targets.push({
      id: 'http',
      target: 'HTTP with inventory and payments remote at least 0.6x the all-local throughput, with 0 errors',
      measured: `${x(split)}; errors: ${http.local.errors} all local, ${http.split.errors} split`,
      met: split >= 0.6 && errors === 0,
      values: { splitVsLocal: split, errors },
    });
  }
  if (events) {
    const { throughput, paced } = events.inProcess;
    const atTarget = paced.find((p) => p.rate === 5000);
    const met = throughput.opsPerSecond >= 5000 && atTarget !== undefined && atTarget.p99Ms < 100;
    targets.push({
      id: 'events',
      target: 'Events in process at least 5,000 a second, with p99 commit-to-handled under 100 ms',
      measured: `${int(throughput.opsPerSecond)} a second flat out; p99 ${one(atTarget?.p99Ms)} ms at 5,000 a second`,
      met,
      values: { eventsPerSecond: throughput.opsPerSecond, p99MsAt5000: atTarget?.p99Ms ?? NaN },
    });
  }
  if (startup) {
    targets.push({
      id: 'startup',
      target: 'Monolith ready (HTTP health answering) in under 1.5 s with the database already running',
      measured: `${int(startup.monolith.readyMs)} ms`,
      met: startup.monolith.readyMs < 1500,
      values: { readyMs: startup.monolith.readyMs },
    });
  }
  return targets;
}

/** RESULTS.md: what was measured, on what, and each target met or not. */
export function render(info: RunInfo, results: RunResults, targets: readonly Target[], findings: string): string {
  const lines: string[] = [
    info.smoke ? '# Benchmarks (smoke run: tiny counts, figures not meaningful)' : '# Benchmarks',
    '',
    `Measured ${info.date} on ${info.machine}, Node ${info.node}` + (info.database ? `, ${info.database}` : '') + '.' + (info.peers ? ` Peers: ${info.peers}.` : ''),
    `Command: \`${info.command}\`; the whole run took ${int(info.wallSeconds)} s; load average ${info.load.start.toFixed(1)} at the start, ` +
      `${info.load.end.toFixed(1)} at the end (the machine has ${cpus().length} cores; other work on it shows here).`,
    '',
    `How to read it: every figure is the median of ${info.runs} run${info.runs === 1 ? '' : 's'} after a warm-up run.`,
    'Every ratio compares two figures measured in turn within the same run, so drift on a shared machine hits both.',
    'A ratio above 1 means the seam (or the split setup) is faster.',
    'The handlers of scenarios 1 and 2 answer at once, so those figures are the cost of the path itself.',
    'Logging is off in every process, and everything runs on this one machine, over loopback.',
    '',
    '## Targets',
    '',
    '| target | measured | |',
    '| --- | --- | --- |',
    ...targets.map((t) => `| ${t.target} | ${t.measured} | ${verdict(t.met)} |`),
    '',
  ];
  if (results.local) lines.push(...localSection(results.local));
  if (results.remote) lines.push(...remoteSection(results.remote));
  if (results.http) lines.push(...httpSection(results.http));
  if (results.events) lines.push(...eventsSection(results.events));
  if (results.startup) lines.push(...startupSection(results.startup, results.http));
  if (results.soak) lines.push(...soakSection(results.soak));
  if (findings) lines.push('## Findings', '', findings.trim(), '');
  return lines.join('\n');
}

function localSection(r: LocalResult): string[] {
  const row = (call: string, s: Sample, baseline?: Sample) =>
    `| ${call} | ${int(s.opsPerSecond)} | ${int(1e9 / s.opsPerSecond)} | ${baseline ? x(ratio(s, baseline)) : ''} |`;
  return [
    '## 1. Local dispatch (in process)',
    '',
    'A command (`bench.reserve.v1`, an order-like payload) sent and its answer awaited, one after the other.',
    '',
    '| call | operations/s | ns per call | vs raw CommandBus |',
    '| --- | ---: | ---: | ---: |',
    row('direct call of the handler (the floor)', r.direct, r.commandBus),
    row('raw `@nestjs/cqrs` CommandBus', r.commandBus, r.commandBus),
    row('**`seam.send` (module in process)**', r.seamSend, r.commandBus),
    row('Moleculer `broker.call` (local service)', r.moleculer, r.commandBus),
    row('Moleculer `broker.call`, validated, timed and bounded as the seam is', r.moleculerGuarded, r.commandBus),
    '',
    `The same as a query: raw QueryBus ${int(r.queryBus.opsPerSecond)}/s, \`seam.ask\` ${int(r.seamAsk.opsPerSecond)}/s (${x(ratio(r.seamAsk, r.queryBus))}).`,
    '',
  ];
}

function remoteSection(r: RemoteResult): string[] {
  const row = (transport: string, mode: string, call: string, s: Sample, raw: Sample, moleculer: Sample) =>
    `| ${transport} | ${mode} | ${call} | ${int(s.opsPerSecond)} | ${int(s.p50Micros ?? NaN)} | ${int(s.p99Micros ?? NaN)} | ${x(ratio(s, raw))} | ${x(ratio(s, moleculer))} |`;
  const { tcp, nats } = r;
  const lines = [
    '## 2. Remote call (another process)',
    '',
    'One command to a server process and its answer; the seam and the raw ClientProxy talk to the same Nest server',
    "process (over TCP, the raw client to a plain Nest TCP server of that process, the seam to the seam's own), Moleculer's",
    'broker to a Moleculer broker in a process of its own. Latency is per call, in microseconds.',
    'The seam sends its TCP messages under an object pattern (routed by the Nest TCP server without a failed',
    '`JSON.parse` per message); the "object pattern" row shows a raw client doing the same.',
    '',
    '| transport | in flight | call | round trips/s | p50 µs | p99 µs | vs raw ClientProxy | vs Moleculer |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |',
    row('TCP', '1', 'raw ClientProxy.send', tcp.rawSequential, tcp.rawSequential, tcp.moleculerSequential),
    row('TCP', '1', '**seam.send**', tcp.seamSequential, tcp.rawSequential, tcp.moleculerSequential),
    row('TCP', '1', 'Moleculer broker.call', tcp.moleculerSequential, tcp.rawSequential, tcp.moleculerSequential),
    row('TCP', '100', 'raw ClientProxy.send', tcp.raw100, tcp.raw100, tcp.moleculer100),
    row('TCP', '100', 'raw ClientProxy.send, object pattern', tcp.rawObject100, tcp.raw100, tcp.moleculer100),
    row('TCP', '100', '**seam.send**', tcp.seam100, tcp.raw100, tcp.moleculer100),
    row('TCP', '100', 'seam.ask (a query: retries on top)', tcp.seamQuery100, tcp.raw100, tcp.moleculer100),
    row('TCP', '100', 'Moleculer broker.call', tcp.moleculer100, tcp.raw100, tcp.moleculer100),
  ];
  if (nats) {
    lines.push(
      row('NATS', '1', 'raw ClientProxy.send', nats.rawSequential, nats.rawSequential, nats.moleculerSequential),
      row('NATS', '1', '**seam.send**', nats.seamSequential, nats.rawSequential, nats.moleculerSequential),
      row('NATS', '1', 'Moleculer broker.call', nats.moleculerSequential, nats.rawSequential, nats.moleculerSequential),
      row('NATS', '100', 'raw ClientProxy.send', nats.raw100, nats.raw100, nats.moleculer100),
      row('NATS', '100', '**seam.send**', nats.seam100, nats.raw100, nats.moleculer100),
      row('NATS', '100', 'Moleculer broker.call', nats.moleculer100, nats.raw100, nats.moleculer100),
    );
  } else {
    lines.push('', 'NATS: not run (no server on 127.0.0.1:4222).');
  }
  lines.push('');
  return lines;
}

function httpSection(r: HttpResult): string[] {
  const row = (s: HttpSetupResult) =>
    `| ${s.label} | ${int(s.requestsPerSecond)} | ${int(s.p50Ms)} | ${int(s.p99Ms)} | ${s.errors} of ${int(s.requests)} | ` +
    `${s.deadlocks} | ${s.parked} | ${x(s.requestsPerSecond / r.local.requestsPerSecond)} |`;
  const codes = (s: HttpSetupResult) =>
    Object.entries(s.statusCodes)
      .map(([code, n]) => `${int(n)} × ${code}`)
      .join(', ');
  return [
    '## 3. HTTP end to end: `POST /v1/orders`',
    '',
    `autocannon, ${r.connections} connections, ${r.seconds} s per run, against real processes of the app as \`npm start\` runs it`,
    '(`src/main.ts` built as `npm run build` does; `--module inventory` / `--module payments` for the hosts, over TCP), each setup on a',
    'database of its own with the same seed: 1,000 products with ample stock; each order has two lines of one unit',
    '(total 200 minor units, so payments never decline). Every answer but a 201 counts as an error, 4xx included, since',
    'every order is valid and can be served. Between runs the outboxes are drained (payment, confirmation and stock',
    'settlement follow each 201 in the background; that work runs during the load too).',
    '',
    '| setup | requests/s | p50 ms | p99 ms | errors | deadlocks (PostgreSQL) | parked events | vs all local |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    row(r.local),
    row(r.split),
    '',
    `Answers: all local ${codes(r.local)}; split ${codes(r.split)} (warm-up included).`,
    '',
  ];
}

function eventsSection(r: EventsScenarioResult): string[] {
  const rows: string[] = [];
  for (const [label, result] of [
    ['in process', r.inProcess],
    ['across TCP (subscriber in another process)', r.acrossTcp],
  ] as const) {
    rows.push(`| ${label} | flat out: events/s, first commit to last handled | ${int(result.throughput.opsPerSecond)} | | |`);
    for (const paced of result.paced) {
      rows.push(`| ${label} | at a steady ${int(paced.rate)}/s: commit to handled | | ${one(paced.p50Ms)} | ${one(paced.p99Ms)} |`);
    }
  }
  return [
    '## 4. Events: outbox → relay → subscriber',
    '',
    'Publishers commit events (10 per transaction) into the outbox; the relay (default settings, LISTEN/NOTIFY) delivers',
    'them; the subscriber writes its effect and its inbox record in one transaction, as real ones do.',
    '',
    '| setup | measure | events/s | p50 ms | p99 ms |',
    '| --- | --- | ---: | ---: | ---: |',
    ...rows,
    '',
  ];
}

function startupSection(r: StartupResult, http?: HttpResult): string[] {
  const peak = (s?: HttpSetupResult, name = 'monolith') => mib(s?.rss[name]?.peak);
  return [
    '## 5. Start-up and memory',
    '',
    'From spawning `node <build>/src/main.js` to the first 200 from `GET /health`, with PostgreSQL already running and the',
    'schemas already migrated; RSS after 1.5 s at rest. The first start on a fresh database (migrations) is shown apart.',
    '',
    '| process | ready (ms) | runs (ms) | first start, fresh database (ms) | RSS at rest | RSS under scenario 3 (peak) |',
    '| --- | ---: | --- | ---: | ---: | ---: |',
    `| monolith | ${int(r.monolith.readyMs)} | ${r.monolith.readyMsRuns.map(int).join(', ')} | ${int(r.monolith.firstStartMs)} | ` +
      `${mib(r.monolith.idleRssMiB)} | ${http ? `${peak(http.local)} all local; ${peak(http.split)} split` : 'not run'} |`,
    `| module host (inventory) | ${int(r.moduleHost.readyMs)} | ${r.moduleHost.readyMsRuns.map(int).join(', ')} | ` +
      `${int(r.moduleHost.firstStartMs)} | ${mib(r.moduleHost.idleRssMiB)} | ` +
      `${http ? `${peak(http.split, 'inventory')} (payments host ${peak(http.split, 'payments')})` : 'not run'} |`,
    '',
  ];
}

const SOAK_ROWS: readonly [SoakMetric, string][] = [
  ['rssMiB', 'RSS (MiB), at rest'],
  ['heapUsedMiB', 'heap used (MiB), at rest'],
  ['activeResources', 'active resources (handles, sockets, timers), at rest'],
  ['eventLoopP50Ms', 'event-loop delay p50 (ms), under load'],
  ['eventLoopP99Ms', 'event-loop delay p99 (ms), under load'],
];

/** The soak section (scenario 6): each process's readings at the start and the end, and what grew. */
export function soakSection(r: SoakResult): string[] {
  const total = Object.values(r.errors).reduce((sum, n) => sum + n, 0);
  const lines = [
    '## 6. Soak',
    '',
    `${int(r.seconds)} s of steady mixed load (${r.rate} requests/s, after a ${int(r.warmUpSeconds)} s warm-up) against the built app, inventory in a module host`,
    `of its own over TCP: ${Object.entries(r.byKind).map(([kind, n]) => `${int(n)} ${kind}`).join(', ')}; ${int(r.requests)} requests in all, ${int(total)} failed or not 2xx` +
      `${total ? ` (${Object.entries(r.errors).map(([kind, n]) => `${kind}: ${int(n)}`).join('; ')})` : ''}, ${int(r.skipped)} skipped (more than 32 in flight), ${int(r.parked)} event deliveries parked at the end.`,
    'At rest: load paused and the outboxes drained, median of three scrapes of `GET /metrics`. Event-loop delay: `monitorEventLoopDelay`',
    '(prom-client\'s `nodejs_eventloop_lag_p50/p99_seconds`), medians of the scrapes in the first and the last minute of load; it samples every',
    '20 ms and each reading includes that interval, so about 20 ms means no delay.',
    `Grew means above the start by more than ${SOAK_ROWS.map(([metric]) => `${GROWTH_THRESHOLDS[metric].absolute}${GROWTH_THRESHOLDS[metric].unit ? ` ${GROWTH_THRESHOLDS[metric].unit}` : ''} and ${GROWTH_THRESHOLDS[metric].relative * 100}%`).join(' / ')} (the noise threshold, in the order of the rows).`,
    '',
    '| process | reading | start | end | grew |',
    '| --- | --- | ---: | ---: | --- |',
  ];
  for (const [name, p] of Object.entries(r.processes)) {
    for (const [metric, label] of SOAK_ROWS) {
      lines.push(`| ${name} | ${label} | ${one(p.start[metric])} | ${one(p.end[metric])} | ${p.grew.includes(metric) ? '**yes**' : 'no'} |`);
    }
  }
  lines.push('');
  return lines;
}

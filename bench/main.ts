import 'reflect-metadata';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { events } from './events.bench';
import { FINDINGS } from './findings';
import { http } from './http.bench';
import { local } from './local.bench';
import { remote } from './remote.bench';
import { judge, render, type RunInfo, type RunResults, soakSection } from './report';
import { soak } from './soak.bench';
import { startup } from './startup.bench';
import { FULL, type PgServer, type Profile, ROOT, SMOKE, startPgServer } from './support';

/**
 * `npm run bench [-- <scenario>...] [--smoke]`
 *
 *   local    1. local dispatch: seam.send in process vs a direct call, the raw CommandBus, Moleculer
 *   remote   2. remote call over TCP and NATS vs the raw ClientProxy and Moleculer's transporters
 *   http     3. POST /v1/orders under load: all modules local vs inventory and payments remote
 *   events   4. outbox relay throughput and commit-to-handled latency, in process and across TCP
 *   startup  5. time to ready and memory at rest, monolith and module host
 *   soak     6. ten minutes of mixed load (SOAK_MS or --soak-ms=N), inventory remote: did memory, handles or event-loop delay grow?
 *            Only when named (or in --smoke); its section is also written into bench/RESULTS.md.
 *
 * No scenario named: all of them, written to bench/RESULTS.md and bench/results.json. Some
 * named: those, written to bench/RESULTS-<names>.md (not committed). `--smoke`: every scenario
 * (or those named) with tiny counts and one run, written to bench/RESULTS-smoke.md; it judges
 * nothing, it proves the benchmark still runs (CI runs it).
 *
 * PostgreSQL (http, events, startup): DATABASE_URL's server, or an embedded one in
 * .data/postgres-bench. NATS (remote): the server on 127.0.0.1:4222, skipped with a warning
 * when it is not there (a failure under CI=true).
 *
 * Profiles: `NODE_OPTIONS='--cpu-prof --cpu-prof-dir=/tmp/prof' npm run bench -- <scenario>`
 * (every process the run starts inherits it). What the profiles showed: findings.ts.
 */
const SCENARIOS = ['local', 'remote', 'http', 'events', 'startup', 'soak'] as const;
/** Run only when named (or in the smoke run): ten minutes. */
const ON_REQUEST: readonly Scenario[] = ['soak'];
type Scenario = (typeof SCENARIOS)[number];
const NEEDS_DATABASE: readonly Scenario[] = ['http', 'events', 'startup', 'soak'];
/**
 * Scenarios that run the shop (orders placed over HTTP, inventory in a module host): after
 * `module:remove` of the shop they are left out of a run with one line saying so, or refused in
 * one line when named. The others (local, remote, events) measure the kernel on modules of
 * their own (bench/probe.ts, bench/events-probe.ts).
 */
const SHOP_SCENARIOS: readonly Scenario[] = ['http', 'startup', 'soak'];
const SHOP_MODULES = ['catalog', 'inventory', 'ordering', 'payments'];

async function main(): Promise<void> {
  const started = performance.now();
  const loadAtStart = loadavg()[0];
  const args = process.argv.slice(2);
  const smoke = args.includes('--smoke');
  const named = args.filter((arg) => arg !== '--smoke' && !arg.startsWith('--soak-ms='));
  const unknown = named.filter((arg) => !(SCENARIOS as readonly string[]).includes(arg));
  if (unknown.length > 0) throw new Error(`Unknown scenario ${unknown.join(', ')}; the scenarios are ${SCENARIOS.join(', ')} (and --smoke)`);
  const wanted = SCENARIOS.filter((scenario) => (named.length === 0 ? smoke || !ON_REQUEST.includes(scenario) : named.includes(scenario)));
  const missing = SHOP_MODULES.filter((module) => !existsSync(join(ROOT, 'modules', module)));
  const chosen = missing.length === 0 ? wanted : wanted.filter((scenario) => !SHOP_SCENARIOS.includes(scenario));
  const left = wanted.filter((scenario) => !chosen.includes(scenario));
  if (left.length > 0) {
    const why = `${left.join(', ')} measure${left.length === 1 ? 's' : ''} the shop, and modules/${missing.join(', modules/')} ${missing.length === 1 ? 'is' : 'are'} not here (module:remove)`;
    if (named.length > 0) throw new Error(`bench: ${why}`);
    console.error(`== skipped: ${why}`);
  }
  const profile: Profile = smoke ? SMOKE : FULL;

  const server = chosen.some((s) => NEEDS_DATABASE.includes(s)) ? await startPgServer() : undefined;
  const results: { -readonly [K in keyof RunResults]: RunResults[K] } = {};
  try {
    for (const scenario of chosen) {
      const t0 = performance.now();
      console.error(`== ${scenario}${smoke ? ' (smoke)' : ''}`);
      await run(scenario, profile, server, results);
      console.error(`   ${scenario} took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    await server?.stop();
  }

  const targets = judge(results);
  const command = `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`;
  const info = {
    date: new Date().toISOString(),
    machine: `${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), ${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    peers: ['@nestjs/core', '@nestjs/microservices', 'moleculer'].map((name) => `${name} ${installedVersion(name)}`).join(', '),
    database: server?.description,
    runs: profile.runs,
    smoke,
    command,
    wallSeconds: (performance.now() - started) / 1000,
    load: { start: loadAtStart, end: loadavg()[0] },
  };
  const markdown = render(info, results, smoke ? [] : targets, smoke || named.length > 0 ? '' : FINDINGS);
  const suffix = smoke ? '-smoke' : named.length > 0 ? `-${chosen.join('-')}` : '';
  const dir = join(ROOT, 'bench');
  writeFileSync(join(dir, `RESULTS${suffix}.md`), markdown);
  writeFileSync(join(dir, `results${suffix}.json`), JSON.stringify({ ...info, targets, results }, null, 2) + '\n');
  if (results.soak && !smoke) spliceSoakSection(join(dir, 'RESULTS.md'), soakSection(results.soak), info);
  console.log(markdown);
  if (smoke) checkSmoke(results);
}

/** The version of a package as installed at the root (what the run measured against). */
function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

async function run(scenario: Scenario, profile: Profile, server: PgServer | undefined, results: { -readonly [K in keyof RunResults]: RunResults[K] }) {
  switch (scenario) {
    case 'local':
      results.local = await local(profile);
      return;
    case 'remote':
      results.remote = await remote(profile);
      return;
    case 'http':
      results.http = await http(profile, server!);
      return;
    case 'events':
      results.events = await events(profile, server!);
      return;
    case 'startup':
      results.startup = await startup(profile, server!);
      return;
    case 'soak':
      results.soak = await soak(profile, server!);
      return;
  }
}

/**
 * The smoke run judges no figure, but it fails when the benchmark itself has rotted: when an
 * order it sends is refused (a 4xx: the request or the seed no longer fits the API) or no
 * order at all succeeds. Server errors (5xx) are the app's, reported in the table.
 */
function checkSmoke(results: RunResults): void {
  for (const setup of results.http ? [results.http.local, results.http.split] : []) {
    const refused = Object.entries(setup.statusCodes).filter(([code]) => code.startsWith('4'));
    if (refused.length > 0 || !setup.statusCodes['201']) {
      throw new Error(`smoke: POST /v1/orders (${setup.label}) answered ${JSON.stringify(setup.statusCodes)}`);
    }
  }
}

/**
 * The soak is run on its own (ten minutes), so its section goes into RESULTS.md in place of the
 * one there (or at the end), with a line saying when and how it was measured; the other
 * sections stay as the last full run wrote them.
 */
function spliceSoakSection(file: string, section: string[], info: RunInfo): void {
  const measured = `Measured ${info.date} on ${info.machine}, Node ${info.node}; \`${info.command}\`; load average ${info.load.start.toFixed(1)} at the start, ${info.load.end.toFixed(1)} at the end.`;
  const block = [section[0], '', measured, ...section.slice(1)].join('\n');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = text.indexOf(section[0]);
  if (start < 0) {
    const findings = text.indexOf('## Findings');
    writeFileSync(file, findings < 0 ? `${text.trimEnd()}\n\n${block}` : `${text.slice(0, findings)}${block}\n${text.slice(findings)}`);
    return;
  }
  const next = text.indexOf('\n## ', start + section[0].length);
  writeFileSync(file, `${text.slice(0, start)}${block}${next < 0 ? '' : text.slice(next)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

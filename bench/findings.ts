/**
 * What the profiles showed where a target is missed. Written by hand after profiling; a full
 * run prints it below its figures. The figures quoted here come from the experiments described
 * (2026-11-24, this machine, Node 20.20), not from the run above: each "before/after" is an
 * interleaved A/B of the same build, where "after" is a copy of the build with one change
 * patched in. The benchmark changes nothing in src/.
 *
 * To profile a scenario: `NODE_OPTIONS='--cpu-prof --cpu-prof-dir=/tmp/prof' npm run bench -- remote`
 * writes one .cpuprofile per process (the bench, its server processes, the app processes).
 */
export const FINDINGS = `
### 1. Local dispatch: a promise per call for the metrics

The in-process path of \`RoutingSeam.send\` / \`ask\` (src/kernel/seam/routing-seam.ts) now runs through
\`SeamObserver.observe\` (src/kernel/observability/seam-observer.ts): two \`performance.now()\` calls, two closures
and a \`.then()\`, which adds a promise and a microtask to every call. Profile of 300,000 sends: \`now\` alone 6.7%
self, \`observe\` 20% inclusive, against 12.6% for the CommandBus's own \`execute\`. A/B, 300,000 sends per round,
two rounds each: as built 2.1 to 2.4 million/s; with \`send\` calling the CommandBus directly 4.9 to 5.3 million/s
(the raw bus: 5.6 million/s); with the leanest timing possible (one \`.then\`, two clock reads, the histogram sample)
2.7 million/s. So the histogram is cheap, the promise hop is not. **Recommended:** count local calls synchronously
(per route and outcome of the synchronous part) and time only one call in N (say 16), or only while tracing is on.
Expected: about 0.9x the CommandBus, so both parts of the target.

### 2. Remote call against the raw ClientProxy

Focused runs of 120,000 calls at 100 in flight over TCP, CPU per round trip: the seam's client about 21 µs against
7.5 µs for the raw client, its server about 25 µs against 17.5 µs. Client profile: garbage collection 13.5% (3.8% for
the raw client), cockatiel's circuit breaker and bulkhead 7% (\`ModulePolicy.execute\`, several promises per call),
\`attempt\`/\`send\` in src/kernel/seam/remote-modules.ts 7%; the service credential is awaited per message even when
cached, and the envelope is copied to add it (\`{ ...envelope, service }\`). Server profile: \`AsyncLocalStorage.run\`
(\`RequestContexts.run\`, src/kernel/seam/request-context.ts) turns on Node 20's async hooks for every promise of
the process: \`promiseInitHook\`, \`callbackTrampoline\` and \`emitInit\` together about 15% (the raw server never
enters a context, so it does not pay this); then the observer, \`principalOf\` 2.4%, schema validation 1.6%.
**Recommended:** build the envelope once with the credential (a synchronous getter for the cached credential); a
counter-based breaker and bulkhead on the hot path instead of cockatiel's promise chain; measure again on Node 22/24
(the Docker image runs 24, whose AsyncLocalStorage does not use async hooks) before reworking the context.

### 3. Remote call against Moleculer (target 1.5x at 100 in flight)

On this machine Moleculer's TCP transporter is itself faster than the raw Nest TCP ClientProxy (see the "vs raw
ClientProxy" column of its rows; DESIGN.md expected about 0.8x), and its NATS transporter about 2x Nest's raw NATS
client on the same nats-server. The seam rides on the Nest transport, so 1.5x Moleculer would need it well above
the raw transport itself: not reachable by trimming the seam's own work (item 2). One transport cost is clear in every
TCP profile: Nest's \`JsonSocket\` writes each message with its own \`socket.write\` (\`writeUtf8String\` 8 to 12% self
on each side). Prototype: cork the socket in \`handleSend\` and uncork on \`process.nextTick\` (a preload patching
\`JsonSocket.prototype.handleSend\` in client and server): raw TCP at 100 in flight 36k-39k/s before, 45k-54k/s after
(+25 to 35%); the seam about 21k/s before, 23.5k/s after (+10%; its own work dominates). **Recommended:** a
\`socketClass\` (a \`JsonSocket\` subclass that corks per tick) in \`clientOptions\` and \`serverOptions\`
(src/kernel/seam/transport.ts); Nest's TCP transport takes it on both sides. Even with items 2 and 3 done, 1.5x
Moleculer needs a transport of the seam's own (length-prefixed frames, batched writes, no rxjs Observable per call and
no Nest RPC pipeline per message on the server): a design decision, so the target is reported as not met.

### 4. HTTP: deadlocks between the relay's batches and stock reservations

PostgreSQL detects deadlocks in the all-local setup and none in the split one (see the deadlocks column); on earlier
runs one of them reached a customer as a 500 ("deadlock detected" in \`StockRepository.lock\` under
\`ReserveStockHandler\`). Cause: the relay hands up to 20 \`ordering.order-confirmed.v1\` events to inventory in one
transaction (\`OutboxRelay.deliverBatch\` → \`ModuleDatabase.batch\`). Each settlement locks its own skus in sku
order, but the batch as a whole locks them in event order, so it can hold sku B and wait for A while a reservation
holds A and waits for B. PostgreSQL breaks each cycle only after \`deadlock_timeout\` (1 s), which is the all-local
p99 of about a second; when the victim is the batch, the relay hands its events over one by one (nothing is lost);
when it is the reservation, the customer gets a 500. Across a seam events arrive one per message (no batches), which
is why the split setup has none, and why it shows about the same throughput as the all-local one here. With 50
products instead of 1,000 (hotter rows), runs of 3 and 8 s fell to between 11 and 100 requests/s, most with 500s.
**Recommended:**
retry a transaction that fails with SQLSTATE 40P01 or 40001 in \`ModuleDatabase.transaction\`
(src/kernel/persistence/module-database.ts) when it is not joined to a batch (a failed reservation took no effect);
and in \`ModuleDatabase.batch\`, \`SET LOCAL lock_timeout\` to about 100 ms, so a batch that meets a locked row gives
up at once and falls back to one by one instead of holding other rows for a second.

### 5. Events: the relay waits on round trips

During the in-process run Node used about 35% of a core and PostgreSQL about 83%, with 25 to 35% of the two cores
idle: bound by round trips, not CPU (the Node profile is 55 to 68% idle, and writes to PostgreSQL's socket are 15
to 21% of it). Each module's relay runs its rounds strictly one after the other (claim up to
\`SEAMS_RELAY_BATCH\` → deliver in units of 20 → mark done → claim again). A/B, in process, two runs each: defaults
2.9k/s flat out and p99 1.45 s at 5,000/s (the backlog); \`SEAMS_RELAY_BATCH=500\` 4.2k/s; \`SEAMS_RELAY_BATCH=400\`
with \`SEAMS_RELAY_CONCURRENCY=32\` 4.7k/s and p99 426 ms at 5,000/s. **Recommended:** raise the default batch
(src/kernel/messaging/relay-settings.ts) and overlap rounds in \`OutboxRelay.drain\` (claim the next round while the
current one is delivered). At 1,000 a second the relay keeps up with a p99 of a few milliseconds.

### 6. Start-up: OpenTelemetry is loaded even when tracing is off

About 70% of the monolith's start-up CPU is loading modules. src/kernel/observability/tracing.ts imports the
OpenTelemetry SDK, the OTLP exporter and the HTTP and pg instrumentations at the top, so every start loads them
(about 300 ms of a 2 s profile taken on the loaded machine) although tracing is off unless an endpoint is set. A/B
with those four required inside \`startTracing\` only when it starts the SDK: median time to ready 1,676 ms before,
1,471 ms after (10 starts each, interleaved). **Recommended:** that lazy require.
`;

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
Items 2, 4, 5 and 6 led to changes in src/ (commit d849cca, by the kernel's maintainers, from these profiles). Their
"before" figures come from full runs of this benchmark just before that commit; "after" means the run above.

### 1. Local dispatch (not met): a promise per call for the metrics

The in-process path of \`RoutingSeam.send\` / \`ask\` (src/kernel/seam/routing-seam.ts) runs through
\`SeamObserver.observe\` (src/kernel/observability/seam-observer.ts): two \`performance.now()\` calls, two closures
and a \`.then()\`, which adds a promise and a microtask to every call. Profile of 300,000 sends: \`now\` alone 6.7%
self, \`observe\` 20% inclusive, against 12.6% for the CommandBus's own \`execute\`. A/B, two rounds of 300,000 sends
each, twice: as built 1.5 to 2.4 million/s; with \`send\` calling the CommandBus directly 3.8 to 5.3 million/s (the
raw bus 3.6 to 5.8 million/s in the same rounds); with the leanest timing possible (one \`.then\`, two clock reads, the
histogram sample) 1.3 to 2.7 million/s. So the histogram is cheap and the promise hop is not. **Recommended:** count
local calls without waiting for them, and time only one call in N (say 16), or only while tracing is on. Expected:
about 0.9x the CommandBus, which meets both parts of the target.

### 2. Remote call against the raw ClientProxy (not met on TCP)

Focused runs, 120,000 calls at 100 in flight over TCP, CPU per round trip (module loading left out): the seam's
client 22.7 µs against 11.2 µs for the raw client, its server 25.5 µs against 18.9 µs. Client profile: garbage
collection 13.8% (3.4% for the raw client); the observer 6.9%; cockatiel's circuit breaker and bulkhead about 7%
(\`ModulePolicy.execute\`, a chain of promises per call); the envelope copied to add the credential
(\`{ ...envelope, service }\`, src/kernel/seam/remote-modules.ts). Server profile: \`AsyncLocalStorage.run\`
(\`RequestContexts.run\`, src/kernel/seam/request-context.ts) turns on Node 20's async hooks for every promise of the
process: \`callbackTrampoline\`, \`promiseInitHook\` and \`emitInitScript\` together 15 to 19% (the raw server never
enters a context, so it does not pay this); then the observer about 7%, \`principalOf\` and schema validation about 2%
each. Already done: the cached credential is taken without an \`await\` per message (d849cca). **Recommended:** put the
credential in the envelope when it is built instead of copying it; a counter-based breaker and bulkhead on the hot
path instead of cockatiel's promise chain; measure again on Node 22 and 24 (the Docker image runs 24, whose
AsyncLocalStorage does not use async hooks) before reworking the request context. Over NATS the seam comes closer to
the raw client (0.85x to 1.05x across runs): the broker's longer round trip hides more of the same costs.

### 3. Remote call against Moleculer (not met: 1.5x at 100 in flight)

On this machine Moleculer's TCP transporter is itself faster than the raw Nest TCP ClientProxy (see the "vs raw
ClientProxy" column of its rows; DESIGN.md expected about 0.8x), and its NATS transporter 2 to 2.5x Nest's raw NATS
client on the same nats-server. The seam rides on the Nest transport, so 1.5x Moleculer would need it far above the
raw transport itself: not reachable by trimming the seam's own work (item 2). One transport cost shows in every TCP
profile: Nest's \`JsonSocket\` writes each message with its own \`socket.write\` (\`writeUtf8String\` 8 to 13% self on
each side). Prototype (a preload patching \`JsonSocket.prototype.handleSend\` in client and server to cork the socket
and uncork it on \`process.nextTick\`), interleaved runs at 100 in flight: raw TCP 36k-39k/s before, 45k-54k/s after
(+25 to 35%); the seam about 21k/s before, 23.5k/s after (+10%; its own work dominates). **Recommended:** a
\`socketClass\` (a \`JsonSocket\` subclass that corks per tick) in \`clientOptions\` and \`serverOptions\`
(src/kernel/seam/transport.ts); Nest's TCP transport takes it on both sides. Even with items 2 and 3 done, 1.5x
Moleculer needs a transport of the seam's own (length-prefixed frames, batched writes, no rxjs Observable per call,
no Nest RPC pipeline per message on the server): a design decision, so this target is reported as not met.

### 4. HTTP (met): deadlocks between the relay's batches and stock reservations

Before: PostgreSQL detected 41 to 50 deadlocks per run in the all-local setup (none in the split one), all-local p99
1.1 s, and one run had a 500 ("deadlock detected" in \`StockRepository.lock\` under \`ReserveStockHandler\`); the
split setup then showed 0.99x the all-local throughput, because the all-local one kept stalling. Cause: the relay
hands up to 20 \`ordering.order-confirmed.v1\` events to inventory in one transaction (\`OutboxRelay.deliverBatch\` →
\`ModuleDatabase.batch\`); each settlement locks its skus in sku order, but the batch as a whole locks them in event
order, so it could hold sku B and wait for A while a reservation held A and waited for B, until PostgreSQL broke
the cycle after \`deadlock_timeout\` (1 s), sometimes by failing the reservation. Across a seam events arrive one per
message (no batches), hence none in the split setup. With 50 products instead of 1,000 (hotter rows), runs fell to
between 11 and 100 requests/s, most with 500s. Changed (d849cca): a batch sets \`lock_timeout\` to 100 ms and gives way
(the relay then hands its events over one by one), and a transaction rolled back by a deadlock or a serialization
conflict runs again (\`ModuleDatabase.transaction\`). After: no deadlock, no error, all-local p99 well under a second,
and the split setup at the ratio shown above.

### 5. Events (not met): the relay waits on round trips

During the in-process run Node used about 35% of a core and PostgreSQL about 83%, with 25 to 35% of the two cores
idle: bound by round trips, not CPU (the Node profile is 55 to 68% idle, and writes to PostgreSQL's socket are 15 to
21% of it). Each module's relay runs its rounds strictly one after the other (claim up to \`SEAMS_RELAY_BATCH\` →
deliver in units of 20 → mark done → claim again). A/B, in process, two runs each: batch 100 (the default then) 2.9k/s
flat out and p99 1.45 s at 5,000/s (the backlog); batch 500 4.2k/s; batch 400 with \`SEAMS_RELAY_CONCURRENCY=32\`
4.7k/s and p99 426 ms at 5,000/s. Changed (d849cca): the default batch is now 400; the run above uses it (full runs
before: 4,540/s on a quiet machine, 2,800 to 3,000/s on a busy one; focused runs after: 4,000 to 4,500/s). Above
the relay's rate, the latency at a steady 5,000/s is the age of a growing backlog, so it swings widely from run to run
(0.5 to 9 s seen). **Recommended next:** overlap rounds in \`OutboxRelay.drain\` (claim the next round while the
current one is delivered). At 1,000 a second the relay keeps up, with a p99 of a few tens of milliseconds at most.

### 6. Start-up (met): OpenTelemetry was loaded even with tracing off

About 70% of the monolith's start-up CPU is loading modules. src/kernel/observability/tracing.ts imported the
OpenTelemetry SDK, the OTLP exporter and the HTTP and pg instrumentations at the top, so every start loaded them
(about 300 ms of a 2 s profile on the busy machine) although tracing is off unless an endpoint is set. A/B with those
four required inside \`startTracing\` only: median time to ready 1,676 ms before, 1,471 ms after (10 starts each,
interleaved, busy machine). Changed (d849cca): they are now loaded only when tracing starts. Start-up times move with
the machine's load more than with this change (1.0 to 1.3 s in full runs on either side of it).
`;

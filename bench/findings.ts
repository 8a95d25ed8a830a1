/**
 * What the profiles showed where a target is missed. Written by hand after profiling; a full
 * run prints it below its figures. The figures quoted here come from the experiments described
 * (2026-11-24, this machine, Node 20.20), not from the run above: each "before/after" is either an
 * interleaved A/B of the same build (one change patched in or out) or two runs of
 * `npm run bench -- <scenario>` on either side of a commit, as each item says. The benchmark
 * itself changes nothing in src/.
 *
 * To profile a scenario: `NODE_OPTIONS='--cpu-prof --cpu-prof-dir=/tmp/prof' npm run bench -- remote`
 * writes one .cpuprofile per process (the bench, its server processes, the app processes).
 */
export const FINDINGS = `
Items 1, 2, 4, 5 and 6 led to changes in src/: items 4 to 6 first in commit d849cca, then items 1, 2 and 5 in the commits of the
evening of 2026-11-24 (see [ADR 0013](../docs/adr/0013-seam-hot-path.md)). "Before" and "after" figures are runs on
either side of a change on the same machine; "the run above" is this file's own run.

### 1. Local dispatch: the bus's lookup, a promise per call, then a check and a deadline (judged like for like since ADR 0020)

Since [ADR 0020](../docs/adr/0020-local-dispatch-judged-like-for-like.md) the local target compares \`seam.send\` with a
local Moleculer call that does the same work (validation, a request timeout, metrics); the raw CommandBus ratio is
shown for the record. The ADR gives the CPU time of each part the seam adds (Node 22 and 24). What follows is the
history.

Since issue 14 every local call is also checked against its contract and bounded by its deadline, and the local row
fell to 0.15x (queries 0.26x). Changed (2026-11-28, [ADR 0017](../docs/adr/0017-compiled-validation.md)): a check compiled
from each Zod schema (Zod only for a payload it refuses), the deadline and the observer's timing in one promise, and a
deadline ring that settled calls leave at once (the old array kept every settled call's promise for up to 20 ms: 25% of
the profile was garbage collection). \`npm run bench -- local\` on a loaded machine: 0.30x commands, 0.51x queries.
What is left (CPU time, parts taken out one at a time, promise hooks on): the handler 270 ns, the observer's timing
and promise 500 ns, the deadline's promise 300 to 500 ns, the request-context run 200 ns, the compiled check 100 to 300
ns, against the bus's 450 to 520 ns. The request-context run turns on Node 20's promise hooks, and the 0.82x below was
measured with them off; with them on, the path below alone is about 0.5x. The history before issue 14:


The in-process path of \`RoutingSeam.send\` / \`ask\` went through \`CommandBus.execute\`, which reads the message's
reflect metadata, finds the handler and publishes the message to the bus's stream on every call, and then through
\`SeamObserver.observe\`, which adds a promise. Profile of 300,000 sends: \`observe\` 20% inclusive, the bus's own
\`execute\` 12.6%. A/B in one process (500,000 sends, five rounds): the bus alone 7.9 million/s; the bus plus the
leanest observation (one \`.then\`, two clock reads) 0.49x of it; the handler called directly plus the same
observation 0.88x. So the observation costs about what the bus's lookup does, and the seam, which already knows the
class of each message it routes, can skip the lookup. Changed (aaaa2a2): the seam takes each class's handler function
from the bus once (\`LocalHandlers\`, packages/kernel/src/seam/local-handlers.ts) and calls it directly, observed with one
\`.then\`; the message still goes to the bus's stream when anyone watches it, and request-scoped handlers keep their
resolution per message (test/seam/local-dispatch.spec.ts). \`npm run bench -- local\`, quiet machine: before 0.46x
the CommandBus (3.66 vs 7.91 million/s), after 0.82x (6.51 vs 7.90 million/s); 0.80x to 0.87x in later runs, a thin
margin. What is left is mostly the clock: a \`performance.now()\` (or \`Date.now()\`, or \`process.hrtime.bigint()\`)
costs about 42 ns on this machine (10 million calls in a loop), and timing a call takes two, about 85 of its 150 ns.
Timing only some local calls would meet the target with room, but the histogram would then count only those; that
trade was not made. \`seam.ask\` is now faster than the raw QueryBus, whose \`execute\` awaits the handler once more.

### 2. Remote call against the raw ClientProxy (met at 100 in flight, and over NATS one at a time; not over TCP one at a time)

Before (\`npm run bench -- remote\`, quiet machine): TCP 0.88x one at a time and 0.83x at 100 in flight. Client profile
at 100 in flight: \`ClientProxy.send\` builds a deferred connect, a \`mergeMap\` and an Observable per call (about 13% of
the client's CPU, plus the garbage), and Nest's \`JsonSocket\` makes one \`socket.write\` per frame on each side
(\`writeUtf8String\` 8 to 13% self). Changed (0b23fc7): the seam calls the client's own \`createPacket\` and \`publish\`
once it is connected (\`clientRequest\`, packages/kernel/src/seam/client-request.ts), and both sides write the frames of one tick
together, at most 16 per write (\`BatchingJsonSocket\`, same framing on the wire). Unbounded batches were tried first:
CPU per round trip fell (client 17.6 to 14.7 µs, server 15.2 to 12.2 µs, 60,000 calls at 100 in flight) but round
trips a second fell too (45k to 41k/s), because the two processes took turns with whole batches; capped at 16 (4 to 16
measured alike) both improve. The raw client now talks to a plain Nest TCP server in the same process, so the seam's
socket class does not speed up its baseline. After both changes: 0.95x at 100 in flight (\`npm run bench -- remote\`
right after them, and the run above).

One call at a time the seam meets the target over NATS and misses it over TCP. Over NATS, timing the three parts of
a call (before the transport's \`publish\`, until the reply, after it) showed 20.6 µs after the reply for the seam
against 3.5 µs for the raw client: the seam tore the request down (NATS unsubscribes the reply inbox, a write)
before the caller's code went on, where rxjs lets the caller go on first. Changed (54dcd62): the teardown runs on
the next tick. After: 2.0 µs, and 0.92x one at a time over NATS in \`npm run bench -- remote\` (0.77x to 0.90x in
runs before). Over TCP one at a time the seam stays at 0.71x to 0.88x across runs (the raw client's own figure
swings most; the seam's p50 is steady at 79 to 86 µs against 69 to 77 µs). Both clients make the same system calls
per round trip (\`strace -c\`: the same counts of write, read and epoll_pwait), and the three parts of a call take
1.0 / 77.6 / 0.6 µs for the raw client against 2.2 / 83.0 / 0.8 µs for the seam: the gap is each side's fixed work
per message (the envelope with its credential, 577 characters of JSON against about 170; the policies; the
observer; the request context on the server). cockatiel's policies are about 1 µs of it (A/B without them: no
change one at a time within noise, about 1 µs less CPU per call at 100 in flight) and stay
([ADR 0010](../docs/adr/0010-failure-isolation.md)). Writing the first frame of a tick at once instead of at the
end of the tick was tried, and made no difference one at a time.
On the server, Node 20's \`AsyncLocalStorage\` turns on promise hooks for the whole process (\`promiseInitHook\`
and its kin about 15% of a host's CPU at 100 in flight); Node 24, which the Docker image runs, does without them.

### 3. Remote call against Moleculer (not met: 1.5x at 100 in flight)

Moleculer's TCP transporter is itself faster than the raw Nest TCP ClientProxy on this machine (1.4x to 1.5x across
runs; DESIGN.md expected about 0.8x), and its NATS transporter more than 2x Nest's raw NATS client on the same
nats-server. The seam rides on the Nest transport, and now reaches about 0.95x to 1.07x of it at 100 in flight (item
2). At 100 in flight the client and the server share the machine's two cores, so 1.5x Moleculer (about 125,000 round
trips a second here) leaves about 16 µs of CPU per round trip for both sides together. Focused runs (60,000 calls at
100 in flight, CPU of each process) put the raw Nest client and server alone at about 9 to 10 + 13 to 15 µs, and the seam at
about 12 to 15 + 12 to 13 µs. Trimming the seam cannot get it below the transport it rides on. It would need a transport of its
own below Nest's RPC pipeline, and even then its work per message (the credential check, the contract's schema, the
metrics) would have to fit in what is left. This target is reported as not met.

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
conflict runs again (\`ModuleDatabase.transaction\`). After: no deadlock, no error, and the split setup at the ratio
shown above.

### 5. Events (met): the relay's rounds one after the other

The in-process run was bound by round trips, not CPU (Node about 35% of a core, PostgreSQL about 83%, a quarter of
the two cores idle). First (d849cca) the default batch went from 100 to 400 events a round: 2.9k to 4.2k-4.5k/s.
Then the rounds themselves: each module's relay claimed, delivered and marked done strictly in turn, so events
committed during a round waited for all of it, and one slow delivery held up everything after it. Changed
(5ec8179, 5ceedef): the next round is claimed, and delivered, while the current one is still being delivered (two at
most); a drain with nothing to claim waits for a commit or a finished round (test/reliability/outbox.spec.ts: a slow
delivery no longer holds up new events). Order per aggregate is unchanged. \`npm run bench -- events\`, quiet
machine: before 5,490 and 5,670/s flat out, p99 117 and 115 ms at a steady 5,000/s; after, four runs: 6,375 to
6,834/s, p99 78 to 110 ms; full runs since: 6,518 and 6,720/s, p99 35.6 and 57.6 ms (and the run above). The p99 at 5,000/s swings from run to run (the relay
runs close to its capacity there). In the same commit the publisher's outbox rows, delivery rows and wake-up
notification became one statement instead of three; this scenario showed no difference from it (5,490/s with it,
5,670/s without, within noise), and it is kept because it saves two round trips in every transaction that publishes.

### 6. Start-up (met): OpenTelemetry was loaded even with tracing off

About 70% of the monolith's start-up CPU is loading modules. packages/kernel/src/observability/tracing.ts imported the
OpenTelemetry SDK, the OTLP exporter and the HTTP and pg instrumentations at the top, so every start loaded them
(about 300 ms of a 2 s profile on the busy machine) although tracing is off unless an endpoint is set. A/B with those
four required inside \`startTracing\` only: median time to ready 1,676 ms before, 1,471 ms after (10 starts each,
interleaved, busy machine). Changed (d849cca): they are now loaded only when tracing starts. Start-up times move with
the machine's load more than with this change (0.7 to 1.3 s in full runs on either side of it).

### 7. Soak (issue 15): nothing grew in ten minutes

\`npm run bench -- soak\` (2026-11-28, 600 s at 50 requests/s after a 60 s warm-up, inventory in a module host over TCP, load
average 6 to 9 from other work): 31,060 requests, none failed, no delivery parked; at rest RSS 159 to 166 MiB (monolith) and
170 to 154 MiB (inventory host), heap used 57 to 63 and 82 to 61 MiB, active resources 40 to 34 and 21 to 17; event-loop
delay p50 about 20 ms at the end in both (the 20 ms sampling interval itself) and p99 184 to 197 ms in the first minute
against 28 to 31 ms in the last (the first minute after the warm-up still compiles code). 1,938 requests were skipped
because 32 were in flight: the machine, shared with other work, did not always keep up with 50 a second.
`;

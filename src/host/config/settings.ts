import { type Kind, matching, list, onOff, oneOf, port, text, whole, withScheme } from './setting-kinds';

/**
 * Every setting of a Seams process, declared once: its name, the kind of value (which parses
 * and checks it), its default and what it does. The host reads the environment here and
 * nowhere else (`read-settings.ts`), builds the kernel's typed options from the result
 * (`kernel-options.ts`), and the README's settings table is generated from this list
 * (`npm run docs:settings`; test/tools/settings-docs.spec.ts keeps the two in step).
 *
 * `<MODULE>` in a name stands for each module's name in upper case (`SEAMS_INVENTORY_URL`).
 * A per-module setting with `global` falls back to that setting for every module.
 */
export type Group = 'database' | 'seam' | 'events' | 'operations' | 'security';

export interface Declaration<T> {
  readonly name: string;
  readonly kind: Kind<T>;
  readonly group: Group;
  readonly default?: T;
  /** How the README shows the default (default: the value in backticks, or "not set"). */
  readonly shownDefault?: string;
  readonly description: string;
  /** Other names read when this one is not set (`LOG_LEVEL`). */
  readonly aliases?: readonly string[];
  /** `SEAMS_<MODULE>_...`: one value per module. */
  readonly perModule?: boolean;
  /** For a per-module setting: the setting every module falls back to (`SEAMS_BREAKER_THRESHOLD`). */
  readonly global?: string;
  /** Read by a module's own code, not by the host (listed so that it is documented and known). */
  readonly readBy?: string;
}

/** Keeps each declaration's literal shape (its kind's type, whether it has a default, is per module) for `Settings`. */
const declare = <const D extends Declaration<unknown>>(declaration: D & Declaration<ValueOf<D>>): D => declaration;
const urls = 'tcp://host:port, nats://host:port or amqp://user:pass@host:port';

export const SETTINGS = {
  databaseUrl: declare({ name: 'DATABASE_URL', kind: matching(/^postgres(ql)?:\/\//, 'a postgres:// URL', withScheme('postgres')), group: 'database', description: 'The PostgreSQL database the process\'s modules use (each in its own schema). If it is not set, the app uses the embedded server. For `npm test`, this names the *server* on which each test file creates its own database.' }),
  port: declare({ name: 'PORT', kind: port(), group: 'database', default: 3000, description: 'HTTP port.' }),
  dataDir: declare({ name: 'SEAMS_DATA_DIR', kind: text('a folder'), group: 'database', shownDefault: '`.data` under the current working directory', description: 'Folder for the embedded server (its data goes in `<SEAMS_DATA_DIR>/postgres`, used only without `DATABASE_URL`) and for the development keys (`<SEAMS_DATA_DIR>/auth`).' }),
  embeddedPgPort: declare({ name: 'SEAMS_EMBEDDED_PG_PORT', kind: port(), group: 'database', default: 54329, description: 'Port of the embedded server.' }),
  poolSize: declare({ name: 'SEAMS_DB_POOL_SIZE', kind: whole(1), group: 'database', default: 5, description: 'Connections in *each* local module\'s pool (up to 20 for the monolith by default).' }),
  moduleDatabaseUrl: declare({ name: 'SEAMS_<MODULE>_DATABASE_URL', kind: matching(/^postgres(ql)?:\/\//, 'a postgres:// URL', withScheme('postgres')), group: 'database', perModule: true, shownDefault: 'the shared URL', description: 'Gives one module its own database, for example `SEAMS_INVENTORY_DATABASE_URL`. The database must already exist. The module creates its schema in it, so the role needs the right to do that.' }),
  dbRoles: declare({ name: 'SEAMS_DB_ROLES', kind: onOff(), group: 'database', default: true, shownDefault: '`on`', description: 'Each module connects as `seams_<module>`, with rights on its own schema only, where the configured user may create roles.' }),
  acquireTimeoutMs: declare({ name: 'SEAMS_DB_ACQUIRE_TIMEOUT_MS', kind: whole(1), group: 'database', default: 5000, description: 'How long a request waits for a database connection (a new one, or a free one from a full pool) before it is answered 503 `database.unavailable` with `Retry-After`, instead of waiting for ever.' }),
  testPgPort: declare({ name: 'SEAMS_TEST_PG_PORT', kind: port(), group: 'database', default: 54339, readBy: 'the tests', description: 'Tests only: port of the embedded test server in `.data/postgres-test`. Ignored when `DATABASE_URL` is set.' }),

  placement: declare({ name: 'SEAMS_<MODULE>', kind: oneOf(['local', 'remote', 'shadow'] as const), group: 'seam', perModule: true, default: 'local', description: '`local`, `remote` or `shadow`, for example `SEAMS_PAYMENTS=remote`. A remote module is not loaded in this process; its messages go to `SEAMS_<MODULE>_URL`. A shadowed module runs here, and its queries are also asked of `SEAMS_<MODULE>_URL` to compare the answers (see [Parallel run](#parallel-run-shadow-mode)). A module host ignores this setting.' }),
  moduleUrl: declare({ name: 'SEAMS_<MODULE>_URL', kind: matching(/^(tcp|nats|amqps?):\/\//i, `an address like ${urls}`, withScheme('tcp')), group: 'seam', perModule: true, description: `Where the module is served: ${urls} (\`amqps://\` too). The process that runs the module listens there (or at \`SEAMS_<MODULE>_LISTEN\`); the others send there. Replicas over TCP: a comma-separated list (\`tcp://10.0.0.5:4010,tcp://10.0.0.6:4010\`) or a host name that resolves to several addresses (a headless Service), resolved again every \`SEAMS_SEAM_RESOLVE_MS\`; callers spread calls over the replicas that answer. Over a broker, a list names the broker's servers.` }),
  moduleListen: declare({ name: 'SEAMS_<MODULE>_LISTEN', kind: matching(/^tcp:\/\/[^,]+$/i, 'one tcp://host:port address', withScheme('tcp')), group: 'seam', perModule: true, shownDefault: '`SEAMS_<MODULE>_URL`, when that is one address', description: 'Where a process that runs the module listens for its TCP seam, for example `tcp://0.0.0.0:4010` in a pod. Required when `SEAMS_<MODULE>_URL` lists several replicas.' }),
  moduleHttpUrl: declare({ name: 'SEAMS_<MODULE>_HTTP_URL', kind: matching(/^https?:\/\/[^/]+/, 'an http(s):// address', withScheme('http')), group: 'seam', perModule: true, description: 'The HTTP address of a remote module\'s host (`http://host:port`). The monolith then forwards that module\'s routes (its manifest\'s `routes`) to it, untouched (the host checks the token and answers as it would directly; if it cannot be reached, 503 `seam.unavailable`), and its `/docs-json` includes the host\'s routes (fetched when asked, kept 10 s).' }),
  moduleProxy: declare({ name: 'SEAMS_<MODULE>_PROXY', kind: onOff(), group: 'seam', perModule: true, default: true, shownDefault: '`on`', description: '`off` stops forwarding a module\'s routes even with its HTTP address set.' }),
  hostModule: declare({ name: 'SEAMS_HOST_MODULE', kind: text('a module name'), group: 'seam', description: 'Run as the host of this module. Same as the `--module <name>` argument (`npm run start:module -- <module>` builds first, then does this).' }),
  resolveMs: declare({ name: 'SEAMS_SEAM_RESOLVE_MS', kind: whole(1), group: 'seam', default: 5000, description: 'How often a host name in a TCP module address is resolved again, so replicas that come and go (the pods behind a headless Service) get calls or stop getting them.' }),
  connectionMaxAgeMs: declare({ name: 'SEAMS_SEAM_CONNECTION_MAX_AGE_MS', kind: whole(0), group: 'seam', default: 300000, description: 'A TCP seam connection older than this is replaced once its calls are done, so a new replica behind one address (a load balancer, a Service) gets its share. `0`: kept for ever.' }),
  dnsServers: declare({ name: 'SEAMS_DNS_SERVERS', kind: matching(/^[^,\s]+(,[^,\s]+)*$/, 'a comma-separated list of host:port'), group: 'seam', shownDefault: 'the system\'s resolver', description: 'DNS servers (`10.96.0.10:53,…`) to resolve the host names of TCP module addresses with, instead of the system\'s resolver (`/etc/hosts`, then its servers).' }),
  timeoutMs: declare({ name: 'SEAMS_TIMEOUT_MS', kind: whole(1), group: 'seam', default: 5000, description: 'Time budget of one message sent across the seam. A message sent while handling another one gets the earlier of the two deadlines.' }),
  tlsCa: declare({ name: 'SEAMS_TLS_CA', kind: text('a PEM file'), group: 'seam', description: 'Mutual TLS on the TCP transport: the CA file. Set `SEAMS_TLS_CA`, `SEAMS_TLS_CERT` and `SEAMS_TLS_KEY` together or none; then servers accept only clients whose certificate the CA signed, and clients check the server\'s certificate.' }),
  tlsCert: declare({ name: 'SEAMS_TLS_CERT', kind: text('a PEM file'), group: 'seam', description: 'Mutual TLS: this process\'s certificate file.' }),
  tlsKey: declare({ name: 'SEAMS_TLS_KEY', kind: text('a PEM file'), group: 'seam', description: 'Mutual TLS: this process\'s private key file.' }),
  brokerTlsCa: declare({ name: 'SEAMS_BROKER_TLS_CA', kind: text('a PEM file'), group: 'seam', description: 'TLS to the brokers (NATS, RabbitMQ): the CA file that signed the broker\'s certificate. A NATS connection then requires TLS, and RabbitMQ addresses must be `amqps://`. Users\' tokens and the service credential travel in the envelopes: on a network others share, set it.' }),
  brokerTlsCert: declare({ name: 'SEAMS_BROKER_TLS_CERT', kind: text('a PEM file'), group: 'seam', description: 'TLS to the brokers: this process\'s certificate file, for a broker that asks clients for one (with `SEAMS_BROKER_TLS_KEY`).' }),
  brokerTlsKey: declare({ name: 'SEAMS_BROKER_TLS_KEY', kind: text('a PEM file'), group: 'seam', description: 'TLS to the brokers: this process\'s private key file (with `SEAMS_BROKER_TLS_CERT`).' }),
  natsNkeySeed: declare({ name: 'SEAMS_NATS_NKEY_SEED', kind: text('a file'), group: 'seam', description: 'NATS: a file holding this process\'s user nkey seed (`SU…`); the connection signs the server\'s challenge with it. A user name and password can go in the `nats://user:pass@host:port` address instead.' }),
  natsCreds: declare({ name: 'SEAMS_NATS_CREDS', kind: text('a file'), group: 'seam', description: 'NATS: a `.creds` file (user JWT and nkey seed) for a server with decentralized (operator) authentication. Not with `SEAMS_NATS_NKEY_SEED`.' }),
  namespace: declare({ name: 'SEAMS_NAMESPACE', kind: matching(/^[a-z0-9][a-z0-9-]{0,39}$/, '1-40 lower-case letters, digits or dashes'), group: 'seam', description: 'Keeps deployments that share one broker apart: patterns become `seams.<namespace>.<module>`. 1–40 lower-case letters, digits or dashes.' }),
  breakerThreshold: declare({ name: 'SEAMS_<MODULE>_BREAKER_THRESHOLD', global: 'SEAMS_BREAKER_THRESHOLD', kind: whole(0), group: 'seam', perModule: true, default: 5, description: 'Consecutive failed calls (unreachable or timed out; a call retried counts once) that open the module\'s circuit breaker. A typed answer from the module (say, 409) is not a failure.' }),
  halfOpenMs: declare({ name: 'SEAMS_<MODULE>_BREAKER_HALF_OPEN_MS', global: 'SEAMS_BREAKER_HALF_OPEN_MS', kind: whole(0), group: 'seam', perModule: true, default: 5000, description: 'How long an open circuit turns calls away (503, `Retry-After` in whole seconds) before letting one through.' }),
  bulkheadLimit: declare({ name: 'SEAMS_<MODULE>_BULKHEAD_LIMIT', global: 'SEAMS_BULKHEAD_LIMIT', kind: whole(0), group: 'seam', perModule: true, default: 100, description: 'Calls to the module in flight at once; beyond that and the queue, 503 at once.' }),
  bulkheadQueue: declare({ name: 'SEAMS_<MODULE>_BULKHEAD_QUEUE', global: 'SEAMS_BULKHEAD_QUEUE', kind: whole(0), group: 'seam', perModule: true, default: 100, description: 'Calls to the module waiting for a place in its bulkhead.' }),
  queryRetries: declare({ name: 'SEAMS_<MODULE>_QUERY_RETRIES', global: 'SEAMS_QUERY_RETRIES', kind: whole(0), group: 'seam', perModule: true, default: 2, description: 'Extra attempts for a query, or a command whose contract declares an `idempotencyKey`, whose module was unreachable (50 ms, then doubling), within its deadline. Other commands are never retried.' }),

  relayPollMs: declare({ name: 'SEAMS_RELAY_POLL_MS', kind: whole(1), group: 'events', default: 1000, description: 'Polling fallback; a commit wakes the relay at once through LISTEN/NOTIFY.' }),
  relayBatch: declare({ name: 'SEAMS_RELAY_BATCH', kind: whole(1), group: 'events', default: 400, description: 'Deliveries claimed per round (the benchmark\'s profiles: rounds are bound by round trips, so bigger rounds carry more).' }),
  relayConcurrency: declare({ name: 'SEAMS_RELAY_CONCURRENCY', kind: whole(1), group: 'events', default: 16, description: 'Deliveries (or batches of up to 20 to one local module) under way at once, per round and module; the next round is claimed and delivered while one is under way, so up to twice this at peaks. Each local batch holds one of the subscriber\'s pool connections, so keep it in step with `SEAMS_DB_POOL_SIZE`.' }),
  relayMaxAttempts: declare({ name: 'SEAMS_RELAY_MAX_ATTEMPTS', kind: whole(1), group: 'events', default: 10, description: 'Failures of a subscriber that was reached before its delivery is parked (attempts while it cannot be reached do not count: it is waited for, however long).' }),
  relayBackoffMs: declare({ name: 'SEAMS_RELAY_BACKOFF_MS', kind: whole(1), group: 'events', default: 200, description: 'First retry delay, doubled per attempt (with jitter) up to `SEAMS_RELAY_MAX_BACKOFF_MS`.' }),
  relayMaxBackoffMs: declare({ name: 'SEAMS_RELAY_MAX_BACKOFF_MS', kind: whole(1), group: 'events', default: 30000, description: 'The longest retry delay.' }),
  relayLeaseMs: declare({ name: 'SEAMS_RELAY_LEASE_MS', kind: whole(1), group: 'events', shownDefault: '`30000`, or twice the longest delivery (2 × `SEAMS_TIMEOUT_MS` + 500 ms) when that is more', description: 'How long a claimed delivery is reserved for one relay; a crashed relay\'s claims expire after it. A round starts a delivery only while the longest one would end within the lease, so a lease shorter than twice the longest delivery is refused.' }),
  outboxRetentionMs: declare({ name: 'SEAMS_OUTBOX_RETENTION_MS', kind: whole(1), group: 'events', default: 604800000, shownDefault: '`604800000` (7 days)', description: 'Delivered events and inbox records older than this are deleted; a published event is kept at least this long, the history a replay (`POST /v1/admin/replays`) reads.' }),

  logLevel: declare({ name: 'SEAMS_LOG_LEVEL', aliases: ['LOG_LEVEL'], kind: oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, 'plain'), group: 'operations', default: 'info', description: 'At `info` every HTTP request and every seam message is one line.' }),
  logFormat: declare({ name: 'SEAMS_LOG_FORMAT', kind: oneOf(['json', 'pretty'] as const, 'plain'), group: 'operations', shownDefault: '`pretty` on a terminal outside production, else `json`', description: '`json` (one object per line, for a log pipeline) or `pretty` (coloured single lines; needs the `pino-pretty` dev dependency).' }),
  otlpEndpoint: declare({ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', kind: matching(/^https?:\/\//, 'an http(s) URL'), group: 'operations', description: 'Turns tracing on: spans go over OTLP/HTTP (JSON) to this collector (`/v1/traces` under it), e.g. `http://localhost:4318`. Not set: tracing is off and costs nothing.' }),
  otlpTracesEndpoint: declare({ name: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', kind: matching(/^https?:\/\//, 'an http(s) URL'), group: 'operations', description: 'The full traces URL instead, e.g. `http://localhost:4318/v1/traces`.' }),
  otelServiceName: declare({ name: 'OTEL_SERVICE_NAME', kind: text(), group: 'operations', shownDefault: '`seams-<monolith or module>`', description: 'The service name on every span.' }),
  otelDisabled: declare({ name: 'OTEL_SDK_DISABLED', kind: oneOf(['true', 'false'] as const), group: 'operations', default: 'false', description: '`true` turns tracing off even with an endpoint set.' }),
  shutdownTimeoutMs: declare({ name: 'SEAMS_SHUTDOWN_TIMEOUT_MS', kind: whole(1), group: 'operations', default: 10000, description: 'On `SIGTERM`/`SIGINT`, how long the process waits for requests, seam messages and event deliveries under way before cutting them.' }),
  nodeEnv: declare({ name: 'NODE_ENV', kind: text(), group: 'operations', description: '`production` refuses the development issuer and needs `SEAMS_SERVICE_SECRET` and `SEAMS_METRICS_TOKEN`; logs are JSON.' }),

  authIssuer: declare({ name: 'SEAMS_AUTH_ISSUER', kind: text('an issuer'), group: 'security', description: 'The `iss` accepted tokens carry. Needs `SEAMS_AUTH_JWKS_URL` or `SEAMS_AUTH_PUBLIC_KEY`.' }),
  authJwksUrl: declare({ name: 'SEAMS_AUTH_JWKS_URL', kind: matching(/^https?:\/\//, 'an http(s) URL'), group: 'security', description: 'The issuer\'s JSON Web Key Set (http or https URL), fetched and cached by `jose`.' }),
  authPublicKey: declare({ name: 'SEAMS_AUTH_PUBLIC_KEY', kind: text('PEM text or a PEM file'), group: 'security', description: 'The issuer\'s public key instead: PEM text, or the path of a PEM file.' }),
  authAudience: declare({ name: 'SEAMS_AUTH_AUDIENCE', kind: text(), group: 'security', default: 'seams', description: 'The `aud` accepted tokens carry.' }),
  authRolesClaim: declare({ name: 'SEAMS_AUTH_ROLES_CLAIM', kind: text(), group: 'security', default: 'roles', description: 'The claim with the user\'s roles (an array, or a space-separated string).' }),
  authDev: declare({ name: 'SEAMS_AUTH_DEV', kind: onOff(), group: 'security', default: false, shownDefault: '`off` (`on` in `npm start`)', description: 'Also trust the development issuer (`npm run token`). Refused with `NODE_ENV=production`. A process that trusts no issuer refuses to start.' }),
  serviceSecret: declare({ name: 'SEAMS_SERVICE_SECRET', kind: matching(/^.{32,}$/s, 'at least 32 characters'), group: 'security', shownDefault: 'generated in `<SEAMS_DATA_DIR>/auth/` outside production', description: 'The secret (32+ characters) the processes of one deployment seal their seam messages with, and derive the module database roles\' passwords from. Required with `NODE_ENV=production`; give every process the same one.' }),
  httpsCert: declare({ name: 'SEAMS_HTTPS_CERT', kind: text('a PEM file'), group: 'security', description: 'Serve HTTPS with this certificate (PEM file); needs `SEAMS_HTTPS_KEY`.' }),
  httpsKey: declare({ name: 'SEAMS_HTTPS_KEY', kind: text('a PEM file'), group: 'security', description: 'The HTTPS private key (PEM file); needs `SEAMS_HTTPS_CERT`.' }),
  corsOrigins: declare({ name: 'SEAMS_CORS_ORIGINS', kind: list(matching(/^https?:\/\/[^/]+$/, 'origins like https://shop.example')), group: 'security', default: [], shownDefault: 'not set (CORS off)', description: 'Comma-separated origins allowed to call from a browser.' }),
  bodyLimit: declare({ name: 'SEAMS_BODY_LIMIT', kind: matching(/^\d+(b|kb|mb)$/i, 'like 100kb or 1mb'), group: 'security', default: '100kb', description: 'Largest JSON body; larger gets 413.' }),
  rateLimit: declare({ name: 'SEAMS_RATE_LIMIT', kind: whole(0), group: 'security', default: 1000, description: 'Requests per client address per minute (`0`: no limit); beyond, 429 with `Retry-After`. Counted per process unless `SEAMS_RATE_LIMIT_REDIS_URL` is set: N replicas then allow N times this.' }),
  trustProxy: declare({ name: 'SEAMS_TRUST_PROXY', kind: matching(/^(\d{1,2}|(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)(\s*,\s*(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?))*)$/, 'a hop count, or addresses and CIDR ranges (loopback, 10.0.0.0/8, …)'), group: 'security', description: 'The proxies (load balancers) in front of the app whose `X-Forwarded-For` to believe: a hop count, or addresses and CIDR ranges (`loopback`, `10.0.0.0/8`). The rate limit then counts by the client\'s address before them, not the proxy\'s (behind a load balancer, without it, all clients share one quota). Unset, `X-Forwarded-For` is ignored, so no client can choose its own address.' }),
  metricsToken: declare({ name: 'SEAMS_METRICS_TOKEN', kind: matching(/^\S{32,}$/, 'a token of at least 32 characters'), group: 'security', description: '`GET /metrics` then asks for `Authorization: Bearer <this token>` (Prometheus: `authorization: { credentials: … }`), and answers 401 without it. Required when `NODE_ENV=production`; without it, in development, `/metrics` is open. Either way it counts against the rate limit like any route.' }),
  rateLimitRedisUrl: declare({ name: 'SEAMS_RATE_LIMIT_REDIS_URL', kind: matching(/^rediss?:\/\/\S+$/, 'a redis:// or rediss:// URL'), group: 'security', description: 'Counts the rate limit in this Redis, so every replica (every process with the same `SEAMS_NAMESPACE`) draws on one quota per client. If Redis cannot be reached, requests are let through and a warning is logged.' }),
} as const;

export type SettingKey = keyof typeof SETTINGS;
type ValueOf<D> = D extends { readonly kind: Kind<infer T> } ? T : never;
type Defaulted<D> = D extends { readonly default: unknown } ? ValueOf<D> : ValueOf<D> | undefined;
type PerModule<D> = D extends { readonly global: string }
  ? { readonly all: ValueOf<D> | undefined; readonly modules: Readonly<Record<string, ValueOf<D>>> }
  : Readonly<Record<string, Defaulted<D>>>;

/** The typed values of every setting: per-module ones by module name. */
export type Settings = {
  readonly [K in SettingKey]: (typeof SETTINGS)[K] extends { readonly perModule: true } ? PerModule<(typeof SETTINGS)[K]> : Defaulted<(typeof SETTINGS)[K]>;
} & {
  /**
   * The values of the modules' own settings (declared in each module with `defineSettings` and
   * named in its manifest), by module; only for the manifests `readSettings` was given.
   */
  readonly moduleSettings: Readonly<Record<string, unknown>>;
};

/** The README's heading line of each group of settings. */
export const GROUP_TITLES: Readonly<Record<Group, string>> = {
  database: 'Database and HTTP:',
  seam: 'Placement and the seam:',
  events: 'Events (the outbox relay; see [Events and delivery guarantees](#events-and-delivery-guarantees)):',
  operations: 'Operations (see [Operating Seams](#operating-seams)):',
  security: 'Security (see [Security](#security)):',
};

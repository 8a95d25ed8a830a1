import { randomUUID } from 'node:crypto';
import { type DynamicModule, type INestApplication, Module, type Type, VersioningType } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { AuthGuard, createValidationPipe, ProblemFilter, requestIdMiddleware } from '../http';
import { MessagingModule, type MessagingOptions } from '../messaging';
import { createRootLogger, logSettings, Metrics, NestPinoLogger, ObservabilityModule } from '../observability';
import { DatabaseModule } from '../persistence';
import { type IntegrationEvent, type MessageClass, parseWireName, validate } from '../primitives';
import { serviceSeam } from './service-seam';
import { RequestContexts } from '../context';
import { EventDispatcher, InvalidMessageError, MessageRegistry, type ModuleManifest, moduleSettingsModule, readModuleSettings, Seam, SeamModule, type SeamOptions, Topology } from '../seam';
import type { FakeModule } from './fake';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface HarnessOptions {
  /** The module under test, by its real manifest; leave it out to serve only fakes (a fake's contract suite). */
  readonly module?: ModuleManifest;
  /** Stand-ins (`Fake`) for every module the module under test sends to. */
  readonly fakes?: readonly FakeModule[];
  /**
   * The PostgreSQL server the module's fresh database is made on (a URL naming a database to
   * connect to first, e.g. `postgres://postgres@127.0.0.1:5432/postgres`); dropped at `close()`.
   * Needed when `module` is given.
   */
  readonly databaseServerUrl?: string;
  /** The seam's options: who issues the tokens the guard accepts (required), its time budget, ... */
  readonly seam: SeamOptions;
  /** The outbox relay's options (every one has a default). */
  readonly messaging?: MessagingOptions;
  /**
   * The raw values of the module's own settings (`{ PAYMENTS_DECLINE_ABOVE_MINOR: '500' }`),
   * read as the host reads them; the rest take their defaults. A bad value fails the start.
   */
  readonly settings?: Readonly<Record<string, string>>;
  /** Whether to install the bearer-token guard (`AuthGuard`) on the module's routes; default true. */
  readonly authGuard?: boolean;
}

export interface PublishedEvent {
  readonly wire: string;
  readonly payload: Record<string, unknown>;
}

export interface ModuleHarness {
  /** The app, initialised but not listening: `request(app.getHttpServer())` (supertest) reaches its routes. */
  readonly app: INestApplication;
  /** The seam, as the module under test sees it (sending as the service `test` when the test acts for nobody): its calls to other modules reach the fakes. */
  readonly seam: Seam;
  /** The module's fresh database (absent when only fakes run). */
  readonly database: TestDatabase | undefined;
  /**
   * Hands an event of another module to the module's subscribers, as the relay would: payload
   * checked against the event's schema, inbox claimed (pass the same `eventId` to redeliver).
   * Resolves with the event id once every subscriber has finished.
   */
  deliver(event: IntegrationEvent, eventId?: string): Promise<string>;
  /** Events the module published into its outbox, oldest first (only those named `wire`, if given). */
  published(wire?: string): Promise<PublishedEvent[]>;
  close(): Promise<void>;
}

/**
 * Boots one module alone: the kernel every module gets from the host (seam, its own database
 * and migrations, outbox relay, logs and metrics), the module's Nest module, and fakes in place
 * of the modules it calls. Nothing else runs, so a test sees only this module's behaviour, and
 * a fake's behaviour is pinned by the contract suites that run against it.
 *
 * Of the host's HTTP edge, the request id, URI versioning, validation, problem responses and
 * (unless `authGuard: false`) the token guard are installed; no rate limit, security headers
 * or Swagger document.
 */
export async function startModuleHarness(options: HarnessOptions): Promise<ModuleHarness> {
  const fakes = options.fakes ?? [];
  const module = options.module;
  assertFakesCover(module, fakes);
  const registry = new MessageRegistry([...(module ? [module] : []), ...fakes.map((fake) => fake.manifest)]);
  const topology = Topology.create(registry, { kind: 'monolith' });
  if (module && !options.databaseServerUrl) throw new Error(`The harness needs databaseServerUrl to give ${module.name} a database`);
  const database = module ? await createTestDatabase(options.databaseServerUrl!) : undefined;
  const root = createRootLogger(logSettings({ service: module?.name ?? 'fakes', silent: true }));

  let app: INestApplication | undefined;
  try {
    const modules: (Type<unknown> | DynamicModule)[] = [
      ...(module ? [await module.load()] : []),
      ...fakes.map((fake) => fake.nestModule),
    ];
    @Module({
      imports: [
        ObservabilityModule.forRoot({ root, metrics: new Metrics() }),
        SeamModule.forRoot({ registry, topology, ...options.seam }),
        // Without a module under test nothing opens a database, so the settings are never used.
        DatabaseModule.forRoot({ url: database?.url ?? 'postgres://unused.invalid/none', poolSize: 2, roleSecret: options.seam.auth.serviceSecret }),
        MessagingModule.forRoot(options.messaging),
        moduleSettingsModule(module ? [module] : [], module ? { [module.name]: settingsOf(module, options.settings ?? {}) } : {}),
        ...modules,
      ],
      providers: options.authGuard === false ? [] : [{ provide: APP_GUARD, useClass: AuthGuard }],
    })
    class HarnessModule {}

    app = await NestFactory.create(HarnessModule, { bufferLogs: true, abortOnError: false });
    app.useLogger(app.get(NestPinoLogger));
    app.flushLogs();
    app.use(requestIdMiddleware);
    app.enableVersioning({ type: VersioningType.URI });
    app.useGlobalPipes(createValidationPipe());
    app.useGlobalFilters(new ProblemFilter());
    await app.init();
  } catch (error) {
    await app?.close();
    await database?.drop();
    throw error;
  }
  const started = app;

  return {
    app: started,
    // As the test's service: a test calling the seam acts for nobody else.
    seam: serviceSeam(started.get(Seam)),
    database,
    async deliver(event, eventId = randomUUID()) {
      if (!module) throw new Error('deliver() needs a module under test');
      const type = event.constructor as unknown as MessageClass;
      if (!module.subscribes.includes(type)) {
        throw new Error(`${module.name} does not subscribe to ${type.wire} (its manifest's "subscribes" does not list it)`);
      }
      const checked = validate(type.schema, { ...event });
      if (!checked.ok) throw new InvalidMessageError(type.wire, checked.issues);
      // As the relay delivers it: the deployment's own work, a service.
      await RequestContexts.runAsService('relay', () => started.get(EventDispatcher).dispatchTo(module.name, type.wire, event, eventId));
      return eventId;
    },
    async published(wire) {
      if (!module || !database) return [];
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string; payload: Record<string, unknown> }>(
          `SELECT name, payload FROM "${module.name}".seams_outbox WHERE $1::text IS NULL OR name = $1 ORDER BY position`,
          [wire ?? null],
        );
        return rows.map((row) => ({ wire: row.name, payload: row.payload }));
      } finally {
        await client.end();
      }
    },
    async close() {
      await started.close();
      await database?.drop();
    },
  };
}

/** Every module the module under test sends to must have a fake that serves what it sends. */
function assertFakesCover(module: ModuleManifest | undefined, fakes: readonly FakeModule[]): void {
  const names = fakes.map((fake) => fake.manifest.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) throw new Error(`Two fakes stand in for ${duplicate}`);
  if (module && names.includes(module.name)) throw new Error(`${module.name} is the module under test; it cannot also be faked`);
  for (const message of module?.sends ?? []) {
    const target = parseWireName(message.wire).module;
    const fake = fakes.find((candidate) => candidate.manifest.name === target);
    if (!fake) throw new Error(`${module!.name} sends ${message.wire}, but no fake stands in for ${target}`);
    if (!fake.serves.includes(message)) throw new Error(`The fake of ${target} does not serve ${message.wire}, which ${module!.name} sends`);
  }
}

/**
 * An event made from its payload, as the relay rebuilds one from an outbox row: for tests that
 * hand a module an event without knowing its constructor's parameters.
 */
export function eventOf<E extends IntegrationEvent>(type: MessageClass<E>, payload: { readonly [K in keyof E]: E[K] }): E {
  return Object.assign(Object.create(type.prototype as object) as E, payload);
}

function settingsOf(module: ModuleManifest, raw: Readonly<Record<string, string>>): unknown {
  if (!module.settings) return undefined;
  const { values, errors } = readModuleSettings(module.settings, (name) => raw[name]);
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return values;
}

import { Body, Controller, Get, Inject, Injectable, Module, Param, Put, Query as QueryArgs, type Type } from '@nestjs/common';
import { CommandBus, CommandHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems, Authenticated, Public } from '@seams/kernel/http';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ModuleDatabase, PersistenceModule } from '@seams/kernel/persistence';
import { Command, DomainError, type ErrorKind, z, IntegrationEvent, type MessageClass, nothing, Query } from '@seams/kernel/primitives';
import { defineModule, type EventSubscriber, type ModuleManifest, RequestContexts, Seam, Subscribe } from '@seams/kernel/seam';

/**
 * Probe modules: systems of modules nobody has written, built at run time from a plain
 * description (JSON, so a module host process builds the very same system). Every probe module
 * has the same small contract:
 *   <m>.put.v1      command {key, value}: upserts the item, bumps its version, publishes <m>.changed.v1;
 *                   answers {key, seq}; value 13 fails with the typed error <m>.unlucky; 777 answers a
 *                   seq of 0, which its answer schema refuses; value ≥ 900 is slower than the deadline
 *   <m>.get.v1      query {key}: {key, seq, value}, or <m>.not-found
 *   <m>.changed.v1  event {key, seq, value} (aggregate: key)
 *   <m>.relayed.v1  event {key, seq}, published by the module's chain subscribers (aggregate: key)
 *   <m>.create.v1   command {key}: inserts a new item (no upsert): a key that exists already is a unique
 *                   violation the handler does not catch (the kernel answers it as a conflict)
 *   <m>.whoami.v1   query {}: the principal its handler runs for ({kind: user|service, name, roles}): whom
 *                   a module host authorises by (the end user whose token the message carries)
 *   <m>.echo.v1     query {text, note (default "none"), shout (upper-cased by its schema)}: answers the
 *                   keys, note and shout the handler was given, and whether it got an Echo (the same
 *                   value on every path: the contract's parse of what was sent)
 * its HTTP routes (under /v1/<m>, forwarded to its host when it runs in one) send those messages:
 *   PUT /v1/<m>/items/:key  {value}  sends <m>.put.v1; role PROBE_ADMIN_ROLE ("admin") only
 *   GET /v1/<m>/items/:key           sends <m>.get.v1; any signed-in user
 *   GET /v1/<m>/echo?text=           sends <m>.echo.v1; public (no token)
 *   PUT /v1/<m>/forward/:other/items/:key {value}, GET …  send <other>.put.v1 / <other>.get.v1
 *   GET /v1/<m>/forward/:other/whoami   asks <other>.whoami.v1 (whom the other module's handler acts for)
 *                                    through the seam (a route of one module calling another; `sends`)
 * and subscribes to other modules' events as its description says, with one or two
 * subscribers per event; a chain subscriber publishes <m>.relayed.v1 in the same transaction.
 *
 * What each module did is in its own schema, for the simulation's invariants:
 *   <m>.items     the state the commands change
 *   <m>.handled   one row per (event, subscriber) handled: event id, subscriber, event, key, seq, and the
 *                 keys of the event the subscriber was given (a put of 42 publishes one with a key
 *                 its contract does not name)
 *   <m>.calls     every time a handler was entered (autocommitted, so failed attempts count too)
 *   <m>.faults    faults the simulation injects: (handler, key, kind, remaining); kinds: throw,
 *                 conflict (a serialization failure), slow (a subscriber takes the system's slowMs)
 */
export interface ProbeSystem {
  readonly modules: readonly ProbeModuleSpec[];
}

export interface ProbeModuleSpec {
  readonly name: string;
  readonly subscriptions: readonly ProbeSubscription[];
  /** Other probe modules whose put and get this one sends through the seam (its forward routes). */
  readonly sends?: readonly string[];
}

export interface ProbeSubscription {
  /** Wire name of another module's event: `<m>.changed.v1` or `<m>.relayed.v1`. */
  readonly event: string;
  /** Subscribers of the event in this module (1 or 2), each handles it once. */
  readonly handlers: number;
  /** Whether the subscribers publish this module's `relayed` event (only the first does). */
  readonly chain: boolean;
}

/** Values of `put` that behave in a fixed way, in every placement. */
export const UNLUCKY_VALUE = 13;
/** A put of this value answers what its contract refuses (a sequence of 0): `seam.bad-answer`, in every placement. */
export const BAD_ANSWER_VALUE = 777;
export const SLOW_FROM = 900;
/** A put of this value publishes its changed event with one key more than the contract names (`stowaway`). */
export const STOWAWAY_VALUE = 42;

export interface EchoAnswer {
  readonly keys: string[];
  readonly note: string;
  readonly shout: string | null;
  readonly echo: boolean;
}

export type FaultKind = 'throw' | 'conflict' | 'slow';

export interface WhoamiAnswer {
  readonly kind: 'user' | 'service';
  readonly name: string;
  readonly roles: readonly string[];
}

export interface ProbeMessages {
  readonly Put: MessageClass & (new (key: string, value: number) => Command<{ key: string; seq: number }>);
  readonly Get: MessageClass & (new (key: string) => Query<{ key: string; seq: number; value: number }>);
  readonly Changed: MessageClass<IntegrationEvent>;
  readonly Relayed: MessageClass<IntegrationEvent> & (new (key: string, seq: number) => IntegrationEvent);
  readonly Echo: MessageClass & (new (text: string, note?: string, shout?: string) => Query<EchoAnswer>);
  readonly Create: MessageClass & (new (key: string) => Command<null>);
  readonly Whoami: MessageClass & (new () => Query<WhoamiAnswer>);
}

const KEY = z.string().min(1).max(40).regex(/^[a-z0-9-]+$/);

function named<T extends object>(type: T, name: string): T {
  Object.defineProperty(type, 'name', { value: name });
  return type;
}

const cache = new Map<string, ProbeMessages>();

/** The contract of probe module `module` (the same classes on every call, as a contract folder's are). */
export function probeMessages(module: string): ProbeMessages {
  const known = cache.get(module);
  if (known) return known;
  class Put extends Command<{ key: string; seq: number }> {
    static readonly wire = `${module}.put.v1`;
    static readonly schema = z.object({ key: KEY, value: z.int().min(0).max(1000) });
    static readonly answer = z.object({ key: KEY, seq: z.int().min(1) });
    constructor(
      readonly key: string,
      readonly value: number,
    ) {
      super();
    }
  }
  class Get extends Query<{ key: string; seq: number; value: number }> {
    static readonly wire = `${module}.get.v1`;
    static readonly schema = z.object({ key: KEY });
    static readonly answer = z.object({ key: KEY, seq: z.int().min(1), value: z.int().min(0).max(1000) });
    constructor(readonly key: string) {
      super();
    }
  }
  class Changed extends IntegrationEvent {
    static readonly wire = `${module}.changed.v1`;
    static readonly aggregate = 'key';
    static readonly schema = z.object({ key: KEY, seq: z.int().min(1), value: z.int().min(0).max(1000) });
    constructor(
      readonly key: string,
      readonly seq: number,
      readonly value: number,
    ) {
      super();
    }
  }
  class Relayed extends IntegrationEvent {
    static readonly wire = `${module}.relayed.v1`;
    static readonly aggregate = 'key';
    static readonly schema = z.object({ key: KEY, seq: z.int().min(1) });
    constructor(
      readonly key: string,
      readonly seq: number,
    ) {
      super();
    }
  }
  class Echo extends Query<EchoAnswer> {
    static readonly wire = `${module}.echo.v1`;
    static readonly schema = z.object({
      text: z.string().max(20),
      note: z.string().max(20).default('none'),
      shout: z.string().max(20).transform((text) => text.toUpperCase()).optional(),
    });
    static readonly answer = z.object({ keys: z.array(z.string().max(20)).max(10), note: z.string().max(20), shout: z.string().max(20).nullable(), echo: z.boolean() });
    constructor(
      readonly text: string,
      readonly note?: string,
      readonly shout?: string,
    ) {
      super();
    }
  }
  class Create extends Command<null> {
    static readonly wire = `${module}.create.v1`;
    static readonly schema = z.object({ key: KEY });
    static readonly answer = nothing;
    constructor(readonly key: string) {
      super();
    }
  }
  class Whoami extends Query<WhoamiAnswer> {
    static readonly wire = `${module}.whoami.v1`;
    static readonly schema = z.object({});
    static readonly answer = z.object({ kind: z.enum(['user', 'service']), name: z.string().max(200), roles: z.array(z.string().max(100)).max(20) });
  }
  const messages = {
    Whoami: named(Whoami, `${module}Whoami`),
    Create: named(Create, `${module}Create`),
    Echo: named(Echo, `${module}Echo`),
    Put: named(Put, `${module}Put`),
    Get: named(Get, `${module}Get`),
    Changed: named(Changed, `${module}Changed`),
    Relayed: named(Relayed, `${module}Relayed`),
  } as unknown as ProbeMessages;
  cache.set(module, messages);
  return messages;
}

class ProbeError extends DomainError {
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    message: string,
    details: Record<string, unknown>,
  ) {
    super(message, details);
  }
}

function migrationOf(module: string): Type<MigrationInterface> {
  const s = `"${module}"`;
  return named(
    class implements MigrationInterface {
      readonly name = 'ProbeTables1732700000000';
      async up(db: QueryRunner): Promise<void> {
        await db.query(`CREATE TABLE ${s}.items (key text PRIMARY KEY, value int NOT NULL, version int NOT NULL)`);
        await db.query(
          `CREATE TABLE ${s}.handled (n bigserial PRIMARY KEY, event_id uuid NOT NULL, handler text NOT NULL, event text NOT NULL,
             key text NOT NULL, seq int NOT NULL, keys text)`,
        );
        await db.query(`CREATE TABLE ${s}.calls (n bigserial PRIMARY KEY, message text NOT NULL, key text)`);
        await db.query(
          `CREATE TABLE ${s}.faults (handler text NOT NULL, key text NOT NULL, kind text NOT NULL, remaining int NOT NULL,
             PRIMARY KEY (handler, key, kind))`,
        );
        await db.query(`CREATE TABLE ${s}.relay_seq (key text PRIMARY KEY, seq int NOT NULL)`);
      }
      async down(db: QueryRunner): Promise<void> {
        for (const table of ['relay_seq', 'faults', 'calls', 'handled', 'items']) await db.query(`DROP TABLE ${s}.${table}`);
      }
    },
    'ProbeTables1732700000000',
  ) as Type<MigrationInterface>;
}

/** The behaviour every probe handler shares: record the call, take an injected fault. */
class ProbeWork {
  constructor(
    readonly module: string,
    readonly database: ModuleDatabase,
  ) {}

  /** Recorded outside any transaction, so an attempt that fails is counted too. */
  async entered(message: string, key: string | undefined): Promise<void> {
    await this.database.manager.query(`INSERT INTO "${this.module}".calls (message, key) VALUES ($1, $2)`, [message, key ?? null]);
  }

  /** Whether a fault of `kind` is armed for `handler` on `key` (each use spends one, outside any transaction). */
  async fault(kind: FaultKind, handler: string, key: string): Promise<boolean> {
    const rows: unknown[] = await this.database.manager.query(
      `UPDATE "${this.module}".faults SET remaining = remaining - 1
        WHERE handler = $1 AND key = $2 AND kind = $3 AND remaining > 0 RETURNING 1`,
      [handler, key, kind],
    );
    return (Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows).length > 0;
  }

  /**
   * The serialization conflicts armed for `handler` on `key`, taken all at once before the
   * transaction (outside it: a handler holding its transaction's connection must not wait for
   * a second one from the same pool, or a full pool deadlocks). The returned function says, on
   * each try of the transaction, whether this one loses.
   */
  async conflicts(handler: string, key: string): Promise<() => boolean> {
    const rows: unknown[] = await this.database.manager.query(
      `WITH armed AS (SELECT remaining FROM "${this.module}".faults WHERE handler = $1 AND key = $2 AND kind = 'conflict' FOR UPDATE)
       UPDATE "${this.module}".faults f SET remaining = 0 FROM armed
        WHERE f.handler = $1 AND f.key = $2 AND f.kind = 'conflict' RETURNING armed.remaining`,
      [handler, key],
    );
    const returned = (Array.isArray(rows[0]) ? rows[0] : rows) as { remaining: number }[];
    let left = returned[0]?.remaining ?? 0;
    return () => left-- > 0;
  }
}

const SERIALIZATION_FAILURE = `DO $$ BEGIN RAISE EXCEPTION 'simulated serialization failure' USING ERRCODE = '40001'; END $$`;

function putHandler(module: string, messages: ProbeMessages, slowMs: number): Type<unknown> {
  class PutHandler {
    private readonly work: ProbeWork;
    constructor(database: ModuleDatabase) {
      this.work = new ProbeWork(module, database);
    }

    async execute(command: { key: string; value: number }): Promise<{ key: string; seq: number }> {
      await this.work.entered(messages.Put.wire, command.key);
      if (command.value === UNLUCKY_VALUE) {
        throw new ProbeError(`${module}.unlucky`, 'conflict', `${command.key} cannot take ${UNLUCKY_VALUE}`, { key: command.key });
      }
      const loses = await this.work.conflicts('put', command.key);
      return this.work.database.transaction(async ({ manager, publish }) => {
        if (loses()) await manager.query(SERIALIZATION_FAILURE);
        const rows = (await manager.query(
          `INSERT INTO "${module}".items (key, value, version) VALUES ($1, $2, 1)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = items.version + 1 RETURNING version`,
          [command.key, command.value],
        )) as { version: number }[];
        const seq = rows[0].version;
        if (command.value >= SLOW_FROM) await new Promise((resolve) => setTimeout(resolve, slowMs));
        const changed = new (messages.Changed as unknown as new (k: string, s: number, v: number) => IntegrationEvent)(command.key, seq, command.value);
        publish(command.value === STOWAWAY_VALUE ? Object.assign(changed, { stowaway: 'yes' }) : changed);
        return { key: command.key, seq: command.value === BAD_ANSWER_VALUE ? 0 : seq };
      });
    }
  }
  Inject(ModuleDatabase)(PutHandler, undefined as never, 0);
  CommandHandler(messages.Put as never)(PutHandler);
  return named(PutHandler, `${module}PutHandler`);
}

function getHandler(module: string, messages: ProbeMessages): Type<unknown> {
  class GetHandler {
    private readonly work: ProbeWork;
    constructor(database: ModuleDatabase) {
      this.work = new ProbeWork(module, database);
    }

    async execute(query: { key: string }): Promise<{ key: string; seq: number; value: number }> {
      await this.work.entered(messages.Get.wire, query.key);
      const rows = (await this.work.database.manager.query(`SELECT key, version, value FROM "${module}".items WHERE key = $1`, [query.key])) as {
        key: string;
        version: number;
        value: number;
      }[];
      if (rows.length === 0) throw new ProbeError(`${module}.not-found`, 'not-found', `No item ${query.key}`, { key: query.key });
      return { key: rows[0].key, seq: rows[0].version, value: rows[0].value };
    }
  }
  Inject(ModuleDatabase)(GetHandler, undefined as never, 0);
  QueryHandler(messages.Get as never)(GetHandler);
  return named(GetHandler, `${module}GetHandler`);
}

function createHandler(module: string, messages: ProbeMessages): Type<unknown> {
  class CreateHandler {
    constructor(private readonly database: ModuleDatabase) {}

    async execute(command: { key: string }): Promise<null> {
      // No ON CONFLICT: a second create of a key fails in the database, and nothing here catches it.
      await this.database.transaction(({ manager }) => manager.query(`INSERT INTO "${module}".items (key, value, version) VALUES ($1, 0, 1)`, [command.key]));
      return null;
    }
  }
  Inject(ModuleDatabase)(CreateHandler, undefined as never, 0);
  CommandHandler(messages.Create as never)(CreateHandler);
  return named(CreateHandler, `${module}CreateHandler`);
}

function whoamiHandler(messages: ProbeMessages): Type<unknown> {
  class WhoamiHandler {
    async execute(): Promise<WhoamiAnswer> {
      const principal = RequestContexts.current()?.principal;
      if (!principal) throw new ProbeError(`${messages.Whoami.wire.split('.')[0]}.nobody`, 'unauthorized', 'No principal', {});
      return principal.kind === 'user' ? { kind: 'user', name: principal.subject, roles: [...principal.roles] } : { kind: 'service', name: principal.service, roles: [] };
    }
  }
  QueryHandler(messages.Whoami as never)(WhoamiHandler);
  return named(WhoamiHandler, `${messages.Whoami.wire.split('.')[0]}WhoamiHandler`);
}

function echoHandler(messages: ProbeMessages): Type<unknown> {
  class EchoHandler {
    async execute(query: { text: string; note: string; shout?: string }): Promise<EchoAnswer> {
      return { keys: Object.keys(query).sort(), note: query.note, shout: query.shout ?? null, echo: query instanceof messages.Echo };
    }
  }
  QueryHandler(messages.Echo as never)(EchoHandler);
  return named(EchoHandler, `${messages.Echo.wire.split('.')[0]}EchoHandler`);
}

/** The role a probe module's writing route asks for (one of the test issuer's roles). */
export const PROBE_ADMIN_ROLE = 'admin';

const itemBody = z.strictObject({ value: z.int().min(0).max(1000) });
const itemAnswer = z.object({ key: KEY, seq: z.int().min(1), value: z.int().min(0).max(1000).optional() });
const echoQuery = z.strictObject({ text: z.string().max(20) });

/** The HTTP routes of probe module `module` (see the header): what the kernel's edge guards, validates and forwards. */
function itemsController(module: string, messages: ProbeMessages, sends: readonly string[]): Type<unknown> {
  const other = (name: string) => {
    if (!sends.includes(name)) throw new ProbeError(`${module}.not-sent`, 'not-found', `${module} sends nothing to ${name}`, { module: name });
    return probeMessages(name);
  };
  class ItemsController {
    constructor(
      private readonly commands: CommandBus,
      private readonly queries: QueryBus,
      private readonly seam: Seam,
    ) {}

    forwardPut(to: string, key: string, body: { value: number }): Promise<unknown> {
      return this.seam.send(new (other(to).Put)(key, body.value));
    }

    forwardGet(to: string, key: string): Promise<unknown> {
      return this.seam.ask(new (other(to).Get)(key));
    }

    forwardWhoami(to: string): Promise<unknown> {
      return this.seam.ask(new (other(to).Whoami)());
    }

    put(key: string, body: { value: number }): Promise<unknown> {
      return this.commands.execute(new messages.Put(key, body.value));
    }

    get(key: string): Promise<unknown> {
      return this.queries.execute(new messages.Get(key));
    }

    echo(query: { text: string }): Promise<unknown> {
      return this.queries.execute(new messages.Echo(query.text));
    }
  }
  const proto = ItemsController.prototype;
  // What TypeScript would emit for these methods were they declared with their decorators: Nest
  // and its OpenAPI document read the parameters' types from it.
  for (const [name, types] of [['put', [String, Object]], ['get', [String]], ['echo', [Object]], ['forwardPut', [String, String, Object]], ['forwardGet', [String, String]], ['forwardWhoami', [String]]] as const) {
    Reflect.defineMetadata('design:paramtypes', types, proto, name);
  }
  const route = (name: 'put' | 'get' | 'echo' | 'forwardPut' | 'forwardGet' | 'forwardWhoami', ...decorators: MethodDecorator[]): void => {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name)!;
    for (const decorate of decorators) decorate(proto, name, descriptor);
    Object.defineProperty(proto, name, descriptor);
  };
  route('put', Put('items/:key'), Authenticated(PROBE_ADMIN_ROLE), ApiOkResponse({ description: 'The item as written', standardSchema: itemAnswer }), ApiProblems(400, 403, 409, 503));
  Param('key', { schema: KEY })(proto, 'put', 0);
  Body({ schema: itemBody })(proto, 'put', 1);
  route('get', Get('items/:key'), ApiOkResponse({ description: 'The item', standardSchema: itemAnswer }), ApiProblems(400, 404, 503));
  Param('key', { schema: KEY })(proto, 'get', 0);
  route('echo', Get('echo'), Public(), ApiOkResponse({ description: 'What the handler was given' }), ApiProblems(400, 503));
  QueryArgs({ schema: echoQuery })(proto, 'echo', 0);
  route('forwardPut', Put('forward/:other/items/:key'), Authenticated(PROBE_ADMIN_ROLE), ApiOkResponse({ description: 'The other module\'s answer', standardSchema: itemAnswer }), ApiProblems(400, 403, 404, 409, 503, 504));
  Param('other', { schema: KEY })(proto, 'forwardPut', 0);
  Param('key', { schema: KEY })(proto, 'forwardPut', 1);
  Body({ schema: itemBody })(proto, 'forwardPut', 2);
  route('forwardGet', Get('forward/:other/items/:key'), ApiOkResponse({ description: 'The other module\'s answer', standardSchema: itemAnswer }), ApiProblems(400, 404, 503, 504));
  Param('other', { schema: KEY })(proto, 'forwardGet', 0);
  Param('key', { schema: KEY })(proto, 'forwardGet', 1);
  route('forwardWhoami', Get('forward/:other/whoami'), ApiOkResponse({ description: 'Whom the other module\'s handler acts for' }), ApiProblems(400, 404, 503, 504));
  Param('other', { schema: KEY })(proto, 'forwardWhoami', 0);
  Inject(CommandBus)(ItemsController, undefined as never, 0);
  Inject(QueryBus)(ItemsController, undefined as never, 1);
  Inject(Seam)(ItemsController, undefined as never, 2);
  Authenticated()(ItemsController);
  ApiTags(module)(ItemsController);
  Controller({ path: module, version: '1' })(ItemsController);
  return named(ItemsController, `${module}ItemsController`);
}

/** The name of subscriber `index` of `event` in a module (its inbox handler is `<module>/<name>`). */
export function subscriberName(event: string, index: number): string {
  return `On_${event.replace(/[.-]/g, '_')}_${index}`;
}

function subscriber(module: string, own: ProbeMessages, event: MessageClass<IntegrationEvent>, index: number, chain: boolean, slowMs: number): Type<unknown> {
  const name = subscriberName(event.wire, index);
  class ProbeSubscriber implements EventSubscriber<IntegrationEvent> {
    private readonly work: ProbeWork;
    constructor(database: ModuleDatabase) {
      this.work = new ProbeWork(module, database);
    }

    async handle(received: IntegrationEvent): Promise<void> {
      const { key, seq } = received as unknown as { key: string; seq: number };
      await this.work.entered(event.wire, key);
      if (await this.work.fault('throw', name, key)) throw new Error(`${module}/${name} was told to fail on ${key}#${seq}`);
      if (await this.work.fault('slow', name, key)) await new Promise((resolve) => setTimeout(resolve, slowMs));
      const loses = await this.work.conflicts(name, key);
      await this.work.database.transaction(async ({ manager, publish }) => {
        if (loses()) await manager.query(SERIALIZATION_FAILURE);
        await manager.query(`INSERT INTO "${module}".handled (event_id, handler, event, key, seq, keys) VALUES ($1, $2, $3, $4, $5, $6)`, [
          RequestContexts.current()?.messageId,
          `${module}/${name}`,
          event.wire,
          key,
          seq,
          Object.keys(received).sort().join(','),
        ]);
        if (!chain) return;
        const relayKey = `${event.wire.split('.')[0]}-${key}`.slice(0, 40);
        const rows = (await manager.query(
          `INSERT INTO "${module}".relay_seq (key, seq) VALUES ($1, 1)
           ON CONFLICT (key) DO UPDATE SET seq = relay_seq.seq + 1 RETURNING seq`,
          [relayKey],
        )) as { seq: number }[];
        publish(new own.Relayed(relayKey, rows[0].seq));
      });
    }
  }
  Inject(ModuleDatabase)(ProbeSubscriber, undefined as never, 0);
  Subscribe(event)(ProbeSubscriber);
  Injectable()(ProbeSubscriber);
  return named(ProbeSubscriber, name);
}

/** The event class named `wire` of a probe module. */
export function probeEvent(wire: string): MessageClass<IntegrationEvent> {
  const [module, name] = wire.split('.');
  const messages = probeMessages(module);
  return name === 'changed' ? messages.Changed : messages.Relayed;
}

/** The manifests of a probe system: what `createApp` runs, in the monolith and in a module host alike. */
export function probeManifests(system: ProbeSystem, options: { slowMs: number }): ModuleManifest[] {
  return system.modules.map((spec) => {
    const own = probeMessages(spec.name);
    const subscribers = spec.subscriptions.flatMap((subscription) =>
      Array.from({ length: subscription.handlers }, (_, index) =>
        subscriber(spec.name, own, probeEvent(subscription.event), index, subscription.chain && index === 0, options.slowMs),
      ),
    );
    const handlers = [putHandler(spec.name, own, options.slowMs), getHandler(spec.name, own), echoHandler(own), createHandler(spec.name, own), whoamiHandler(own)];
    const nest = named(
      class {},
      `${spec.name}ProbeModule`,
    );
    Module({
      imports: [PersistenceModule.forModule({ module: spec.name, entities: [], migrations: [migrationOf(spec.name)] })],
      controllers: [itemsController(spec.name, own, spec.sends ?? [])],
      providers: [...handlers, ...subscribers],
    })(nest);
    return defineModule({
      name: spec.name,
      routes: [`/v1/${spec.name}`],
      contract: { ...own },
      subscribes: spec.subscriptions.map((subscription) => probeEvent(subscription.event)),
      sends: (spec.sends ?? []).flatMap((name) => [probeMessages(name).Put, probeMessages(name).Get, probeMessages(name).Whoami]),
      load: async () => nest,
    });
  });
}

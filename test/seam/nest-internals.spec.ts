import { readFileSync, realpathSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { CommandBus, CommandHandler, CqrsModule, type ICommandHandler, type IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { ClientNats, ClientProxy, ClientRMQ, ClientTCP, JsonSocket, ServerNats, TcpSocket } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';

/**
 * The seam leans on members of Nest that are not public API. Each is pinned here: the kernel's
 * peerDependencies state the version ranges they were verified on, and this suite fails, saying
 * what to re-verify, when an installed version leaves its range or a member changes shape.
 *
 *   @nestjs/cqrs           CommandBus/QueryBus `handlers` (a Map from the handler id to a function),
 *                          the ids `@CommandHandler`/`@QueryHandler` store as `__command__`/`__query__`
 *                          metadata (packages/kernel/src/seam/local-handlers.ts)
 *   @nestjs/microservices  ClientProxy `createPacket`, each client's `publish(packet, callback)`
 *                          returning a teardown, ClientTCP `connectionPromise`
 *                          (packages/kernel/src/seam/client-request.ts); JsonSocket `handleSend`
 *                          (called by TcpSocket `sendMessage`), `applyBackpressure`,
 *                          `assertSendBufferWithinLimit`, `netSocket`
 *                          (packages/kernel/src/seam/batching-socket.ts); ServerNats `bindEvents(client)`
 *                          called by `start`, its `subscriptions` array (packages/kernel/src/seam/transport.ts)
 *
 * After re-verifying on a new version (test/seam/local-dispatch.spec.ts, test/seam/*tcp*,
 * bench), widen the range in packages/kernel/package.json.
 */
const ROOT = join(__dirname, '..', '..');
/**
 * Where Nest is installed: the repository, or with SEAMS_NEST_UNDER_TEST a fresh install of the
 * newest versions the peer ranges allow (.ci/nest-latest.sh; jest.config.js maps the imports there).
 */
const UNDER_TEST = process.env.SEAMS_NEST_UNDER_TEST ?? ROOT;
const installed = (name: string) => (JSON.parse(readFileSync(join(UNDER_TEST, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
const peers = (JSON.parse(readFileSync(join(ROOT, 'packages/kernel/package.json'), 'utf8')) as { peerDependencies: Record<string, string> })
  .peerDependencies;

const RE_VERIFY: Record<string, string> = {
  '@nestjs/cqrs': 'local-handlers.ts (CommandBus/QueryBus `handlers`, the `__command__`/`__query__` metadata)',
  '@nestjs/microservices': 'client-request.ts (ClientProxy `createPacket`, `publish`, `connectionPromise`) and batching-socket.ts (JsonSocket `handleSend`, `applyBackpressure`, `assertSendBufferWithinLimit`, `netSocket`) and transport.ts (ServerNats `bindEvents`, `subscriptions`)',
};

/** `~a.b.c` (same a.b, at least c) or `^a.b.c` (same a, at least b.c): the forms the pinned ranges use. */
function satisfies(version: string, range: string): boolean {
  const [, op, wanted] = /^([~^])(\d+\.\d+\.\d+)$/.exec(range) ?? [];
  if (!op) throw new Error(`the range "${range}" is neither ~x.y.z nor ^x.y.z`);
  const [a, b, c] = version.split('-')[0].split('.').map(Number);
  const [x, y, z] = wanted.split('.').map(Number);
  if (op === '~') return a === x && b === y && c >= z;
  return a === x && (b > y || (b === y && c >= z));
}

function pinned(what: string, ok: boolean, detail: string): void {
  if (!ok) {
    const module = what.startsWith('@nestjs/cqrs') ? '@nestjs/cqrs' : '@nestjs/microservices';
    throw new Error(
      `${what} ${detail} (installed ${module} ${installed(module)}, verified on ${peers[module]}). ` +
        `The seam relies on it: re-verify packages/kernel/src/seam/${RE_VERIFY[module]}, then update this test and the peer range.`,
    );
  }
}

class Ping {
  constructor(readonly n: number) {}
}
class Ask {
  constructor(readonly n: number) {}
}

@CommandHandler(Ping)
class PingHandler implements ICommandHandler<Ping, number> {
  async execute(command: Ping): Promise<number> {
    return command.n + 1;
  }
}

@QueryHandler(Ask)
class AskHandler implements IQueryHandler<Ask, number> {
  async execute(query: Ask): Promise<number> {
    return query.n * 2;
  }
}

@Module({ imports: [CqrsModule.forRoot()], providers: [PingHandler, AskHandler] })
class BusesModule {}

describe(`Nest internals the seam relies on (@nestjs/cqrs ${installed('@nestjs/cqrs')}, @nestjs/microservices ${installed('@nestjs/microservices')})`, () => {
  it('runs against the Nest it names: the classes come from that install', async () => {
    // a mapping that did not take would check the repository's Nest and prove nothing about the newest
    for (const [name, type] of [['@nestjs/cqrs', CommandBus], ['@nestjs/microservices', ClientTCP]] as const) {
      // (real paths: a copy of the repository may reach its node_modules through a link)
      expect(realpathSync(require.resolve(name))).toContain(realpathSync(join(UNDER_TEST, 'node_modules', name)));
      expect(((await import(name)) as Record<string, unknown>)[type.name]).toBe(type);
    }
  });

  it.each(Object.keys(RE_VERIFY))('%s is installed in the version range the kernel was verified on (its peer dependency)', (name) => {
    const range = peers[name];
    expect(range).toMatch(/^~/); // internals may change in any minor version
    if (!satisfies(installed(name), range)) {
      throw new Error(
        `${name} ${installed(name)} is outside ${range}, the range the seam's use of its internals was verified on: ` +
          `re-verify packages/kernel/src/seam/${RE_VERIFY[name]}, then widen the peer range in packages/kernel/package.json.`,
      );
    }
  });

  it('finds the command and query handlers in the buses’ `handlers` Map, by the id their decorators store', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [BusesModule] }).compile();
    await moduleRef.init();
    try {
      for (const [bus, type, key, message, answer] of [
        [moduleRef.get(CommandBus), Ping, '__command__', new Ping(1), 2],
        [moduleRef.get(QueryBus), Ask, '__query__', new Ask(2), 4],
      ] as const) {
        const id = (Reflect.getMetadata(key, type) as { id?: unknown } | undefined)?.id;
        pinned(`@nestjs/cqrs: the "${key}" metadata of a handled class`, typeof id === 'string', `has no string id`);
        const table = (bus as unknown as { handlers?: unknown }).handlers;
        pinned(`@nestjs/cqrs: ${bus.constructor.name}.handlers`, table instanceof Map, 'is no longer a Map');
        const handler = (table as Map<unknown, unknown>).get(id);
        pinned(`@nestjs/cqrs: ${bus.constructor.name}.handlers.get(id)`, typeof handler === 'function', 'is not a function');
        await expect((handler as (message: object) => Promise<unknown>)(message)).resolves.toBe(answer);
        pinned(`@nestjs/cqrs: ${bus.constructor.name}.subject$ and .publisher`, 'subject$' in bus && typeof bus.publisher?.publish === 'function', 'changed');
      }
    } finally {
      await moduleRef.close();
    }
  });

  it('has the two steps of ClientProxy.send the seam takes itself: createPacket and each client’s publish, and ClientTCP’s connectionPromise', () => {
    const proto = ClientProxy.prototype as unknown as Record<string, unknown>;
    pinned('@nestjs/microservices: ClientProxy.prototype.createPacket', typeof proto.createPacket === 'function', 'is gone');
    const tcp = new ClientTCP({});
    const packet = (tcp as unknown as { createPacket(pattern: unknown, data: unknown): unknown }).createPacket('p', { a: 1 });
    pinned('@nestjs/microservices: createPacket(pattern, data)', JSON.stringify(packet) === JSON.stringify({ pattern: 'p', data: { a: 1 } }), 'no longer gives { pattern, data }');
    for (const client of [ClientTCP, ClientNats, ClientRMQ]) {
      const publish = (client.prototype as unknown as Record<string, unknown>).publish;
      pinned(`@nestjs/microservices: ${client.name}.prototype.publish`, typeof publish === 'function' && publish.length === 2, 'is not publish(packet, callback)');
    }
    pinned('@nestjs/microservices: ClientTCP#connectionPromise', 'connectionPromise' in tcp && (tcp as unknown as { connectionPromise: unknown }).connectionPromise === null, 'is not null before connect()');
    const source = ClientTCP.prototype.connect.toString();
    pinned('@nestjs/microservices: ClientTCP.connect', source.includes('this.connectionPromise'), 'no longer keeps its connection in connectionPromise');
  });

  it('has JsonSocket’s send and backpressure steps that BatchingJsonSocket overrides and calls', () => {
    pinned('@nestjs/microservices: TcpSocket.sendMessage', TcpSocket.prototype.sendMessage.toString().includes('this.handleSend('), 'no longer sends through handleSend');
    const proto = JsonSocket.prototype as unknown as Record<string, unknown>;
    for (const member of ['handleSend', 'applyBackpressure', 'assertSendBufferWithinLimit']) {
      pinned(`@nestjs/microservices: JsonSocket.prototype.${member}`, typeof proto[member] === 'function', 'is gone');
    }
    const raw = new Socket();
    try {
      const socket = new JsonSocket(raw, { maxSendBufferSize: 1024 }) as unknown as {
        netSocket: Socket;
        isBackpressured: boolean;
        maxSendBufferSize: number;
        applyBackpressure(): void;
      };
      pinned('@nestjs/microservices: JsonSocket#netSocket', socket.netSocket === raw, 'is not the socket it wraps');
      pinned('@nestjs/microservices: JsonSocket#maxSendBufferSize', socket.maxSendBufferSize === 1024, 'is not taken from its options');
      socket.applyBackpressure();
      pinned('@nestjs/microservices: JsonSocket.applyBackpressure', socket.isBackpressured && raw.isPaused(), 'no longer pauses reading');
      pinned('@nestjs/microservices: JsonSocket.applyBackpressure', raw.listenerCount('drain') === 1, 'no longer waits for drain to resume');
    } finally {
      raw.destroy();
    }
  });

  it('has ServerNats’ bindEvents, which SeamNatsServer overrides, called by start, and its subscriptions array', () => {
    const source = ServerNats.prototype.start.toString();
    pinned('@nestjs/microservices: ServerNats.start', source.includes('this.bindEvents('), 'no longer subscribes through bindEvents');
    const server = new ServerNats({});
    pinned('@nestjs/microservices: ServerNats#subscriptions', Array.isArray((server as unknown as { subscriptions: unknown }).subscriptions), 'is not an array');
    pinned('@nestjs/microservices: ServerNats.close', ServerNats.prototype.close.toString().includes('this.subscriptions'), 'no longer ends the subscriptions it keeps');
  });
});

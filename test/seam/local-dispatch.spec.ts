import { Global, Injectable, Module, Scope } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommand, type ICommandHandler, type ICommandPublisher, type IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { Test, type TestingModule } from '@nestjs/testing';
import pino from 'pino';
import { Metrics } from '@seams/kernel/observability';
import { SeamObserver } from '@seams/kernel/observability';
import { Command, DomainError, z, Query } from '@seams/kernel/primitives';
import { defineModule, MessageRegistry, RequestContexts, Seam, SeamModule, SeamTimeoutError } from '@seams/kernel/seam';
import { LocalHandlers } from '@seams/kernel/seam';
import { seamOptionsFor, topologyFrom } from '../../src/host/config';
import { serviceSeam } from '@seams/kernel/testing';

class Add extends Command<{ sum: number }> {
  static readonly wire = 'adder.add.v1';
  static readonly schema = z.object({ a: z.int(), b: z.int() });

  constructor(
    readonly a: number,
    readonly b: number,
  ) {
    super();
  }
}

class Fail extends Command<void> {
  static readonly wire = 'adder.fail.v1';
  static readonly schema = z.object({ how: z.string().max(10_000) });

  constructor(readonly how: 'domain' | 'throw-sync') {
    super();
  }
}

class Scoped extends Query<{ instance: number }> {
  static readonly wire = 'adder.scoped.v1';
  static readonly schema = z.object({});
}

/** A command whose handler answers when told to, or never; it reports the deadline it ran under. */
class Wait extends Command<{ deadline: number | undefined }> {
  static readonly wire = 'adder.wait.v1';
  static readonly schema = z.object({ forever: z.boolean() });

  constructor(readonly forever: boolean) {
    super();
  }
}

class Refused extends DomainError {
  readonly code = 'adder.refused';
  readonly kind = 'conflict';

  constructor() {
    super('refused on purpose');
  }
}

@CommandHandler(Add)
class AddHandler implements ICommandHandler<Add> {
  calls = 0;
  async execute(command: Add) {
    this.calls++;
    return { sum: command.a + command.b };
  }
}

@CommandHandler(Fail)
class FailHandler implements ICommandHandler<Fail> {
  // Not async on purpose: a handler that throws before it returns a promise.
  execute(command: Fail): Promise<void> {
    if (command.how === 'throw-sync') throw new Error('thrown before any promise');
    return Promise.reject(new Refused());
  }
}

@CommandHandler(Wait)
class WaitHandler implements ICommandHandler<Wait> {
  calls = 0;
  execute(command: Wait): Promise<{ deadline: number | undefined }> {
    this.calls++;
    if (command.forever) return new Promise(() => undefined);
    return Promise.resolve({ deadline: RequestContexts.current()?.deadline });
  }
}

let instances = 0;

/** A request-scoped handler: @nestjs/cqrs builds one per message, and the seam must keep that. */
@Injectable({ scope: Scope.REQUEST })
@QueryHandler(Scoped)
class ScopedHandler implements IQueryHandler<Scoped> {
  private readonly instance = ++instances;
  async execute() {
    return { instance: this.instance };
  }
}

@Module({ providers: [AddHandler, FailHandler, ScopedHandler, WaitHandler] })
class AdderModule {}

const adder = defineModule({ name: 'adder', contract: { Add, Fail, Scoped, Wait }, load: async () => AdderModule });

const TIMEOUT_MS = 300;

describe('local dispatch: the seam calls an in-process handler without the bus per call, and loses nothing by it', () => {
  let app: TestingModule;
  let seam: Seam;
  let commands: CommandBus;
  let metrics: Metrics;

  beforeAll(async () => {
    const registry = new MessageRegistry([adder]);
    const env = { SEAMS_TIMEOUT_MS: String(TIMEOUT_MS) };
    const topology = topologyFrom(registry, { kind: 'monolith' }, env);
    metrics = new Metrics();
    const observer = new SeamObserver(metrics, pino({ level: 'silent' }));
    @Global()
    @Module({ providers: [{ provide: SeamObserver, useValue: observer }], exports: [SeamObserver] })
    class ObserverModule {}
    app = await Test.createTestingModule({
      imports: [ObserverModule, SeamModule.forRoot({ registry, topology, ...seamOptionsFor(registry, env) }), AdderModule],
    }).compile();
    await app.init();
    seam = serviceSeam(app.get(Seam));
    commands = app.get(CommandBus);
  });

  afterAll(() => app.close());

  it('finds the handler in the bus (the fast path is in use: a new @nestjs/cqrs that hides it fails here)', async () => {
    const handlers = new LocalHandlers(commands, app.get(QueryBus));
    expect(handlers.dispatchOf(Add, 'command')).toEqual(expect.any(Function));
    expect(handlers.dispatchOf(Scoped, 'query')).toEqual(expect.any(Function));
    const execute = jest.spyOn(commands, 'execute');
    try {
      await expect(seam.send(new Add(1, 2))).resolves.toEqual({ sum: 3 });
      expect(execute).toHaveBeenCalledTimes(0);
      await commands.execute(new Add(1, 2));
      expect(execute).toHaveBeenCalledTimes(1);
    } finally {
      execute.mockRestore();
    }
  });

  it('answers from the same handler instance as the bus', async () => {
    const handler = app.get(AddHandler);
    const before = handler.calls;
    await expect(seam.send(new Add(20, 22))).resolves.toEqual({ sum: 42 });
    await expect(commands.execute(new Add(1, 1))).resolves.toEqual({ sum: 2 });
    expect(handler.calls).toBe(before + 2);
  });

  it("still shows every command on the bus's stream while someone watches it", async () => {
    const seen: ICommand[] = [];
    const subscription = commands.subscribe((command) => seen.push(command));
    try {
      const command = new Add(2, 3);
      await seam.send(command);
      expect(seen).toEqual([command]);
    } finally {
      subscription.unsubscribe();
    }
    await seam.send(new Add(4, 5));
    expect(seen).toHaveLength(1);
  });

  it('hands every command to a publisher set on the bus (one that forwards commands elsewhere)', async () => {
    const published: ICommand[] = [];
    const original = commands.publisher;
    const forwarding: ICommandPublisher = { publish: (command) => void published.push(command) };
    commands.publisher = forwarding;
    try {
      await seam.send(new Add(6, 7));
    } finally {
      commands.publisher = original;
    }
    expect(published).toEqual([new Add(6, 7)]);
  });

  it('keeps request-scoped handlers: a new instance per message', async () => {
    const first = await seam.ask(new Scoped());
    const second = await seam.ask(new Scoped());
    expect(second.instance).not.toBe(first.instance);
  });

  it('turns a handler that throws at once into a rejected promise, and counts both kinds of failure', async () => {
    const sent = seam.send(new Fail('throw-sync'));
    expect(sent).toBeInstanceOf(Promise);
    await expect(sent).rejects.toThrow('thrown before any promise');
    await expect(seam.send(new Fail('domain'))).rejects.toBeInstanceOf(Refused);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/seams_seam_call_duration_seconds_count\{[^}]*message="adder\.fail\.v1"[^}]*outcome="internal"[^}]*\} 1/);
    expect(text).toMatch(/seams_seam_call_duration_seconds_count\{[^}]*message="adder\.fail\.v1"[^}]*outcome="adder\.refused"[^}]*\} 1/);
    expect(text).toMatch(/seams_seam_call_duration_seconds_count\{[^}]*message="adder\.add\.v1"[^}]*mode="local"[^}]*outcome="ok"[^}]*\} [1-9]/);
  });

  it('runs a local handler under the deadline a remote call would get: SEAMS_TIMEOUT_MS from now, or the caller’s if sooner', async () => {
    const before = Date.now();
    const own = await seam.send(new Wait(false));
    expect(own.deadline).toBeGreaterThanOrEqual(before + TIMEOUT_MS);
    expect(own.deadline).toBeLessThanOrEqual(Date.now() + TIMEOUT_MS);
    const sooner = Date.now() + 100;
    const callers = await RequestContexts.run({ correlationId: 'deadline-test', deadline: sooner }, () => seam.send(new Wait(false)));
    expect(callers.deadline).toBe(sooner);
  });

  it('answers seam.timeout at the deadline when a local handler never answers, as a module host would', async () => {
    const error = await seam.send(new Wait(true)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SeamTimeoutError);
    expect(error).toMatchObject({ code: 'seam.timeout', kind: 'timeout' });
  });

  it('refuses a message whose deadline has passed before it is sent, without running the handler', async () => {
    const handler = app.get(WaitHandler);
    const before = handler.calls;
    const error = await RequestContexts.run({ correlationId: 'late', deadline: Date.now() - 1 }, () => seam.send(new Wait(false))).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'seam.timeout' });
    expect(handler.calls).toBe(before);
  });
});

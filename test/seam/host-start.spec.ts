import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import { startApp } from '../../src/host/create-app';
import { Command, z } from '@seams/kernel/primitives';
import { defineModule, MessageRegistry, SeamModule, serverOptions } from '@seams/kernel/seam';
import { SeamReceiver } from '@seams/kernel/seam';
import { sealed, testAuthEnv } from '../support/auth';
import { freePort } from '../support/processes';
import { seamOptionsFor, topologyFrom } from '../../src/host/config';

class Note extends Command<{ noted: string }> {
  static readonly wire = 'notes.note.v1';
  static readonly schema = z.object({ text: z.string().max(10_000) });

  constructor(readonly text: string) {
    super();
  }
}

@CommandHandler(Note)
class NoteHandler implements ICommandHandler<Note> {
  async execute(note: Note) {
    return { noted: note.text };
  }
}

let bootstrapping: (() => void) | undefined;

/** Takes a while to bootstrap, and says when it has begun. */
@Injectable()
class SlowStart implements OnApplicationBootstrap {
  async onApplicationBootstrap(): Promise<void> {
    bootstrapping?.();
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
}

@Module({ providers: [NoteHandler, SlowStart] })
class NotesModule {}

const notes = defineModule({ name: 'notes', contract: { Note }, load: async () => NotesModule });
const registry = new MessageRegistry([notes]);

const envelope = () => {
  const id = randomUUID();
  return sealed({ v: 1, kind: 'command', name: Note.wire, id, correlationId: id, deadline: Date.now() + 5000, payload: { text: 'hi' } });
};

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A module host's command and query handlers are registered when the application bootstraps.
 * Its seam listener opens only after that, and a message that arrives before its handler
 * exists anyway (a host started some other way) gets `seam.unavailable`, never a failure.
 */
describe('a module host starting up', () => {
  it('opens its seam listener only once the application has bootstrapped', async () => {
    const seamPort = await freePort();
    const url = `tcp://127.0.0.1:${seamPort}`;
    const topology = topologyFrom(registry, { kind: 'module', module: 'notes' }, { SEAMS_NOTES_URL: url });
    @Module({ imports: [SeamModule.forRoot({ registry, topology, ...seamOptionsFor(registry, testAuthEnv()) }), NotesModule] })
    class HostModule {}
    const app = await NestFactory.create(HostModule, { logger: false });
    app.connectMicroservice(serverOptions('notes', url));
    const begun = new Promise<void>((resolve) => (bootstrapping = resolve));
    const started = startApp(app, await freePort(), '127.0.0.1');
    try {
      await begun;
      expect(await reachable(seamPort)).toBe(false);
      await started;
      expect(await reachable(seamPort)).toBe(true);
    } finally {
      bootstrapping = undefined;
      await started.catch(() => undefined);
      await app.close();
    }
  });

  it('answers a message that comes before its handler is registered with seam.unavailable', async () => {
    const topology = topologyFrom(registry, { kind: 'module', module: 'notes' }, { SEAMS_NOTES_URL: 'tcp://127.0.0.1:1' });
    const moduleRef = await Test.createTestingModule({
      imports: [SeamModule.forRoot({ registry, topology, ...seamOptionsFor(registry, testAuthEnv()) }), NotesModule],
    }).compile();
    // Not initialised yet: the buses have not registered any handler.
    const receiver = moduleRef.get(SeamReceiver);
    await expect(receiver.receive('notes', envelope())).resolves.toMatchObject({
      ok: false,
      error: { code: 'seam.unavailable', kind: 'unavailable', message: expect.stringMatching(/no handler for notes\.note\.v1 yet/) },
    });
    await moduleRef.init();
    await expect(receiver.receive('notes', envelope())).resolves.toEqual({ ok: true, result: { noted: 'hi' } });
    await moduleRef.close();
  });
});

import { randomUUID } from 'node:crypto';
import { type INestApplication, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { startApp } from '../../src/host/create-app';
import { sku } from '../../modules/catalog/contract';
import { Command, DomainError, type Infer, z } from '@seams/kernel/primitives';
import { defineModule, MessageRegistry, patternOf, Seam, SeamModule, serverOptions } from '@seams/kernel/seam';
import { seamOptionsFor, topologyFrom } from '../../src/host/config';
import { sealed, testAuthEnv } from '../support/auth';
import { freePort } from '../support/processes';
import { RawTcpClient } from '../support/raw-tcp';
import { serviceSeam } from '@seams/kernel/testing';

/** A contract with every kind of field a payload may have. */
const payload = z.object({
  parcelId: z.guid(),
  /** optional */
  note: z.string().max(200).optional(),
  /** nullable (present, may be null) */
  giftMessage: z.string().max(100).nullable(),
  /** enum */
  speed: z.enum(['standard', 'express']),
  /** union */
  reference: z.union([z.string().min(1).max(20), z.int().min(0)]),
  /** discriminated union */
  payer: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('sender'), accountId: z.string().max(20) }),
    z.object({ kind: z.literal('receiver'), phone: z.string().regex(/^\+[0-9]{6,15}$/) }),
  ]),
  /** bounded */
  weightGrams: z.int().min(1).max(30_000),
  lines: z.array(z.object({ sku, quantity: z.int().min(1).max(10) })).min(1).max(3),
});
type BookParcelPayload = Infer<typeof payload>;

/** What the handler saw: the fields it was given, and whether it got the message class. */
interface Seen {
  readonly fields: Record<string, unknown>;
  readonly isInstance: boolean;
}

class BookParcel extends Command<Seen> {
  static readonly wire = 'parcels.book-parcel.v1';
  static readonly schema = payload;

  constructor(fields: BookParcelPayload) {
    super();
    Object.assign(this, fields);
  }
}

@CommandHandler(BookParcel)
class BookParcelHandler implements ICommandHandler<BookParcel> {
  async execute(message: BookParcel): Promise<Seen> {
    return { fields: { ...message }, isInstance: message instanceof BookParcel };
  }
}

@Module({ providers: [BookParcelHandler] })
class ParcelsModule {}

const parcels = defineModule({ name: 'parcels', contract: { BookParcel }, load: async () => ParcelsModule });
const registry = new MessageRegistry([parcels]);

const valid: BookParcelPayload = {
  parcelId: randomUUID(),
  giftMessage: null,
  speed: 'express',
  reference: 'REF-1',
  payer: { kind: 'sender', accountId: 'ACC-1' },
  weightGrams: 30_000,
  lines: [
    { sku: 'TEA-1', quantity: 10 },
    { sku: 'TEA-2', quantity: 1 },
    { sku: 'TEA-3', quantity: 1 },
  ],
};

/** Payloads each kind of field accepts. */
const accepted: [string, Record<string, unknown>][] = [
  ['an optional field left out, a nullable one null, a bound reached', {}],
  ['an optional field given', { note: 'leave at the door' }],
  ['a nullable field given', { giftMessage: 'Happy birthday' }],
  ['the other enum value', { speed: 'standard' }],
  ['the other union alternative', { reference: 42 }],
  ['the other discriminated alternative', { payer: { kind: 'receiver', phone: '+3161234567' } }],
];

/** Payloads each kind of field refuses, with the path the issue names. */
const refused: [string, Record<string, unknown>, string][] = [
  ['an optional field of the wrong type', { note: 7 }, 'note'],
  ['an optional field too long', { note: 'x'.repeat(201) }, 'note'],
  ['a nullable field left out', { giftMessage: undefined }, 'giftMessage'],
  ['a value outside the enum', { speed: 'drone' }, 'speed'],
  ['a value of neither union alternative', { reference: true }, 'reference'],
  ['a union alternative out of its bounds', { reference: '' }, 'reference'],
  ['an unknown discriminator', { payer: { kind: 'friend' } }, 'payer.kind'],
  ['a discriminated alternative breaking its pattern', { payer: { kind: 'receiver', phone: '12' } }, 'payer.phone'],
  ['a number above its maximum', { weightGrams: 30_001 }, 'weightGrams'],
  ['too many items', { lines: [...valid.lines, { sku: 'TEA-4', quantity: 1 }] }, 'lines'],
  ['an item out of bounds', { lines: [{ sku: 'TEA-1', quantity: 1 }, { sku: 'TEA-2', quantity: 11 }] }, 'lines[1].quantity'],
  ['an item breaking the sku pattern', { lines: [{ sku: 'tea 1', quantity: 1 }] }, 'lines[0].sku'],
];

const messageOf = (changes: Record<string, unknown>) => new BookParcel({ ...valid, ...changes } as BookParcelPayload);
const expected = (changes: Record<string, unknown>) =>
  Object.fromEntries(Object.entries({ ...valid, ...changes }).filter(([, value]) => value !== undefined));

interface Side {
  readonly seam: Seam;
  /** Across TCP only: the host's seam port, to send it envelopes the sender would refuse. */
  readonly port?: number;
  close(): Promise<void>;
}

async function inProcess(): Promise<Side> {
  const env = testAuthEnv();
  const topology = topologyFrom(registry, { kind: 'monolith' }, env);
  @Module({ imports: [SeamModule.forRoot({ registry, topology, ...seamOptionsFor(registry, env) }), ParcelsModule] })
  class MonolithModule {}
  const app = await NestFactory.createApplicationContext(MonolithModule, { logger: false });
  await app.init();
  return { seam: serviceSeam(app.get(Seam)), close: () => app.close() };
}

async function acrossTcp(): Promise<Side> {
  const port = await freePort();
  const url = `tcp://127.0.0.1:${port}`;
  const hostTopology = topologyFrom(registry, { kind: 'module', module: 'parcels' }, { SEAMS_PARCELS_URL: url });
  @Module({ imports: [SeamModule.forRoot({ registry, topology: hostTopology, ...seamOptionsFor(registry, testAuthEnv()) }), ParcelsModule] })
  class HostModule {}
  const host: INestApplication = await NestFactory.create(HostModule, { logger: false });
  host.connectMicroservice(serverOptions('parcels', url));
  await startApp(host, await freePort(), '127.0.0.1');
  const env = { ...testAuthEnv(), SEAMS_PARCELS: 'remote', SEAMS_PARCELS_URL: url };
  const topology = topologyFrom(registry, { kind: 'monolith' }, env);
  @Module({ imports: [SeamModule.forRoot({ registry, topology, ...seamOptionsFor(registry, env) })] })
  class CallerModule {}
  const caller: INestApplicationContext = await NestFactory.createApplicationContext(CallerModule, { logger: false });
  return {
    seam: serviceSeam(caller.get(Seam)),
    port,
    close: async () => {
      await caller.close();
      await host.close();
    },
  };
}

/**
 * Optional, nullable, enum, union and bounded fields, declared once with Zod, behave the same
 * in process and across TCP: the same payloads reach the handler, the same ones are refused
 * with `seam.invalid-message` naming the field's path, and keys the contract does not know
 * are dropped.
 */
describe.each([
  ['in process', inProcess],
  ['across TCP to a module host', acrossTcp],
])('contract field kinds %s', (where, start) => {
  let side: Side;

  beforeAll(async () => {
    side = await start();
  });

  afterAll(() => side?.close());

  it.each(accepted)('accepts %s', async (_, changes) => {
    const seen = await side.seam.send(messageOf(changes));
    expect(seen).toEqual({ fields: expected(changes), isInstance: true });
    if (!('note' in changes)) expect('note' in seen.fields).toBe(false);
  });

  it.each(refused)('refuses %s, naming its path', async (_, changes, path) => {
    const error = await side.seam.send(messageOf(changes)).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'seam.invalid-message', kind: 'invalid' });
    const issues = (error as DomainError).details.issues as { path: string; message: string }[];
    expect(issues.map((issue) => issue.path)).toEqual([path]);
    expect(issues[0].message).toEqual(expect.any(String));
  });

  if (where === 'in process') return;

  /** What the host itself answers, for envelopes a sender built from other code might send. */
  async function sendRaw(payloadToSend: unknown): Promise<{ ok: boolean; result?: Seen; error?: { code: string; details: { issues: { path: string }[] } } }> {
    const client = await RawTcpClient.open(side.port!);
    try {
      const id = randomUUID();
      client.request(patternOf('parcels'), sealed({
        v: 1,
        kind: 'command',
        name: BookParcel.wire,
        id,
        correlationId: id,
        deadline: Date.now() + 5000,
        payload: payloadToSend,
      }), id);
      const reply = (await client.next()) as { response: never };
      return reply.response;
    } finally {
      client.close();
    }
  }

  it('drops keys the contract does not know, at the host, and still serves the message', async () => {
    const reply = await sendRaw({ ...valid, sentByNewerVersion: 'ignored', payer: { ...valid.payer, extra: 1 } });
    expect(reply).toEqual({ ok: true, result: { fields: expected({}), isInstance: true } });
  });

  it.each(refused)('the host itself refuses %s with the same typed error', async (_, changes, path) => {
    const reply = await sendRaw(expected(changes));
    expect(reply).toMatchObject({ ok: false, error: { code: 'seam.invalid-message' } });
    expect(reply.error!.details.issues.map((issue) => issue.path)).toEqual([path]);
  });
});

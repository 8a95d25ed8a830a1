// @uses-modules inventory
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MANIFESTS } from '../../src/host/manifests';
import { Command, z, IntegrationEvent, Query } from '@seams/kernel/primitives';
import { defineModule } from '@seams/kernel/seam';
import { checkContracts } from '../../tools/contracts/check';
import { compareSnapshots, describeFinding } from '../../tools/contracts/compatibility';
import { type ModuleSnapshot, serialize, snapshotOf } from '../../tools/contracts/snapshot';

const ROOT = join(__dirname, '..', '..');

/** A small module whose v1 contract the cases below change, the way a team would. */
class ShipParcel extends Command<void> {
  static readonly wire = 'shipping.ship-parcel.v1';
  static readonly idempotencyKey = 'parcelId';
  static readonly schema = z.object({
    parcelId: z.guid(),
    speed: z.enum(['standard', 'express']),
    lines: z.array(z.object({ sku: z.string().max(64), quantity: z.int().min(1) })).max(100),
  });
}
class GetParcel extends Query<unknown> {
  static readonly wire = 'shipping.get-parcel.v1';
  static readonly schema = z.object({ parcelId: z.guid() });
  static readonly answer = z.object({ parcelId: z.guid(), status: z.enum(['packed', 'shipped']), weightGrams: z.int().min(0).max(100_000) });
}
class ParcelShipped extends IntegrationEvent {
  static readonly wire = 'shipping.parcel-shipped.v1';
  static readonly aggregate = 'parcelId';
  static readonly schema = z.object({
    parcelId: z.guid(),
    carrier: z.enum(['post', 'courier']),
    note: z.string().max(200),
  });
}

const base = (): ModuleSnapshot[] =>
  JSON.parse(
    JSON.stringify(
      snapshotOf([defineModule({ name: 'shipping', contract: { ShipParcel, GetParcel, ParcelShipped }, load: () => Promise.reject(new Error('not loaded')) })]),
    ),
  ) as ModuleSnapshot[];

/** A snapshot's JSON as the cases edit it (each case knows which parts it touches). */
interface Schema {
  type: string;
  properties: Record<string, Schema>;
  required: string[];
  items: Schema;
  enum: string[];
  [constraint: string]: unknown;
}
const schema = (json: object) => json as Schema;
type Messages = Record<string, { kind: string; aggregate?: string; payload: Schema; answer?: Schema }>;

const messagesOf = (snapshot: ModuleSnapshot) => snapshot.messages as unknown as Messages;
/** The committed snapshot, then the one the changed code gives. */
function changed(edit: (messages: Messages) => void) {
  const after = base();
  edit(messagesOf(after[0]));
  return compareSnapshots(base(), after);
}
const broken = (comparison: ReturnType<typeof compareSnapshots>) => comparison.breaking.map(describeFinding);
const ship = (m: Messages) => m['shipping.ship-parcel.v1'].payload;
const shipped = (m: Messages) => m['shipping.parcel-shipped.v1'].payload;

describe('contracts:check on answers (a query\'s answer flows out, to callers who read it)', () => {
  const answer = (m: Messages) => m['shipping.get-parcel.v1'].answer!;

  it('snapshots a declared answer', () => {
    expect(answer(messagesOf(base()[0])).properties.status.enum).toEqual(['packed', 'shipped']);
  });

  it('flags a field of the answer removed, an answer enum value added and the declaration removed as breaking', () => {
    expect(broken(changed((m) => delete answer(m).properties.weightGrams))).toEqual([expect.stringMatching(/^shipping › shipping.get-parcel.v1 › \(answer\).weightGrams: field removed/)]);
    expect(broken(changed((m) => answer(m).properties.status.enum.push('lost')))).toEqual([expect.stringMatching(/^shipping › shipping.get-parcel.v1 › \(answer\).status: .*lost/)]);
    expect(broken(changed((m) => delete m['shipping.get-parcel.v1'].answer))).toEqual(['shipping › shipping.get-parcel.v1 › (answer): answer declaration removed (callers rely on what it promised)']);
  });

  it('flags a narrowed answer too (a caller at N checks what a host at N-1 still answers), and takes a new optional field as compatible', () => {
    expect(broken(changed((m) => (answer(m).properties.weightGrams.maximum = 50_000)))).toEqual([expect.stringMatching(/\(answer\).weightGrams: maximum 100000 → 50000/)]);
    expect(broken(changed((m) => (answer(m).properties.note = schema({ type: 'string' }))))).toEqual([]);
  });
});

describe('contracts:check compatibility rules (in-memory snapshots)', () => {
  it('finds nothing when the contract is unchanged', () => {
    expect(compareSnapshots(base(), base())).toEqual({ breaking: [], compatible: [] });
  });

  it.each([
    ['a required field removed', (m: Messages) => {
      delete ship(m).properties.speed;
      ship(m).required = ship(m).required.filter((name: string) => name !== 'speed');
    }, 'shipping › shipping.ship-parcel.v1 › speed: field removed (it was required; consumers may read it)'],
    ['an optional field removed (every removal counts: a consumer may read it)', () => {
      const before = base();
      shipped(messagesOf(before[0])).properties.tracking = schema({ type: 'string', maxLength: 40 });
      return before;
    }, 'shipping › shipping.parcel-shipped.v1 › tracking: field removed (it was optional; consumers may read it)'],
    ['a field nested in array items removed', (m: Messages) => {
      delete ship(m).properties.lines.items.properties.quantity;
      ship(m).properties.lines.items.required = ['sku'];
    }, 'shipping › shipping.ship-parcel.v1 › lines[].quantity: field removed'],
    ['a type changed', (m: Messages) => {
      ship(m).properties.lines.items.properties.quantity = schema({ type: 'string', minLength: 1, maxLength: 10 });
    }, 'shipping › shipping.ship-parcel.v1 › lines[].quantity: type changed from integer to string'],
    ['a new required field', (m: Messages) => {
      ship(m).properties.insured = schema({ type: 'boolean' });
      ship(m).required.push('insured');
    }, 'shipping › shipping.ship-parcel.v1 › insured: new required field'],
    ['an optional field made required', (m: Messages) => {
      ship(m).properties.insured = schema({ type: 'boolean' });
      ship(m).required.push('insured');
      const before = base();
      ship(messagesOf(before[0])).properties.insured = schema({ type: 'boolean' });
      return before;
    }, 'shipping › shipping.ship-parcel.v1 › insured: optional field made required'],
    ['an enum value removed', (m: Messages) => {
      ship(m).properties.speed.enum = ['standard'];
    }, 'shipping › shipping.ship-parcel.v1 › speed: enum value removed: "express"'],
    ['a message removed', (m: Messages) => {
      delete m['shipping.get-parcel.v1'];
    }, 'shipping › shipping.get-parcel.v1: message removed'],
    ['a message whose kind changed', (m: Messages) => {
      m['shipping.get-parcel.v1'].kind = 'command';
    }, 'shipping › shipping.get-parcel.v1: kind changed from query to command'],
    ['a constraint narrowed', (m: Messages) => {
      ship(m).properties.lines.maxItems = 10;
    }, 'shipping › shipping.ship-parcel.v1 › lines: maxItems 100 → 10 (narrowed'],
    ['an event widened: old subscribers would refuse the new values', (m: Messages) => {
      shipped(m).properties.note.maxLength = 1000;
    }, 'shipping › shipping.parcel-shipped.v1 › note: maxLength 200 → 1000 (widened: subscribers of the old version refuse the new values)'],
    ['an enum value added to an event', (m: Messages) => {
      shipped(m).properties.carrier.enum.push('drone');
    }, 'shipping › shipping.parcel-shipped.v1 › carrier: enum value added: "drone"'],
    ["an event's aggregate removed", (m: Messages) => {
      delete m['shipping.parcel-shipped.v1'].aggregate;
    }, 'shipping › shipping.parcel-shipped.v1: aggregate "parcelId" removed'],
  ])('fails on %s, naming module, message and what broke', (_, edit, expected) => {
    const after = base();
    const custom = (edit as (m: Messages) => ModuleSnapshot[] | void)(messagesOf(after[0]));
    const result = compareSnapshots(custom ?? base(), after);
    expect(result.breaking).toHaveLength(1);
    expect(broken(result)[0]).toContain(expected);
  });

  it('fails when a whole module disappears from the manifests', () => {
    const result = compareSnapshots(base(), []);
    expect(broken(result)).toEqual([
      'shipping › shipping.ship-parcel.v1: message removed (its module is gone)',
      'shipping › shipping.get-parcel.v1: message removed (its module is gone)',
      'shipping › shipping.parcel-shipped.v1: message removed (its module is gone)',
    ]);
  });

  it('passes a new optional field, and reports it as compatible', () => {
    const result = changed((m) => {
      ship(m).properties.insured = schema({ type: 'boolean' });
    });
    expect(result.breaking).toEqual([]);
    expect(result.compatible.map(describeFinding)).toEqual(['shipping › shipping.ship-parcel.v1 › insured: new optional field']);
  });

  it('passes a new version beside the old one, even when the new one drops a field', () => {
    const result = changed((m) => {
      const v2 = JSON.parse(JSON.stringify(m['shipping.ship-parcel.v1']));
      delete v2.payload.properties.speed;
      v2.payload.required = ['parcelId', 'lines'];
      m['shipping.ship-parcel.v2'] = v2;
    });
    expect(result).toEqual({
      breaking: [],
      compatible: [{ module: 'shipping', wire: 'shipping.ship-parcel.v2', path: '', breaking: false, change: 'new message' }],
    });
  });

  it('passes a command or query that accepts more than before (an enum value added, a limit raised)', () => {
    const result = changed((m) => {
      ship(m).properties.speed.enum.push('overnight');
      ship(m).properties.lines.maxItems = 500;
    });
    expect(result.breaking).toEqual([]);
    expect(result.compatible).toHaveLength(2);
  });

  it('passes a new message and a new module', () => {
    const after = [...base(), { module: 'returns', messages: { 'returns.open-return.v1': base()[0].messages['shipping.get-parcel.v1'] } }];
    const result = compareSnapshots(base(), after);
    expect(result.breaking).toEqual([]);
    expect(result.compatible.map(describeFinding)).toEqual(['returns › returns.open-return.v1: new message']);
  });
});

/** A one-message module whose payload schema is `schema`: v1 is committed, v2 is the code today. */
function snapshotWith(kind: 'command' | 'event', schema: ReturnType<typeof z.object>): ModuleSnapshot[] {
  const Base = kind === 'command' ? Command : IntegrationEvent;
  const wire = kind === 'command' ? 'parcels.book-parcel.v1' : 'parcels.parcel-booked.v1';
  const Message = class extends (Base as abstract new () => object) {
    static readonly wire = wire;
    static readonly schema = schema;
  };
  return snapshotOf([defineModule({ name: 'parcels', contract: { Message }, load: () => Promise.reject(new Error('not loaded')) })]);
}

describe('contracts:check on Zod contracts: each kind of change, from the schemas', () => {
  const v1 = {
    parcelId: z.guid(),
    note: z.string().max(100).optional(),
    label: z.string().max(40),
    weightGrams: z.int().min(1).max(30_000),
    speed: z.enum(['standard', 'express']),
    insuredMinor: z.int().min(0).max(1_000_000).nullable(),
    reference: z.union([z.string().max(20), z.int().min(0)]),
    payer: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('sender'), accountId: z.string().max(20) }),
      z.object({ kind: z.literal('receiver'), phone: z.string().max(20) }),
    ]),
  };
  const compare = (kind: 'command' | 'event', v2: Partial<Record<keyof typeof v1 | 'extra', z.ZodType>>, drop?: keyof typeof v1) => {
    const next: Record<string, z.ZodType> = { ...v1, ...v2 };
    if (drop) delete next[drop];
    const result = compareSnapshots(snapshotWith(kind, z.object(v1)), snapshotWith(kind, z.object(next)));
    return { breaking: result.breaking.map(describeFinding), compatible: result.compatible.map(describeFinding) };
  };
  const at = (wire: string, rest: string) => `parcels › ${wire} › ${rest}`;
  const command = (rest: string) => at('parcels.book-parcel.v1', rest);
  const event = (rest: string) => at('parcels.parcel-booked.v1', rest);

  it.each([
    ['an optional field added', { extra: z.string().max(10).optional() }, command('extra: new optional field')],
    ['a bigger maxLength', { label: z.string().max(80) }, command('label: maxLength 40 → 80 (widened)')],
    ['a lower minimum', { weightGrams: z.int().min(0).max(30_000) }, command('weightGrams: minimum 1 → 0 (widened)')],
    ['a new enum value in a command', { speed: z.enum(['standard', 'express', 'overnight']) }, command('speed: enum value added: "overnight"')],
    ['a field made nullable in a command', { label: z.string().max(40).nullable() }, command('label: null (the field is nullable) added (widened)')],
    ['a union alternative added to a command', { reference: z.union([z.string().max(20), z.int().min(0), z.boolean()]) }, command('reference: alternative boolean added (widened)')],
    ['a wider bound inside a union alternative', { payer: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('sender'), accountId: z.string().max(40) }),
      z.object({ kind: z.literal('receiver'), phone: z.string().max(20) }),
    ]) }, command('payer.accountId: maxLength 20 → 40 (widened)')],
  ])('passes %s, as compatible', (_, v2, finding) => {
    expect(compare('command', v2)).toEqual({ breaking: [], compatible: [finding] });
  });

  it.each([
    ['an optional field made required', 'command', { note: z.string().max(100) }, command('note: optional field made required')],
    ['a field removed', 'command', 'label', command('label: field removed (it was required; consumers may read it)')],
    ['a type narrowed (number to whole number)', 'command', { weightGrams: z.number().min(1).max(30_000) }, command('weightGrams: type changed from integer to number')],
    ['a union narrowed (an alternative removed)', 'command', { reference: z.string().max(20) }, command('reference: alternative integer removed (narrowed')],
    ['a nullable field made non-nullable', 'command', { insuredMinor: z.int().min(0).max(1_000_000) }, command('insuredMinor: null (the field is nullable) removed (narrowed')],
    ['an enum narrowed', 'command', { speed: z.enum(['standard']) }, command('speed: enum value removed: "express"')],
    ['a smaller maxLength', 'command', { label: z.string().max(20) }, command('label: maxLength 40 → 20 (narrowed')],
    ['a discriminated alternative removed', 'command', { payer: z.discriminatedUnion('kind', [z.object({ kind: z.literal('sender'), accountId: z.string().max(20) })]) }, command('payer: alternative object kind="receiver" removed')],
    ['a new enum value in an event (old subscribers refuse it)', 'event', { speed: z.enum(['standard', 'express', 'overnight']) }, event('speed: enum value added: "overnight" (subscribers of the old version refuse it)')],
    ['a field made nullable in an event', 'event', { label: z.string().max(40).nullable() }, event('label: null (the field is nullable) added (widened: subscribers of the old version refuse it)')],
  ] as const)('fails on %s', (_, kind, v2, finding) => {
    const result = typeof v2 === 'string' ? compare(kind, {}, v2) : compare(kind, v2);
    expect(result.breaking).toHaveLength(1);
    expect(result.breaking[0]).toContain(finding);
  });
});

describe('contracts:check on a snapshot folder (checkContracts)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'seams-contracts-'));
    writeFileSync(join(dir, 'shipping.json'), serialize(base()[0]));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const withOptionalField = () => {
    const after = base();
    ship(messagesOf(after[0])).properties.insured = schema({ type: 'boolean' });
    return after;
  };
  const withoutMessage = () => {
    const after = base();
    delete (after[0].messages as Record<string, unknown>)['shipping.get-parcel.v1'];
    return after;
  };

  it('rewrites the snapshot on a compatible change and passes', () => {
    const result = checkContracts({ dir, mode: 'update', current: withOptionalField() });
    expect(result.exitCode).toBe(0);
    expect(result.written).toBe(true);
    expect(readFileSync(join(dir, 'shipping.json'), 'utf8')).toBe(serialize(withOptionalField()[0]));
  });

  it('leaves the snapshot alone and fails on a breaking change', () => {
    const result = checkContracts({ dir, mode: 'update', current: withoutMessage(), label: 'contracts/' });
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('✗ shipping › shipping.get-parcel.v1: message removed');
    expect(result.output).toContain('shipping.get-parcel.v2 next to shipping.get-parcel.v1');
    expect(readFileSync(join(dir, 'shipping.json'), 'utf8')).toBe(serialize(base()[0]));
  });

  it('in frozen mode (CI) writes nothing and fails when the snapshot is merely out of date', () => {
    const result = checkContracts({ dir, mode: 'frozen', current: withOptionalField(), label: 'contracts/' });
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('contracts/ is out of date');
    expect(checkContracts({ dir, mode: 'frozen', current: base() }).exitCode).toBe(0);
  });

  it('refuses to let a message go that a consumer’s committed pact still uses, even with --write', () => {
    mkdirSync(join(dir, 'pacts'));
    const pact = {
      consumer: { name: 'returns' },
      provider: { name: 'shipping' },
      interactions: [
        { type: 'Synchronous/Messages', description: 'where a parcel is', request: { contents: { content: { message: 'shipping.get-parcel.v1', payload: {} } } } },
      ],
    };
    writeFileSync(join(dir, 'pacts', 'returns-shipping.json'), JSON.stringify(pact));
    for (const mode of ['update', 'write'] as const) {
      const result = checkContracts({ dir, mode, current: withoutMessage(), label: 'contracts/' });
      expect(result.exitCode).toBe(1);
      expect(result.output).toContain('✗ shipping.get-parcel.v1: returns relies on it ("where a parcel is", contracts/pacts/returns-shipping.json)');
      expect(readFileSync(join(dir, 'shipping.json'), 'utf8')).toBe(serialize(base()[0]));
    }
    // Once the consumer's pact no longer names it, --write may retire it.
    rmSync(join(dir, 'pacts', 'returns-shipping.json'));
    expect(checkContracts({ dir, mode: 'write', current: withoutMessage() }).exitCode).toBe(0);
  });

  it('with --write accepts a breaking change and says so', () => {
    const result = checkContracts({ dir, mode: 'write', current: withoutMessage() });
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain('! shipping › shipping.get-parcel.v1: message removed (accepted with --write)');
    expect(readFileSync(join(dir, 'shipping.json'), 'utf8')).toBe(serialize(withoutMessage()[0]));
  });
});

describe('npm run contracts:check (the real CLI, on a temporary copy of contracts/)', () => {
  const run = promisify(execFile);
  let work: string;
  let cli: string;
  const env = () => {
    const copy: NodeJS.ProcessEnv = { ...process.env };
    delete copy.CI;
    return copy;
  };
  const check = (...args: string[]) =>
    run(process.execPath, [cli, '--dir', join(work, 'contracts'), ...args], { cwd: ROOT, env: env() }).then(
      ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
  const inventoryFile = () => join(work, 'contracts', 'inventory.json');

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'seams-contracts-cli-'));
    symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
    // The same tsconfig the npm script compiles with, into a folder of its own (dist/ is shared).
    await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.tools.json', '--outDir', join(work, 'out')], { cwd: ROOT });
    cli = join(work, 'out', 'tools', 'contracts', 'check.js');
  }, 60000);
  beforeEach(() => {
    rmSync(join(work, 'contracts'), { recursive: true, force: true });
    cpSync(join(ROOT, 'contracts'), join(work, 'contracts'), { recursive: true });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('refuses to retire inventory.reserve-stock.v1 while ordering’s committed pact still uses it, naming the interactions', () => {
    const withoutV1 = snapshotOf(MANIFESTS).map((snapshot) =>
      snapshot.module === 'inventory' ? { ...snapshot, messages: Object.fromEntries(Object.entries(snapshot.messages).filter(([wire]) => wire !== 'inventory.reserve-stock.v1')) } : snapshot,
    );
    const result = checkContracts({ dir: join(work, 'contracts'), mode: 'write', current: withoutV1, label: 'contracts/' });
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('✗ inventory.reserve-stock.v1: ordering relies on it ("a reservation of an order’s stock", contracts/pacts/ordering-inventory.json)');
    expect(result.output).toContain('✗ inventory.reserve-stock.v1: ordering relies on it ("a reservation of more stock than there is", contracts/pacts/ordering-inventory.json)');
    expect(readFileSync(inventoryFile(), 'utf8')).toBe(readFileSync(join(ROOT, 'contracts', 'inventory.json'), 'utf8'));
  });

  it('passes in frozen mode: the committed snapshot is what the code publishes', async () => {
    const result = await check('--frozen');
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/up to date \(\d+ modules, \d+ published messages\)/);
    expect(snapshotOf(MANIFESTS).map((s) => s.module).sort()).toEqual(MANIFESTS.map((manifest) => manifest.name).sort());
  });

  it('fails with a clear message when a published field disappears, and leaves the snapshot as it was', async () => {
    const snapshot = JSON.parse(readFileSync(inventoryFile(), 'utf8'));
    const payload = snapshot.messages['inventory.reserve-stock.v1'].payload;
    payload.properties.warehouse = { type: 'string', minLength: 1, maxLength: 20 };
    payload.required.push('warehouse');
    const committed = `${JSON.stringify(snapshot, null, 2)}\n`;
    writeFileSync(inventoryFile(), committed);

    const result = await check();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('inventory › inventory.reserve-stock.v1 › warehouse: field removed (it was required; consumers may read it)');
    expect(result.stderr).toContain('inventory.reserve-stock.v2');
    expect(readFileSync(inventoryFile(), 'utf8')).toBe(committed);

    await expect(check('--write')).resolves.toMatchObject({ code: 0 });
    expect(readFileSync(inventoryFile(), 'utf8')).toBe(readFileSync(join(ROOT, 'contracts', 'inventory.json'), 'utf8'));
  });

  it('passes a compatible change and updates the snapshot, except under CI where it fails as out of date', async () => {
    const snapshot = JSON.parse(readFileSync(inventoryFile(), 'utf8'));
    delete snapshot.messages['inventory.release-reservation.v1'];
    writeFileSync(inventoryFile(), `${JSON.stringify(snapshot, null, 2)}\n`);

    const frozen = await run(process.execPath, [cli, '--dir', join(work, 'contracts')], { cwd: ROOT, env: { ...env(), CI: 'true' } }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(frozen).toMatchObject({ code: 1 });
    expect((frozen as { stderr: string }).stderr).toContain('+ inventory › inventory.release-reservation.v1: new message');

    const result = await check();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('updated');
    expect(readFileSync(inventoryFile(), 'utf8')).toBe(readFileSync(join(ROOT, 'contracts', 'inventory.json'), 'utf8'));
  });

  it('is the npm script CI runs', async () => {
    const { stdout } = await run('npm', ['run', '--silent', 'contracts:check', '--', '--frozen', '--dir', join(work, 'contracts')], { cwd: ROOT, env: env() });
    expect(stdout).toContain('up to date');
  }, 60000);
});

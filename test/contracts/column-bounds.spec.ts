// @uses-modules ordering, payments
import { Client } from 'pg';
import { MANIFESTS } from '../../src/host/manifests';
import { checkColumnBounds, columnCapacity, columnSourcesOf, DatabaseRegistry, type ModuleColumns, receivedMessages, StoresContractField } from '@seams/kernel/persistence';
import { startTestApp, type TestApp } from '../support/test-app';
import { FittingParcel, metadataOf, MisdeclaredNote, ParcelLost, TooSmallShipment, UndeclaredClaim } from './fixtures/column-bounds.fixtures';

/**
 * Issue 13: a contract field's longest value must fit every column that stores it. Each
 * column that stores a contract string field says so next to `@Column` with
 * `@StoresContractField(Message, 'field', { prefix })`; a character column named like a field
 * of a message its module receives must say what it stores (`@NotAContractField(why)`
 * otherwise). This walks every module's TypeORM entity metadata, as the running app built it.
 */
describe('contract string bounds and the columns that store them', () => {
  let app: TestApp;
  let modules: ModuleColumns[];

  beforeAll(async () => {
    app = await startTestApp();
    modules = app.app
      .get(DatabaseRegistry)
      .all()
      .map((database) => ({
        module: database.module,
        entities: database.dataSource.entityMetadatas,
        receives: receivedMessages(MANIFESTS.find((manifest) => manifest.name === database.module)!),
      }));
  });

  afterAll(() => app?.close());

  it('walks every module, and finds the declared columns', () => {
    expect(modules.map((m) => m.module).sort()).toEqual(MANIFESTS.map((m) => m.name).sort());
    for (const { entities } of modules) expect(entities.length).toBeGreaterThan(0);
    const declared = modules.flatMap(({ module, entities }) =>
      entities.flatMap((entity) => [...columnSourcesOf(entity.target as object).keys()].map((property) => `${module}.${entity.targetName}.${property}`)),
    );
    expect(declared).toEqual(
      expect.arrayContaining(['ordering.OrderEntity.cancellationReason', 'payments.PaymentEntity.declineReason', 'payments.PaymentEntity.currency']),
    );
  });

  it('finds every stored contract string field fits its column, and every look-alike column declared', () => {
    expect(checkColumnBounds(modules)).toEqual([]);
  });

  it('finds each bounded character column as long in the migrated database as its entity says', async () => {
    const db = new Client({ connectionString: app.database.url });
    await db.connect();
    try {
      const { rows } = await db.query<{ schema: string; table: string; column: string; length: number | null }>(
        `SELECT table_schema AS schema, table_name AS table, column_name AS column, character_maximum_length AS length
           FROM information_schema.columns WHERE table_schema = ANY($1)`,
        [modules.map((m) => m.module)],
      );
      const migrated = new Map(rows.map((row) => [`${row.schema}.${row.table}.${row.column}`, row.length]));
      const mismatches: string[] = [];
      for (const { entities } of modules) {
        for (const entity of entities) {
          for (const column of entity.columns) {
            const capacity = columnCapacity(column);
            if (capacity === undefined || capacity === Infinity || column.type === 'uuid') continue;
            const key = `${entity.tablePath}.${column.databaseName}`;
            if (migrated.get(key) !== capacity) mismatches.push(`${key}: entity ${capacity}, database ${migrated.get(key)}`);
          }
        }
      }
      expect(mismatches).toEqual([]);
    } finally {
      await db.end();
    }
  });

  describe('with fixtures that must fail', () => {
    const fixture = async (...entities: (new () => object)[]) => checkColumnBounds([{ module: 'shipping', entities: await metadataOf(...entities), receives: [ParcelLost] }]);

    it('reports a column too small for a prefixed contract field, naming module, entity, column, contract and field', async () => {
      expect(await fixture(TooSmallShipment)).toEqual([
        'shipping: TooSmallShipment.failureReason (fixture.shipments.failure_reason, varchar(200)) stores carrier.parcel-lost.v1 (ParcelLost) ' +
          'field "reason" of up to 200 characters after the prefix "parcel lost: " (13): needs 213 characters, holds 200',
      ]);
    });

    it('reports a character column named like a received field that declares nothing', async () => {
      expect(await fixture(UndeclaredClaim)).toEqual([
        'shipping: UndeclaredClaim.claimReason (fixture.claims.claim_reason, varchar(500)) is named like carrier.parcel-lost.v1 (ParcelLost) ' +
          'field "reason", which shipping receives, and declares neither @StoresContractField nor @NotAContractField',
      ]);
    });

    it('reports a declaration on a property that is not a column, or on a column that holds no text', async () => {
      expect(await fixture(MisdeclaredNote)).toEqual([
        'shipping: MisdeclaredNote.note declares what it stores, but it is not a column',
        'shipping: MisdeclaredNote.count (fixture.notes.count, integer) stores carrier.parcel-lost.v1 (ParcelLost) field "reason" of up to 200 characters, but it holds no text',
      ]);
    });

    it('passes columns that fit (prefix, extra length, pattern bounds, text) and declared look-alikes', async () => {
      expect(await fixture(FittingParcel)).toEqual([]);
    });

    it('refuses a declaration of a field the message does not have', () => {
      expect(() => StoresContractField(ParcelLost, 'reasons')).toThrow('carrier.parcel-lost.v1 has no string field "reasons"');
      expect(() => StoresContractField(ParcelLost, 'items')).toThrow('has no string field "items"');
    });
  });
});

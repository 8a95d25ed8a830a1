import { randomUUID } from 'node:crypto';
import { InventoryErrors, ReleaseReservation, ReserveStock, ReserveStockV2 } from '../../modules/inventory/contract';
import { DomainError } from '@seams/kernel/primitives';
import { Seam } from '@seams/kernel/seam';
import { brokerTest } from '../support/brokers';
import { startCluster, type TransportKind } from '../support/cluster';
import { FakeInventory } from '../support/fakes';
import { startModuleHarness } from '../support/module-harness';
import { serviceSeam } from '@seams/kernel/testing';

const nats = brokerTest('NATS', 4222);
const rabbit = brokerTest('RabbitMQ', 5672);

/** What the suite needs of an inventory: a seam to it, and its stock to set and read. */
interface Subject {
  readonly seam: Seam;
  setStock(sku: string, onHand: number): Promise<void>;
  stock(sku: string): Promise<{ onHand: number; reserved: number; available: number }>;
  close(): Promise<void>;
}

const real = (remote: string[], transport: TransportKind) => async (): Promise<Subject> => {
  const cluster = await startCluster({ remote, transport });
  return {
    seam: serviceSeam(cluster.monolith.get(Seam)),
    setStock: async (sku, onHand) => void (await cluster.http('inventory').put(`/v1/inventory/stock/${sku}`).send({ onHand }).expect(200)),
    stock: async (sku) => (await cluster.http('inventory').get(`/v1/inventory/stock/${sku}`).expect(200)).body,
    close: () => cluster.close(),
  };
};

/** The fake that isolated module tests use (test/support/fakes.ts): it must keep the same contract. */
const fake = async (): Promise<Subject> => {
  const inventory = new FakeInventory();
  const harness = await startModuleHarness({ fakes: [inventory] });
  return {
    seam: harness.seam,
    setStock: async (sku, onHand) => void inventory.setStock(sku, onHand),
    stock: async (sku) => inventory.stock(sku) ?? { onHand: 0, reserved: 0, available: 0 },
    close: () => harness.close(),
  };
};

/**
 * inventory's published messages behave the same in process and across a real seam to a
 * separate inventory host process (over TCP, and through the local NATS and RabbitMQ
 * servers), and in the fake inventory that isolated tests of other modules use.
 */
describe.each([
  ['in process', real([], 'tcp')],
  ['across TCP to an inventory host', real(['inventory'], 'tcp')],
  ...(nats.available || process.env.CI === 'true' ? [['through NATS to an inventory host', real(['inventory'], 'nats')]] : []),
  ...(rabbit.available || process.env.CI === 'true' ? [['through RabbitMQ to an inventory host', real(['inventory'], 'amqp')]] : []),
  ['in the fake inventory', fake],
] as [string, () => Promise<Subject>][])('inventory contract %s', (_, start) => {
  let subject: Subject;
  let seam: Seam;
  const stock = (sku: string) => subject.stock(sku);
  const setStock = (sku: string, onHand: number) => subject.setStock(sku, onHand);

  beforeAll(async () => {
    subject = await start();
    seam = subject.seam;
  });

  afterAll(() => subject?.close());

  it('inventory.reserve-stock.v1 holds every line of the order', async () => {
    await setStock('RES-A', 5);
    await setStock('RES-B', 5);
    await expect(
      seam.send(
        new ReserveStock(randomUUID(), [
          { sku: 'RES-A', quantity: 2 },
          { sku: 'RES-B', quantity: 5 },
        ]),
      ),
    ).resolves.toBeUndefined();
    expect(await stock('RES-A')).toMatchObject({ onHand: 5, reserved: 2, available: 3 });
    expect(await stock('RES-B')).toMatchObject({ onHand: 5, reserved: 5, available: 0 });
  });

  it('inventory.reserve-stock.v1 fails with a typed insufficient-stock conflict and holds nothing', async () => {
    await setStock('RES-C', 1);
    const failure = await seam.send(new ReserveStock(randomUUID(), [{ sku: 'RES-C', quantity: 2 }])).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DomainError);
    expect(failure).toMatchObject({
      code: InventoryErrors.insufficientStock,
      kind: 'conflict',
      message: 'Not enough stock of sku RES-C: 2 requested, 1 available',
      details: { sku: 'RES-C', requested: 2, available: 1 },
    });
    expect(await stock('RES-C')).toMatchObject({ reserved: 0 });
  });

  it('inventory.reserve-stock.v2 (lines named items) holds the same as v1, and fails the same, beside it', async () => {
    await setStock('RES-V2', 3);
    const orderId = randomUUID();
    await expect(seam.send(new ReserveStockV2(orderId, [{ sku: 'RES-V2', quantity: 2 }]))).resolves.toBeUndefined();
    expect(await stock('RES-V2')).toMatchObject({ onHand: 3, reserved: 2, available: 1 });
    // The same order through v1 is the same reservation (idempotent per order, whichever version).
    await expect(seam.send(new ReserveStock(orderId, [{ sku: 'RES-V2', quantity: 2 }]))).resolves.toBeUndefined();
    expect(await stock('RES-V2')).toMatchObject({ reserved: 2 });
    await expect(seam.send(new ReserveStockV2(randomUUID(), [{ sku: 'RES-V2', quantity: 2 }]))).rejects.toMatchObject({
      code: InventoryErrors.insufficientStock,
      details: { sku: 'RES-V2', requested: 2, available: 1 },
    });
  });

  it('inventory.reserve-stock.v1 treats a sku with no stock as nothing available', async () => {
    await expect(seam.send(new ReserveStock(randomUUID(), [{ sku: 'RES-NONE', quantity: 1 }]))).rejects.toMatchObject({
      code: InventoryErrors.insufficientStock,
      details: { sku: 'RES-NONE', requested: 1, available: 0 },
    });
  });

  it('inventory.reserve-stock.v1 is idempotent per order', async () => {
    await setStock('RES-D', 5);
    const orderId = randomUUID();
    await seam.send(new ReserveStock(orderId, [{ sku: 'RES-D', quantity: 2 }]));
    await seam.send(new ReserveStock(orderId, [{ sku: 'RES-D', quantity: 2 }]));
    expect(await stock('RES-D')).toMatchObject({ reserved: 2 });
  });

  it('inventory.release-reservation.v1 gives the stock back, once', async () => {
    await setStock('RES-E', 3);
    const orderId = randomUUID();
    await seam.send(new ReserveStock(orderId, [{ sku: 'RES-E', quantity: 3 }]));
    await seam.send(new ReleaseReservation(orderId));
    await seam.send(new ReleaseReservation(orderId));
    expect(await stock('RES-E')).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
    await expect(seam.send(new ReleaseReservation(randomUUID()))).resolves.toBeUndefined();
  });
});

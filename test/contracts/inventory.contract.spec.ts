import { randomUUID } from 'node:crypto';
import { InventoryErrors, ReleaseReservation, ReserveStock } from '../../modules/inventory/contract';
import { DomainError } from '../../src/kernel/primitives';
import { Seam } from '../../src/kernel/seam';
import { brokerTest } from '../support/brokers';
import { type Cluster, startCluster, type TransportKind } from '../support/cluster';

const nats = brokerTest('NATS', 4222);
const rabbit = brokerTest('RabbitMQ', 5672);

/**
 * inventory's published messages behave the same in process and across a real seam to a
 * separate inventory host process: over TCP, and through the local NATS and RabbitMQ servers.
 */
describe.each([
  ['in process', [], 'tcp'],
  ['across TCP to an inventory host', ['inventory'], 'tcp'],
  ...(nats.available || process.env.CI === 'true' ? [['through NATS to an inventory host', ['inventory'], 'nats']] : []),
  ...(rabbit.available || process.env.CI === 'true' ? [['through RabbitMQ to an inventory host', ['inventory'], 'amqp']] : []),
] as [string, string[], TransportKind][])('inventory contract %s', (_, remote, transport) => {
  let cluster: Cluster;
  let seam: Seam;
  const stock = async (sku: string) => (await cluster.http('inventory').get(`/v1/inventory/stock/${sku}`).expect(200)).body;
  const setStock = (sku: string, onHand: number) =>
    cluster.http('inventory').put(`/v1/inventory/stock/${sku}`).send({ onHand }).expect(200);

  beforeAll(async () => {
    cluster = await startCluster({ remote, transport });
    seam = cluster.monolith.get(Seam);
  });

  afterAll(() => cluster?.close());

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

import { Logger } from '@nestjs/common';
import type { UnitOfWorkScope } from '@seams/kernel/persistence';
import type { IntegrationEvent } from '@seams/kernel/primitives';
import { InvalidMessageError, type Seam, SeamUnavailableError } from '@seams/kernel/seam';
import type { CatalogProduct } from '../../../catalog/contract';
import { InventoryErrors } from '../../../inventory/contract';
import type { Order } from '../../domain/order';
import type { OrderRepository } from '../../domain/order.repository';
import type { OrderingRepositories, OrderingUnitOfWork } from '../ports/ordering.unit-of-work';
import type { PlacementRepository } from '../ports/placement.repository';
import { PlaceOrder } from './place-order.command';
import { PlaceOrderHandler } from './place-order.handler';

/**
 * The placing saga without a database or another module: in-memory ports (a unit of work that
 * rolls back what its work did when the work throws, as a transaction would) and a fake seam.
 */

class InMemoryOrdering implements OrderingUnitOfWork {
  orders = new Map<string, Order>();
  placements = new Set<string>();
  published: IntegrationEvent[] = [];
  /** Set to make the next `orders.add` (step 4) fail. */
  failStoring: Error | undefined;
  /** Set to make every run fail (the database is gone). */
  down: Error | undefined;

  placementsOnPool: PlacementRepository = {
    begin: async (orderId) => void this.placements.add(orderId),
    finish: async (orderId) => this.placements.delete(orderId),
    lockStale: async () => [...this.placements],
  };

  async run<T>(work: (scope: OrderingRepositories & UnitOfWorkScope) => Promise<T>): Promise<T> {
    if (this.down) throw this.down;
    const before = { orders: new Map(this.orders), placements: new Set(this.placements) };
    const events: IntegrationEvent[] = [];
    const orders: OrderRepository = {
      add: async (order) => {
        if (this.failStoring) throw this.failStoring;
        this.orders.set(order.id, order);
      },
      lock: async (orderId) => this.orders.get(orderId),
      saveState: async (order) => void this.orders.set(order.id, order),
    };
    try {
      const value = await work({ orders, placements: this.placementsOnPool, publish: (...published) => events.push(...published) });
      this.published.push(...events);
      return value;
    } catch (error) {
      this.orders = before.orders;
      this.placements = before.placements;
      throw error;
    }
  }
}

class FakeSeam {
  readonly sent: { wire: string; payload: unknown }[] = [];
  readonly failures = new Map<string, Error>();

  constructor(private readonly products: CatalogProduct[]) {}

  async ask(query: object): Promise<unknown> {
    this.record(query);
    return this.products;
  }

  async send(command: object): Promise<unknown> {
    this.record(command);
    return undefined;
  }

  wires(): string[] {
    return this.sent.map((message) => message.wire);
  }

  private record(message: object): void {
    const wire = (message.constructor as unknown as { wire: string }).wire;
    this.sent.push({ wire, payload: { ...message } });
    const failure = this.failures.get(wire);
    if (failure) throw failure;
  }
}

const products: CatalogProduct[] = [
  { sku: 'TEA-1', name: 'Green tea', priceMinor: 450, currency: 'EUR' },
  { sku: 'MUG-1', name: 'Mug', priceMinor: 1200, currency: 'EUR' },
];
const twoLines = [
  { sku: 'TEA-1', quantity: 2 },
  { sku: 'MUG-1', quantity: 1 },
];

describe('PlaceOrderHandler (the placing saga, on fakes)', () => {
  let ordering: InMemoryOrdering;
  let seam: FakeSeam;
  let handler: PlaceOrderHandler;
  const place = (lines = twoLines) => handler.execute(new PlaceOrder('customer-1', lines));

  beforeEach(() => {
    ordering = new InMemoryOrdering();
    seam = new FakeSeam(products);
    handler = new PlaceOrderHandler(seam as unknown as Seam, ordering, ordering.placementsOnPool, { reserveStockVersion: 'v1' });
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('prices from the catalog, reserves the stock, stores the order and announces it with the contract fields only', async () => {
    const order = await place();

    expect(order).toMatchObject({ customerId: 'customer-1', status: 'PENDING', totalMinor: 2100, currency: 'EUR' });
    expect(seam.sent).toEqual([
      { wire: 'catalog.get-products.v1', payload: { skus: ['TEA-1', 'MUG-1'] } },
      { wire: 'inventory.reserve-stock.v1', payload: { orderId: order.id, lines: twoLines } },
    ]);
    expect(ordering.orders.get(order.id)?.status).toBe('PENDING');
    expect(ordering.placements.size).toBe(0);
    expect(ordering.published.map((event) => ({ ...event }))).toEqual([
      {
        orderId: order.id,
        customerId: 'customer-1',
        totalMinor: 2100,
        currency: 'EUR',
        lines: [
          { sku: 'TEA-1', quantity: 2, unitPriceMinor: 450 },
          { sku: 'MUG-1', quantity: 1, unitPriceMinor: 1200 },
        ],
      },
    ]);
  });

  it('refuses a sku the catalog does not know before recording or reserving anything', async () => {
    await expect(place([{ sku: 'NOPE-1', quantity: 1 }])).rejects.toMatchObject({ code: 'ordering.unknown-products' });
    expect(seam.wires()).toEqual(['catalog.get-products.v1']);
    expect(ordering.placements.size).toBe(0);
  });

  it('when the reservation fails: answers with its error, sends a release, ends the placement, stores and announces nothing', async () => {
    const refused = Object.assign(new Error('not enough stock'), { code: InventoryErrors.insufficientStock });
    seam.failures.set('inventory.reserve-stock.v1', refused);

    await expect(place()).rejects.toBe(refused);

    expect(seam.wires()).toEqual(['catalog.get-products.v1', 'inventory.reserve-stock.v1', 'inventory.release-reservation.v1']);
    expect(ordering.placements.size).toBe(0);
    expect(ordering.orders.size).toBe(0);
    expect(ordering.published).toEqual([]);
  });

  it('when the reservation was turned away before it left (breaker open): sends no release and ends the placement at once', async () => {
    const refused = new SeamUnavailableError('inventory', 'its circuit breaker is open after repeated failures', { fastFail: true, sent: false });
    seam.failures.set('inventory.reserve-stock.v1', refused);

    await expect(place()).rejects.toBe(refused);

    expect(seam.wires()).toEqual(['catalog.get-products.v1', 'inventory.reserve-stock.v1']);
    expect(ordering.placements.size).toBe(0);
    expect(ordering.orders.size).toBe(0);
  });

  it('when the reservation failed after an attempt left (the answer lost, or a retry turned away): still sends a release', async () => {
    for (const failure of [
      new SeamUnavailableError('inventory', 'its connection to the broker was lost'),
      new SeamUnavailableError('inventory', 'too many calls to it are already under way', { fastFail: true, sent: true }),
    ]) {
      seam.sent.length = 0;
      seam.failures.set('inventory.reserve-stock.v1', failure);
      await expect(place()).rejects.toBe(failure);
      expect(seam.wires()).toEqual(['catalog.get-products.v1', 'inventory.reserve-stock.v1', 'inventory.release-reservation.v1']);
      expect(ordering.placements.size).toBe(0);
    }
  });

  it('when the reservation was refused by its contract: sends no release and ends the placement', async () => {
    const refused = new InvalidMessageError('inventory.reserve-stock.v1', [{ path: 'lines', message: 'too many' }]);
    seam.failures.set('inventory.reserve-stock.v1', refused);

    await expect(place()).rejects.toBe(refused);

    expect(seam.wires()).toEqual(['catalog.get-products.v1', 'inventory.reserve-stock.v1']);
    expect(ordering.placements.size).toBe(0);
  });

  it('when ending the placement of a reservation never sent fails: leaves it for recovery', async () => {
    seam.failures.set('inventory.reserve-stock.v1', new SeamUnavailableError('inventory', 'breaker open', { fastFail: true, sent: false }));
    jest.spyOn(ordering, 'run').mockImplementation(() => Promise.reject(new Error('database is gone')));

    await expect(place()).rejects.toThrow('breaker open');

    expect(ordering.placements.size).toBe(1);
    expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.stringContaining('recovery will'));
  });

  it('when storing fails after the reservation: sends a release for that order, ends the placement, announces nothing', async () => {
    ordering.failStoring = new Error('connection lost');

    await expect(place()).rejects.toThrow('connection lost');

    const reserved = seam.sent.find((message) => message.wire === 'inventory.reserve-stock.v1')?.payload as { orderId: string };
    expect(seam.sent.at(-1)).toEqual({ wire: 'inventory.release-reservation.v1', payload: { orderId: reserved.orderId } });
    expect(ordering.placements.size).toBe(0);
    expect(ordering.orders.size).toBe(0);
    expect(ordering.published).toEqual([]);
  });

  it('when the release fails too: answers with the first error and leaves the placement for recovery', async () => {
    ordering.failStoring = new Error('connection lost');
    seam.failures.set('inventory.release-reservation.v1', new Error('inventory is down'));

    await expect(place()).rejects.toThrow('connection lost');

    const reserved = seam.sent.find((message) => message.wire === 'inventory.reserve-stock.v1')?.payload as { orderId: string };
    expect([...ordering.placements]).toEqual([reserved.orderId]);
    expect(ordering.published).toEqual([]);
    expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.stringContaining('recovery will'));
  });

  it('when the placement cannot be ended after a release: leaves it for recovery (releasing again is harmless)', async () => {
    seam.failures.set('inventory.reserve-stock.v1', new Error('timed out'));
    jest.spyOn(ordering, 'run').mockImplementation(() => Promise.reject(new Error('database is gone')));

    await expect(place()).rejects.toThrow('timed out');

    expect(seam.wires().at(-1)).toBe('inventory.release-reservation.v1');
    expect(ordering.placements.size).toBe(1);
  });

  it('does not store an order whose placement recovery took over meanwhile, and releases its stock', async () => {
    ordering.placementsOnPool = { ...ordering.placementsOnPool, begin: async () => undefined }; // recovery ended it already
    handler = new PlaceOrderHandler(seam as unknown as Seam, ordering, ordering.placementsOnPool, { reserveStockVersion: 'v1' });

    await expect(place()).rejects.toMatchObject({ code: 'ordering.placement-abandoned', message: expect.stringMatching(/was abandoned before it could be stored/) });

    expect(seam.wires().at(-1)).toBe('inventory.release-reservation.v1');
    expect(ordering.orders.size).toBe(0);
    expect(ordering.published).toEqual([]);
  });
});

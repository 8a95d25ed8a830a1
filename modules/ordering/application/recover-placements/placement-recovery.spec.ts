import { Logger } from '@nestjs/common';
import { Lifecycle } from '@seams/kernel/context';
import type { UnitOfWorkScope } from '@seams/kernel/persistence';
import { RequestContexts, type Seam } from '@seams/kernel/seam';
import type { OrderRepository } from '../../domain/order.repository';
import type { OrderingRepositories, OrderingUnitOfWork } from '../ports/ordering.unit-of-work';
import { PlacementRecovery } from './placement-recovery';

/**
 * Placement recovery on in-memory ports: each unit of work sees the stale placements and ends
 * one; the fake seam records the releases and can fail them.
 */
class Placements implements OrderingUnitOfWork {
  readonly open: string[];

  constructor(count: number) {
    this.open = Array.from({ length: count }, (_, i) => `order-${i}`);
  }

  async run<T>(work: (scope: OrderingRepositories & UnitOfWorkScope) => Promise<T>): Promise<T> {
    const ended: string[] = [];
    const placements: OrderingRepositories['placements'] = {
      lockStale: async (_staleMs, limit) => this.open.slice(0, limit),
      finish: async (orderId) => (ended.push(orderId), true),
    };
    const value = await work({ orders: {} as OrderRepository, placements, publish: () => undefined });
    // committed: the ended placements go
    for (const orderId of ended) this.open.splice(this.open.indexOf(orderId), 1);
    return value;
  }
}

function recoveryOf(placements: Placements, failAfter = Infinity) {
  const released: { orderId: string; principal: unknown }[] = [];
  const seam = {
    async send(command: { orderId: string }) {
      if (released.length >= failAfter) throw new Error('inventory is unavailable');
      released.push({ orderId: command.orderId, principal: RequestContexts.current()?.principal });
    },
  };
  const recovery = new PlacementRecovery(placements, seam as unknown as Seam, { placementStaleMs: 1, placementRecoveryMs: 1000 });
  return { recovery, released };
}

describe('PlacementRecovery (on in-memory ports)', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('releases at most one round of 50 per `recover`, each as ordering itself (its service principal)', async () => {
    const placements = new Placements(120);
    const { recovery, released } = recoveryOf(placements);
    await expect(recovery.recover()).resolves.toBe(50);
    expect(placements.open).toHaveLength(70);
    expect(new Set(released.map((r) => JSON.stringify(r.principal)))).toEqual(new Set([JSON.stringify({ kind: 'service', service: 'ordering' })]));
  });

  it('works off a backlog in rounds back to back (after an outage), not one round per tick', async () => {
    const placements = new Placements(120);
    const { recovery, released } = recoveryOf(placements);
    await recovery.recoverAll();
    expect(placements.open).toEqual([]);
    expect(released).toHaveLength(120);
    expect(Logger.prototype.log).toHaveBeenCalledWith('released the stock of 50 order(s) whose placement never finished');
    expect(Logger.prototype.log).toHaveBeenCalledWith('released the stock of 20 order(s) whose placement never finished');
  });

  it('stops at a release that fails, keeping that placement and those after it for the next tick', async () => {
    const placements = new Placements(120);
    const { recovery } = recoveryOf(placements, 60);
    await expect(recovery.recoverAll()).rejects.toThrow('inventory is unavailable');
    expect(placements.open).toHaveLength(60);
    expect(placements.open[0]).toBe('order-60');
  });

  it('stops between rounds once the app shuts down', async () => {
    const placements = new Placements(120);
    const { recovery } = recoveryOf(placements);
    await recovery.beforeApplicationShutdown();
    await recovery.recoverAll();
    expect(placements.open).toHaveLength(70); // the round under way ends; no other starts
  });

  it('starts its rounds only once the process is ready, and stops them when it shuts down', async () => {
    const lifecycle = new Lifecycle();
    const recovery = new PlacementRecovery(new Placements(1), { send: async () => undefined } as unknown as Seam, { placementStaleMs: 1, placementRecoveryMs: 1000 }, lifecycle);
    recovery.onApplicationBootstrap();
    expect(recovery.started).toBe(false);
    lifecycle.markReady();
    expect(recovery.started).toBe(true);
    lifecycle.beginShutdown();
    await recovery.beforeApplicationShutdown();
    expect(recovery.started).toBe(false);
  });

  it('never starts when the process shuts down before it was ready', async () => {
    const lifecycle = new Lifecycle();
    const recovery = new PlacementRecovery(new Placements(1), { send: async () => undefined } as unknown as Seam, { placementStaleMs: 1, placementRecoveryMs: 1000 }, lifecycle);
    recovery.onApplicationBootstrap();
    lifecycle.beginShutdown();
    lifecycle.markReady();
    expect(recovery.started).toBe(false);
    await recovery.beforeApplicationShutdown();
  });
});

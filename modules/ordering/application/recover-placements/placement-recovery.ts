import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { Lifecycle } from '@seams/kernel/context';
import { RequestContexts, Seam } from '@seams/kernel/seam';
import { ReleaseReservation } from '../../../inventory/contract';
import { ORDERING_UNIT_OF_WORK } from '../../ordering.di-tokens';
import type { OrderingUnitOfWork } from '../ports/ordering.unit-of-work';
import { type OrderingSettings, orderingSettings } from '../../ordering.settings';

/** Placements released at most per round. */
const ROUND = 50;

/**
 * Releases the stock of orders whose placement never finished (the process died between
 * reserving stock and storing the order). Such an order was never answered with 201, so
 * giving its stock back loses nothing. Several instances may run: each takes its own
 * placements with SKIP LOCKED, and a late-finishing placement finds its row gone and aborts.
 */
@Injectable()
export class PlacementRecovery implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('PlacementRecovery');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopping = false;

  constructor(
    @Inject(ORDERING_UNIT_OF_WORK) private readonly unitOfWork: OrderingUnitOfWork,
    private readonly seam: Seam,
    @Inject(orderingSettings.token) private readonly settings: Pick<OrderingSettings, 'placementStaleMs' | 'placementRecoveryMs'>,
    @Optional() private readonly lifecycle?: Lifecycle,
  ) {}

  /** Starts once the process is ready (the host's Lifecycle; at once without one), and takes nothing new once it shuts down. */
  onApplicationBootstrap(): void {
    if (this.lifecycle) this.lifecycle.whenReady(() => this.start());
    else this.start();
  }

  /** Whether recovery rounds are scheduled (from readiness until shutdown). */
  get started(): boolean {
    return this.timer !== undefined && !this.stopping;
  }

  private start(): void {
    if (this.stopping) return;
    this.timer = setInterval(() => {
      if (this.lifecycle?.shuttingDown) return;
      this.running ??= this.recoverAll()
        .catch((error: Error) => this.logger.warn(`recovering placements failed: ${error.message}`))
        .finally(() => (this.running = undefined));
    }, this.settings.placementRecoveryMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running;
  }

  /**
   * Rounds back to back while each one is full (a backlog, as after an outage of inventory
   * leaves one placement per order that was in flight), then waits for the next tick; a
   * shutdown stops it between two rounds.
   */
  async recoverAll(): Promise<void> {
    let released: number;
    do {
      released = await this.recover();
      if (released > 0) this.logger.log(`released the stock of ${released} order(s) whose placement never finished`);
    } while (released === ROUND && !this.stopping);
  }

  /** One round: returns how many abandoned placements had their stock released. */
  async recover(): Promise<number> {
    // No user is behind this: ordering acts as itself, with its service credential.
    return RequestContexts.runAsService('ordering', () => this.recoverAsService());
  }

  /**
   * Up to ROUND placements, each in a transaction of its own: a release that fails (the
   * inventory host unreachable for a moment) leaves that one placement for the next round and
   * takes nothing else back with it, and a long round never holds its locks (and a connection)
   * across many seam calls.
   */
  private async recoverAsService(): Promise<number> {
    let released = 0;
    while (released < ROUND) {
      const orderId = await this.unitOfWork.run(async ({ placements }) => {
        const [stale] = await placements.lockStale(this.settings.placementStaleMs, 1);
        if (stale === undefined) return undefined;
        await this.seam.send(new ReleaseReservation(stale));
        await placements.finish(stale);
        return stale;
      });
      if (orderId === undefined) break;
      released++;
      this.logger.debug(`released the stock of order ${orderId}, whose placement never finished`);
    }
    return released;
  }
}

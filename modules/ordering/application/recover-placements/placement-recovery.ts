import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { RequestContexts, Seam } from '@seams/kernel/seam';
import { ReleaseReservation } from '../../../inventory/contract';
import { ORDERING_UNIT_OF_WORK } from '../../ordering.di-tokens';
import type { OrderingUnitOfWork } from '../ports/ordering.unit-of-work';
import { type OrderingSettings, orderingSettings } from '../../ordering.settings';

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

  constructor(
    @Inject(ORDERING_UNIT_OF_WORK) private readonly unitOfWork: OrderingUnitOfWork,
    private readonly seam: Seam,
    @Inject(orderingSettings.token) private readonly settings: OrderingSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.recover()
        .catch((error: Error) => this.logger.warn(`recovering placements failed: ${error.message}`))
        .finally(() => (this.running = undefined));
    }, this.settings.placementRecoveryMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One round: returns how many abandoned placements had their stock released. */
  async recover(): Promise<number> {
    // No user is behind this: ordering acts as itself, with its service credential.
    return RequestContexts.runAsService('ordering', () => this.recoverAsService());
  }

  private recoverAsService(): Promise<number> {
    return this.unitOfWork.run(async ({ placements }) => {
      const stale = await placements.lockStale(this.settings.placementStaleMs, 50);
      for (const orderId of stale) {
        await this.seam.send(new ReleaseReservation(orderId));
        await placements.finish(orderId);
        this.logger.log(`released the stock of order ${orderId}, whose placement never finished`);
      }
      return stale.length;
    });
  }
}

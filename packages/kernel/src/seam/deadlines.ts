import { SeamTimeoutError } from './seam-errors';

/** How often deadlines are checked; a timeout fires at most this late. */
const SWEEP_MS = 20;

interface Bounded {
  readonly deadline: number;
  readonly what: string;
  fail(error: SeamTimeoutError): void;
}

/**
 * Gives up waiting for work at its deadline, as a caller across the seam gives up on a remote
 * module: the caller gets `seam.timeout` at the deadline, whatever the work then does (a
 * transaction of the work that commits after its deadline rolls back, see
 * `ModuleDatabase.transaction`). One coarse timer serves every call in flight.
 */
export class Deadlines {
  private readonly pending = new Set<Bounded>();
  private sweeper: NodeJS.Timeout | undefined;

  /** `work`, or a `SeamTimeoutError` for `what` once `deadline` (epoch ms) has passed. */
  bound<T>(work: Promise<T>, deadline: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const call: Bounded = { deadline, what, fail: reject };
      this.pending.add(call);
      this.ensureSweeper();
      work.then(
        (value) => {
          this.pending.delete(call);
          resolve(value);
        },
        (error: unknown) => {
          this.pending.delete(call);
          reject(error);
        },
      );
    });
  }

  private ensureSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const call of this.pending) {
        if (call.deadline > now) continue;
        this.pending.delete(call);
        call.fail(new SeamTimeoutError(call.what));
      }
      if (this.pending.size === 0) {
        clearInterval(this.sweeper);
        this.sweeper = undefined;
      }
    }, SWEEP_MS);
    this.sweeper.unref();
  }
}

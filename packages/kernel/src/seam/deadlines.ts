import { SeamTimeoutError } from './seam-errors';

/** How often deadlines are checked; a timeout fires at most this late. */
const SWEEP_MS = 20;

interface Bounded {
  readonly deadline: number;
  readonly what: string;
  readonly fail: (error: SeamTimeoutError) => void;
  done: boolean;
}

/**
 * Gives up waiting for work at its deadline, as a caller across the seam gives up on a remote
 * module: the caller gets `seam.timeout` at the deadline, whatever the work then does (a
 * transaction of the work that commits after its deadline rolls back, see
 * `ModuleDatabase.transaction`). One coarse timer serves every call in flight.
 *
 * On the path of every local call, so kept cheap: calls go into an array (a Set of fresh
 * objects costs more than the rest of the call), a settled call is only marked done, and the
 * sweeper drops the settled ones as it walks the array.
 */
export class Deadlines {
  private pending: Bounded[] = [];
  private sweeper: NodeJS.Timeout | undefined;

  /** `work`, or a `SeamTimeoutError` for `what` once `deadline` (epoch ms) has passed. */
  bound<T>(work: Promise<T>, deadline: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const call: Bounded = { deadline, what, fail: reject, done: false };
      this.pending.push(call);
      if (this.sweeper === undefined) this.startSweeper();
      work.then(
        (value) => {
          call.done = true;
          resolve(value);
        },
        (error: unknown) => {
          call.done = true;
          reject(error);
        },
      );
    });
  }

  private startSweeper(): void {
    this.sweeper = setInterval(() => {
      const now = Date.now();
      const waiting: Bounded[] = [];
      for (const call of this.pending) {
        if (call.done) continue;
        if (call.deadline <= now) {
          call.done = true;
          call.fail(new SeamTimeoutError(call.what));
        } else {
          waiting.push(call);
        }
      }
      this.pending = waiting;
      if (waiting.length === 0) {
        clearInterval(this.sweeper);
        this.sweeper = undefined;
      }
    }, SWEEP_MS);
    this.sweeper.unref();
  }
}

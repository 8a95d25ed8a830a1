import { SeamTimeoutError } from './seam-errors';

/** How often deadlines are checked; a timeout fires at most this late. */
const SWEEP_MS = 20;

/** One call in flight, in a doubly linked ring: a call that settles takes itself out at once. */
class Bounded {
  prev: Bounded | undefined;
  next: Bounded | undefined;

  constructor(
    readonly deadline: number,
    readonly what: string,
    readonly fail: ((error: SeamTimeoutError) => void) | undefined,
  ) {}
}

/**
 * Gives up waiting for work at its deadline, as a caller across the seam gives up on a remote
 * module: the caller gets `seam.timeout` at the deadline, whatever the work then does (a
 * transaction of the work that commits after its deadline rolls back, see
 * `ModuleDatabase.transaction`). One coarse timer serves every call in flight, local and remote
 * (`RemoteModules` bounds its requests here too).
 *
 * On the path of every local call, so kept cheap: no timer per call, and a call that settles
 * unlinks itself from the ring at once. (Keeping settled calls until the next sweep, as an
 * array did, kept every call's promise alive for up to 20 ms: tens of thousands of them,
 * copied by each young-generation collection and promoted, which cost more than the call.)
 */
export class Deadlines {
  private readonly ring = new Bounded(0, '', undefined);
  private sweeper: NodeJS.Timeout | undefined;

  constructor() {
    this.ring.prev = this.ring;
    this.ring.next = this.ring;
  }

  /** `work`, or a `SeamTimeoutError` for `what` once `deadline` (epoch ms) has passed. */
  bound<T>(work: Promise<T>, deadline: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const call = this.track(deadline, what, reject);
      work.then(
        (value) => {
          this.untrack(call);
          resolve(value);
        },
        (error: unknown) => {
          this.untrack(call);
          reject(error);
        },
      );
    });
  }

  /**
   * Calls `fail` with a `SeamTimeoutError` for `what` once `deadline` has passed, unless the
   * returned handle is given to `untrack` first. For callers that have a promise of their own
   * to settle (a remote request).
   */
  track(deadline: number, what: string, fail: (error: SeamTimeoutError) => void): object {
    const call = new Bounded(deadline, what, fail);
    const last = this.ring.prev!;
    call.prev = last;
    call.next = this.ring;
    last.next = call;
    this.ring.prev = call;
    if (this.sweeper === undefined) this.startSweeper();
    return call;
  }

  /** Forgets a call that settled (again is harmless). */
  untrack(handle: object): void {
    const call = handle as Bounded;
    if (call.prev === undefined) return;
    call.prev.next = call.next;
    call.next!.prev = call.prev;
    call.prev = undefined;
    call.next = undefined;
  }

  /** Calls in flight (for tests and metrics). */
  get size(): number {
    let count = 0;
    for (let call = this.ring.next!; call !== this.ring; call = call.next!) count++;
    return count;
  }

  /** Stops the sweeper (at shutdown); calls still in flight then wait for their work. */
  close(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private startSweeper(): void {
    this.sweeper = setInterval(() => {
      const now = Date.now();
      const expired: Bounded[] = [];
      for (let call = this.ring.next!; call !== this.ring; call = call.next!) {
        if (call.deadline <= now) expired.push(call);
      }
      // Unlinked before any is failed: a `fail` may untrack other calls.
      for (const call of expired) this.untrack(call);
      for (const call of expired) call.fail!(new SeamTimeoutError(call.what));
      if (this.ring.next === this.ring) this.close();
    }, SWEEP_MS);
    this.sweeper.unref();
  }
}

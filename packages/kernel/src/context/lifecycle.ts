/**
 * Where the process is in its life: starting (not ready: no traffic, no background work),
 * ready (serving; the outbox relay and the modules' recovery jobs run), or shutting down
 * (readiness 503 from the first moment; background work takes nothing new). One per app,
 * provided by the host (`SeamsModule`); `startApp` makes it ready once every listener is up,
 * and graceful shutdown begins its end.
 */
export class Lifecycle {
  private state: 'starting' | 'ready' | 'stopping' = 'starting';
  private readonly waiting: (() => void)[] = [];

  /** Whether the process serves: every listener up, and not shutting down. */
  get ready(): boolean {
    return this.state === 'ready';
  }

  get shuttingDown(): boolean {
    return this.state === 'stopping';
  }

  markReady(): void {
    if (this.state !== 'starting') return;
    this.state = 'ready';
    for (const resume of this.waiting.splice(0)) resume();
  }

  beginShutdown(): void {
    this.state = 'stopping';
    this.waiting.splice(0);
  }

  /** Runs `work` once the process is ready (at once if it is); never if it shuts down first. */
  whenReady(work: () => void): void {
    if (this.state === 'ready') work();
    else if (this.state === 'starting') this.waiting.push(work);
  }
}

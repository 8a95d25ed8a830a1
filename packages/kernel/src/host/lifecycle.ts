import { Injectable } from '@nestjs/common';

/** Whether this process still takes new work: readiness turns 503 once shutdown begins. */
@Injectable()
export class Lifecycle {
  private stopping = false;

  get shuttingDown(): boolean {
    return this.stopping;
  }

  beginShutdown(): void {
    this.stopping = true;
  }
}

import { connect, type Socket } from 'node:net';

/**
 * A bare TCP client that speaks the Nest TCP transport's framing (`<length>#<json>`) or any
 * bytes at all, to poke a module host the way a broken or hostile peer would.
 */
export class RawTcpClient {
  private buffer = '';
  private readonly replies: unknown[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (;;) {
        const hash = this.buffer.indexOf('#');
        if (hash < 0) break;
        const length = Number(this.buffer.slice(0, hash));
        if (this.buffer.length < hash + 1 + length) break;
        this.replies.push(JSON.parse(this.buffer.slice(hash + 1, hash + 1 + length)));
        this.buffer = this.buffer.slice(hash + 1 + length);
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<RawTcpClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawTcpClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Writes raw text, framed or not. */
  write(text: string): void {
    this.socket.write(text);
  }

  /** Writes one well-framed Nest TCP request. */
  request(pattern: string, data: unknown, id: string): void {
    const json = JSON.stringify({ pattern, data, id });
    this.write(`${json.length}#${json}`);
  }

  /** The next reply, or undefined if the connection closes or `timeoutMs` passes first. */
  async next(timeoutMs = 3000): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length === 0 && !this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.replies.shift();
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

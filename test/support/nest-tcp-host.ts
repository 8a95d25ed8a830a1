import { createServer, type Server, type Socket } from 'node:net';

/** One request as the Nest TCP transport frames it. */
export interface NestTcpPacket {
  readonly id: string;
  readonly pattern: unknown;
  readonly data: Record<string, unknown>;
}

/**
 * A stand-in module host on real TCP, speaking Nest's `<length>#<json>` framing: `answer`
 * decides each reply (`{ ok, result }` or `{ ok: false, error }`, as `SeamReceiver` replies),
 * or `'drop'` to close the connection instead of answering.
 */
export async function startNestTcpHost(port: number, answer: (packet: NestTcpPacket) => unknown | 'drop'): Promise<{ stop(): Promise<void> }> {
  const server: Server = createServer((socket: Socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('error', () => undefined);
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        const hash = buffer.indexOf('#');
        const length = Number(buffer.slice(0, hash));
        if (hash < 0 || buffer.length < hash + 1 + length) break;
        const packet = JSON.parse(buffer.slice(hash + 1, hash + 1 + length)) as NestTcpPacket;
        buffer = buffer.slice(hash + 1 + length);
        const response = answer(packet);
        if (response === 'drop') return void socket.destroy();
        const reply = JSON.stringify({ id: packet.id, response, isDisposed: true });
        socket.write(`${reply.length}#${reply}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

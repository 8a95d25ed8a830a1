import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';

/**
 * A DNS server the test controls (UDP on 127.0.0.1, a free port): it answers A queries for the
 * names it is given, with the addresses it is given now, so a test can make a host name
 * resolve to several replicas and change them while processes run. Never the system's files.
 */
export interface TestDns {
  /** `127.0.0.1:<port>`, for `SEAMS_DNS_SERVERS`. */
  readonly server: string;
  /** `name` resolves to `addresses` from now on (none: NXDOMAIN). */
  set(name: string, addresses: readonly string[]): void;
  /** How many A queries for `name` were answered so far. */
  queries(name: string): number;
  close(): Promise<void>;
}

const A = 1;
const IN = 1;

export async function startTestDns(): Promise<TestDns> {
  const records = new Map<string, readonly string[]>();
  const asked = new Map<string, number>();
  const socket: Socket = createSocket('udp4');
  socket.on('message', (query, peer) => {
    const answer = answerOf(query, records, asked);
    if (answer) socket.send(answer, peer.port, peer.address);
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return {
    server: `127.0.0.1:${socket.address().port}`,
    set: (name, addresses) => void records.set(name.toLowerCase(), addresses),
    queries: (name) => asked.get(name.toLowerCase()) ?? 0,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

/** The reply to one query: its question echoed, one A record per address (TTL 0), or NXDOMAIN. */
function answerOf(query: Buffer, records: ReadonlyMap<string, readonly string[]>, asked: Map<string, number>): Buffer | undefined {
  if (query.length < 12) return undefined;
  const labels: string[] = [];
  let at = 12;
  while (at < query.length && query[at] !== 0) {
    labels.push(query.toString('ascii', at + 1, at + 1 + query[at]));
    at += 1 + query[at];
  }
  const questionEnd = at + 5; // the zero byte, QTYPE, QCLASS
  if (questionEnd > query.length) return undefined;
  const name = labels.join('.').toLowerCase();
  const type = query.readUInt16BE(at + 1);
  const known = records.get(name);
  const addresses = type === A && known ? known : [];
  if (type === A) asked.set(name, (asked.get(name) ?? 0) + 1);
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // id
  header.writeUInt16BE(0x8180 | (known === undefined ? 3 : 0), 2); // response, recursion desired and available; NXDOMAIN when unknown
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(addresses.length, 6);
  const records_ = addresses.map((address) => {
    const record = Buffer.alloc(16);
    record.writeUInt16BE(0xc00c, 0); // the question's name
    record.writeUInt16BE(A, 2);
    record.writeUInt16BE(IN, 4);
    record.writeUInt32BE(0, 6);
    record.writeUInt16BE(4, 10);
    address.split('.').forEach((part, i) => record.writeUInt8(Number(part), 12 + i));
    return record;
  });
  return Buffer.concat([header, query.subarray(12, questionEnd), ...records_]);
}

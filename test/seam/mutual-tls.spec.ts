// @uses-modules catalog, inventory, ordering
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { makeIdentity } from '../support/certificates';
import { type Cluster, startCluster } from '../support/cluster';
import { RawTcpClient } from '../support/raw-tcp';

/** Sends one framed request over TLS and resolves with the reply, or with how the connection ended. */
function tlsRequest(port: number, options: ConnectionOptions, pattern: string): Promise<{ reply?: unknown; failure?: string }> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ...options });
    let data = '';
    const timer = setTimeout(() => finish({ failure: 'no answer' }), 3000);
    function finish(result: { reply?: unknown; failure?: string }) {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    }
    socket.on('secureConnect', () => {
      const json = JSON.stringify({ pattern, data: { v: 1 }, id: randomUUID() });
      socket.write(`${json.length}#${json}`);
    });
    socket.on('data', (chunk) => {
      data += chunk;
      const hash = data.indexOf('#');
      if (hash > 0 && data.length >= hash + 1 + Number(data.slice(0, hash))) finish({ reply: JSON.parse(data.slice(hash + 1)) });
    });
    socket.on('error', (error) => finish({ failure: error.message }));
    socket.on('close', () => finish({ failure: 'closed' }));
  });
}

describe('mutual TLS on the TCP seam', () => {
  const trusted = makeIdentity('trusted');
  const rogue = makeIdentity('rogue');
  let cluster: Cluster;
  let port: number;
  let pattern: string;

  beforeAll(async () => {
    cluster = await startCluster({
      remote: ['inventory'],
      env: { SEAMS_TLS_CA: trusted.ca, SEAMS_TLS_CERT: trusted.cert, SEAMS_TLS_KEY: trusted.key },
    });
    port = Number(new URL(cluster.env.SEAMS_INVENTORY_URL).port);
    pattern = `seams.${cluster.env.SEAMS_NAMESPACE}.inventory`;
  });

  afterAll(() => cluster?.close());

  it('carries the order flow between processes that hold certificates of the same CA', async () => {
    await cluster.http('catalog').post('/v1/catalog/products').send({ sku: 'TLS-1', name: 'T', priceMinor: 5, currency: 'EUR' }).expect(201);
    await cluster.http('inventory').put('/v1/inventory/stock/TLS-1').send({ onHand: 3 }).expect(200);
    await cluster.http('ordering').post('/v1/orders').send({ lines: [{ sku: 'TLS-1', quantity: 2 }] }).expect(201);
    await cluster.http('ordering').post('/v1/orders').send({ lines: [{ sku: 'TLS-1', quantity: 2 }] }).expect(409);
  });

  it('answers a client that presents a certificate of the trusted CA (the control)', async () => {
    const result = await tlsRequest(port, { ca: readFileSync(trusted.ca), cert: readFileSync(trusted.cert), key: readFileSync(trusted.key) }, pattern);
    expect(result.reply).toMatchObject({ response: { ok: false, error: { code: 'seam.unknown-message' } } });
  });

  it('refuses a TLS client without a certificate', async () => {
    const result = await tlsRequest(port, { ca: readFileSync(trusted.ca) }, pattern);
    expect(result.reply).toBeUndefined();
    expect(result.failure).toMatch(/certificate|closed|socket hang up|ECONNRESET/i);
  });

  it('refuses a TLS client whose certificate another CA signed', async () => {
    const result = await tlsRequest(port, { ca: readFileSync(trusted.ca), cert: readFileSync(rogue.cert), key: readFileSync(rogue.key) }, pattern);
    expect(result.reply).toBeUndefined();
    expect(result.failure).toMatch(/certificate|unknown ca|closed|ECONNRESET/i);
  });

  it('gives a plain TCP client nothing', async () => {
    const client = await RawTcpClient.open(port);
    client.request(pattern, { v: 1 }, 'plain-1');
    expect(await client.next(1000)).toBeUndefined();
    client.close();
  });
});

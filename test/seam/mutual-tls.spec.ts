import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { makeIdentity } from '../support/certificates';
import request from 'supertest';
import { adminBearer } from '../support/auth';
import { type HostedProbe, startHostedProbe } from '../support/probe-pair';
import { RawTcpClient } from '../support/raw-tcp';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import type { ProbeSystem } from '../sim/probe-system';

/** The kernel's probe modules: alpha (the monolith) sends to bravo, in its module host over TCP with TLS. */
const SYSTEM: ProbeSystem = {
  modules: [
    { name: 'alpha', subscriptions: [], sends: ['bravo'] },
    { name: 'bravo', subscriptions: [] },
  ],
};

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
  let database: TestDatabase;
  let probe: HostedProbe;
  let port: number;
  const pattern = 'seams.tls.bravo';

  beforeAll(async () => {
    database = await createTestDatabase();
    probe = await startHostedProbe(SYSTEM, 'bravo', database.url, {
      env: { SEAMS_NAMESPACE: 'tls', SEAMS_TLS_CA: trusted.ca, SEAMS_TLS_CERT: trusted.cert, SEAMS_TLS_KEY: trusted.key },
    });
    port = Number(new URL(probe.env.SEAMS_BRAVO_URL).port);
  }, 90_000);

  afterAll(async () => {
    await probe?.close();
    await database?.drop();
  });

  it('carries commands and their typed errors between processes that hold certificates of the same CA', async () => {
    const http = () => request(probe.monolith.getHttpServer());
    await http().put('/v1/alpha/forward/bravo/items/tls-1').set('authorization', adminBearer()).send({ value: 2 }).expect(200, { key: 'tls-1', seq: 1 });
    await http().get('/v1/alpha/forward/bravo/items/tls-1').set('authorization', adminBearer()).expect(200, { key: 'tls-1', seq: 1, value: 2 });
    const refused = await http().put('/v1/alpha/forward/bravo/items/tls-1').set('authorization', adminBearer()).send({ value: 13 }).expect(409);
    expect(refused.body).toMatchObject({ code: 'bravo.unlucky' });
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

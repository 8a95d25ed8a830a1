import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, nkeys } from 'nats';
import { Client } from 'pg';
import { RequestContexts, Seam } from '@seams/kernel/seam';
import { readSettings } from '../../src/host/config';
import { testAuthEnv } from '../support/auth';
import { makeIdentity } from '../support/certificates';
import { makeNatsOperatorAuth } from '../support/nats-jwt';
import { type OwnNats, startOwnNats } from '../support/own-nats';
import { type OwnRabbitMq, startOwnRabbitMqTls } from '../support/own-rabbitmq';
import { type ProbePair, startProbePair } from '../support/probe-pair';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { probeMessages } from '../sim/probe-system';

/**
 * The seam's envelopes carry users' tokens and the service credential: through a broker they
 * travel encrypted, and the broker lets in only processes that prove who they are. Here a NATS
 * server of the test's own demands TLS with a client certificate its CA signed, and an nkey
 * user; the monolith of a probe system and a module host reach each other through it.
 */
describe('the seam through a NATS server that demands TLS and an nkey', () => {
  let nats: OwnNats;
  let database: TestDatabase;
  let pair: ProbePair;
  let env: Record<string, string> & { DATABASE_URL: string };
  const identity = makeIdentity('nats');
  const user = nkeys.createUser();
  const folder = mkdtempSync(join(tmpdir(), 'seams-nats-auth-'));
  const seedFile = join(folder, 'user.nk');

  beforeAll(async () => {
    writeFileSync(seedFile, new TextDecoder().decode(user.getSeed()), { mode: 0o600 });
    const config = join(folder, 'nats.conf');
    writeFileSync(
      config,
      [
        `tls { cert_file: "${identity.cert}", key_file: "${identity.key}", ca_file: "${identity.ca}", verify: true }`,
        `authorization { users: [ { nkey: "${user.getPublicKey()}" } ] }`,
      ].join('\n'),
    );
    nats = await startOwnNats({ config });
    database = await createTestDatabase();
    env = {
      ...testAuthEnv(),
      DATABASE_URL: database.url,
      SEAMS_ALPHA_URL: nats.url,
      SEAMS_BRAVO_URL: nats.url,
      SEAMS_CHARLIE_URL: nats.url,
      SEAMS_BROKER_TLS_CA: identity.ca,
      SEAMS_BROKER_TLS_CERT: identity.cert,
      SEAMS_BROKER_TLS_KEY: identity.key,
      SEAMS_NATS_NKEY_SEED: seedFile,
    };
    pair = await startProbePair(env);
  }, 120_000);

  afterAll(async () => {
    await pair?.close();
    await database?.drop();
    await nats?.destroy();
  });

  it('sends commands and queries across it with the broker TLS and nkey settings', async () => {
    const seam = pair.charlie.get(Seam);
    const { Put, Get } = probeMessages('alpha');
    await expect(RequestContexts.run({ principal: { kind: 'service', service: 'test' }, correlationId: 'tls-put' }, () => seam.send(new Put('k1', 7)))).resolves.toEqual({ key: 'k1', seq: 1 });
    await expect(RequestContexts.run({ principal: { kind: 'service', service: 'test' }, correlationId: 'tls-get' }, () => seam.ask(new Get('k1')))).resolves.toEqual({ key: 'k1', seq: 1, value: 7 });
    const db = new Client({ connectionString: database.url });
    await db.connect();
    try {
      expect((await db.query(`SELECT value FROM alpha.items WHERE key = 'k1'`)).rows).toEqual([{ value: 7 }]);
    } finally {
      await db.end();
    }
  });

  it('is a server that turns away a client without TLS, and one with TLS but no nkey (what the settings guard against)', async () => {
    await expect(connect({ servers: nats.url, reconnect: false })).rejects.toThrow(/certificate|tls/i);
    await expect(
      connect({ servers: nats.url, reconnect: false, tls: { caFile: identity.ca, certFile: identity.cert, keyFile: identity.key } }),
    ).rejects.toThrow(/Authorization|AUTHORIZATION/i);
  });

  it('does not start a host without the nkey seed: it cannot reach the broker, and says so', async () => {
    const withoutSeed = { ...env };
    delete withoutSeed.SEAMS_NATS_NKEY_SEED;
    await expect(startProbePair(withoutSeed)).rejects.toThrow(/probe host failed: .*[Aa]uthorization/);
  });
});

/**
 * NATS decentralized authentication: the server trusts an operator, knows its account, and
 * lets in a user only with a JWT that account signed and proof of the user's seed; the seam's
 * processes present it with `SEAMS_NATS_CREDS` (a `.creds` file, as `nsc` writes them).
 */
describe('the seam through a NATS server with operator (JWT) authentication', () => {
  let nats: OwnNats;
  let database: TestDatabase;
  let pair: ProbePair;
  let env: Record<string, string> & { DATABASE_URL: string };
  const auth = makeNatsOperatorAuth();
  const folder = mkdtempSync(join(tmpdir(), 'seams-nats-jwt-'));
  const credsFile = join(folder, 'host.creds');
  const strangerFile = join(folder, 'stranger.creds');

  beforeAll(async () => {
    writeFileSync(credsFile, auth.creds, { mode: 0o600 });
    writeFileSync(strangerFile, auth.strangerCreds, { mode: 0o600 });
    writeFileSync(join(folder, 'nats.conf'), auth.serverConfig);
    nats = await startOwnNats({ config: join(folder, 'nats.conf') });
    database = await createTestDatabase();
    env = { ...testAuthEnv(), DATABASE_URL: database.url, SEAMS_ALPHA_URL: nats.url, SEAMS_BRAVO_URL: nats.url, SEAMS_CHARLIE_URL: nats.url, SEAMS_NATS_CREDS: credsFile };
    pair = await startProbePair(env);
  }, 120_000);

  afterAll(async () => {
    await pair?.close();
    await database?.drop();
    await nats?.destroy();
  });

  it('sends commands and queries across it with SEAMS_NATS_CREDS', async () => {
    const seam = pair.charlie.get(Seam);
    const { Put, Get } = probeMessages('alpha');
    const as = <T>(work: () => Promise<T>) => RequestContexts.run({ principal: { kind: 'service', service: 'test' }, correlationId: 'creds' }, work);
    await expect(as(() => seam.send(new Put('k1', 9)))).resolves.toEqual({ key: 'k1', seq: 1 });
    await expect(as(() => seam.ask(new Get('k1')))).resolves.toEqual({ key: 'k1', seq: 1, value: 9 });
  });

  it('is a server that turns away a client without credentials (what the setting guards against)', async () => {
    await expect(connect({ servers: nats.url, reconnect: false })).rejects.toThrow(/Authorization/i);
  });

  it('does not start a host with a user of an account the server does not know, and says so', async () => {
    await expect(startProbePair({ ...env, SEAMS_NATS_CREDS: strangerFile })).rejects.toThrow(/probe host failed: .*[Aa]uthorization/);
  });

  it('refuses a file that is not a .creds file, naming it', async () => {
    const notCreds = join(folder, 'not.creds');
    writeFileSync(notCreds, 'SUAM...not a creds file\n');
    await expect(startProbePair({ ...env, SEAMS_NATS_CREDS: notCreds })).rejects.toThrow(/not a NATS \.creds file/);
  });
});

describe('broker security settings', () => {
  const identity = makeIdentity('settings');

  it('refuses a plain amqp:// address when broker TLS is set, naming the setting', () => {
    expect(() => readSettings({ SEAMS_BROKER_TLS_CA: identity.ca, SEAMS_INVENTORY_URL: 'amqp://guest:secret@mq:5672' }, ['inventory'])).toThrow(
      'SEAMS_INVENTORY_URL is amqp://mq:5672: with SEAMS_BROKER_TLS_CA set, RabbitMQ addresses must be amqps://',
    );
  });

  it('refuses a client certificate without its key, and either without the CA', () => {
    expect(() => readSettings({ SEAMS_BROKER_TLS_CERT: identity.cert })).toThrow(/SEAMS_BROKER_TLS_CERT and SEAMS_BROKER_TLS_KEY together/);
    expect(() => readSettings({ SEAMS_BROKER_TLS_CERT: identity.cert, SEAMS_BROKER_TLS_KEY: identity.key })).toThrow(/need SEAMS_BROKER_TLS_CA/);
  });

  it('refuses both an nkey seed and a credentials file', () => {
    expect(() => readSettings({ SEAMS_NATS_NKEY_SEED: '/a', SEAMS_NATS_CREDS: '/b' })).toThrow('Set SEAMS_NATS_NKEY_SEED or SEAMS_NATS_CREDS, not both');
  });
});

/** The same through a RabbitMQ node of the test's own that listens only for TLS and demands a client certificate. */
describe('the seam through a RabbitMQ server that demands TLS and a client certificate', () => {
  let rabbit: OwnRabbitMq;
  let database: TestDatabase;
  let pair: ProbePair;
  const identity = makeIdentity('rabbitmq');

  beforeAll(async () => {
    rabbit = await startOwnRabbitMqTls(identity);
    database = await createTestDatabase();
    pair = await startProbePair({
      ...testAuthEnv(),
      DATABASE_URL: database.url,
      SEAMS_ALPHA_URL: rabbit.url,
      SEAMS_BRAVO_URL: rabbit.url,
      SEAMS_CHARLIE_URL: rabbit.url,
      SEAMS_BROKER_TLS_CA: identity.ca,
      SEAMS_BROKER_TLS_CERT: identity.cert,
      SEAMS_BROKER_TLS_KEY: identity.key,
    });
  }, 180_000);

  afterAll(async () => {
    await pair?.close();
    await database?.drop();
    await rabbit?.destroy();
  });

  it('sends commands and queries across it over amqps://', async () => {
    const seam = pair.charlie.get(Seam);
    const { Put, Get } = probeMessages('bravo');
    await expect(RequestContexts.run({ principal: { kind: 'service', service: 'test' }, correlationId: 'amqps-put' }, () => seam.send(new Put('k2', 9)))).resolves.toEqual({ key: 'k2', seq: 1 });
    await expect(RequestContexts.run({ principal: { kind: 'service', service: 'test' }, correlationId: 'amqps-get' }, () => seam.ask(new Get('k2')))).resolves.toEqual({ key: 'k2', seq: 1, value: 9 });
  });

  it('is a server that turns away a client without a certificate (what the settings guard against)', async () => {
    const { connect: amqp } = await import('amqplib');
    await expect(amqp(rabbit.url, { ca: [readFileSync(identity.ca)] })).rejects.toThrow();
  });
});

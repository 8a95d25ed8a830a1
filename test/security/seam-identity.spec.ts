// @uses-modules catalog, inventory, ordering
import { randomUUID } from 'node:crypto';
import { bearer, customerBearer, serviceCredential, tokenFor } from '../support/auth';
import { type Cluster, startCluster } from '../support/cluster';
import { RawTcpClient } from '../support/raw-tcp';

/**
 * No confused deputy: the inventory host, driven directly over TCP (bypassing the monolith),
 * checks who sent each message (the deployment's service credential) and for whom (the end
 * user's token, verified again), and authorises by that end user.
 */
describe('a module host checks identities itself', () => {
  let cluster: Cluster;
  let client: RawTcpClient;
  let pattern: string;

  beforeAll(async () => {
    cluster = await startCluster({ remote: ['inventory'] });
    await cluster.http('catalog').post('/v1/catalog/products').send({ sku: 'IDY-1', name: 'I', priceMinor: 10, currency: 'EUR' }).expect(201);
    await cluster.http('inventory').put('/v1/inventory/stock/IDY-1').send({ onHand: 10 }).expect(200);
    client = await RawTcpClient.open(Number(new URL(cluster.env.SEAMS_INVENTORY_URL).port));
    pattern = `seams.${cluster.env.SEAMS_NAMESPACE}.inventory`;
  });

  afterAll(async () => {
    client?.close();
    await cluster?.close();
  });

  async function send(name: string, payload: object, headers: { service?: string; identity?: string }) {
    const id = randomUUID();
    const kind = 'command';
    client.request(pattern, { v: 1, kind, name, id, correlationId: `idy-${id}`, deadline: Date.now() + 5000, payload, ...headers }, id);
    const reply = (await client.next()) as { response: { ok: boolean; error?: { code: string; message: string } } };
    return reply.response;
  }
  const reserve = (orderId: string, headers: { service?: string; identity?: string }) =>
    send('inventory.reserve-stock.v1', { orderId, lines: [{ sku: 'IDY-1', quantity: 2 }] }, headers);
  const release = (orderId: string, headers: { service?: string; identity?: string }) =>
    send('inventory.release-reservation.v1', { orderId }, headers);
  const stock = async () => (await cluster.http('inventory').get('/v1/inventory/stock/IDY-1').expect(200)).body as { reserved: number };

  it('refuses a message without the service credential, or with a forged one, whatever token it carries', async () => {
    const alice = customerBearer('alice');
    expect(await reserve(randomUUID(), { identity: alice })).toMatchObject({ ok: false, error: { code: 'auth.unauthenticated' } });
    const forged = serviceCredential('a-secret-of-32-characters-or-more-that-is-not-ours');
    expect(await reserve(randomUUID(), { service: forged, identity: alice })).toMatchObject({ ok: false, error: { code: 'auth.unauthenticated' } });
    expect((await stock()).reserved).toBe(0);
  });

  it('refuses a forged end-user identity even from a trusted sender', async () => {
    const service = serviceCredential();
    for (const identity of [
      `Bearer ${tokenFor({ sub: 'alice', roles: ['customer'], foreignKey: true })}`,
      `Bearer ${tokenFor({ sub: 'alice', roles: ['customer'], expiresIn: -300 })}`,
      'Bearer not-a-token',
    ]) {
      const reply = await reserve(randomUUID(), { service, identity });
      expect(reply).toMatchObject({ ok: false, error: { code: 'auth.unauthenticated' } });
    }
    expect((await stock()).reserved).toBe(0);
  });

  it("authorises by the end user: another user's token cannot release or take over alice's reservation", async () => {
    const service = serviceCredential();
    const orderId = randomUUID();
    expect(await reserve(orderId, { service, identity: customerBearer('alice') })).toEqual({ ok: true });
    expect((await stock()).reserved).toBe(2);

    const bob = customerBearer('bob');
    expect(await release(orderId, { service, identity: bob })).toMatchObject({ ok: false, error: { code: 'auth.forbidden' } });
    expect(await reserve(orderId, { service, identity: bob })).toMatchObject({ ok: false, error: { code: 'auth.forbidden' } });
    expect((await stock()).reserved).toBe(2);
    // a user with no shop role may not reserve at all
    expect(await reserve(randomUUID(), { service, identity: bearer('dave') })).toMatchObject({ ok: false, error: { code: 'auth.forbidden' } });

    // alice herself, or the deployment acting on its own (no end user: the service credential alone), may
    expect(await release(orderId, { service, identity: customerBearer('alice') })).toEqual({ ok: true });
    expect((await stock()).reserved).toBe(0);
    const other = randomUUID();
    expect(await reserve(other, { service, identity: customerBearer('erin') })).toEqual({ ok: true });
    expect(await release(other, { service })).toEqual({ ok: true });
    expect((await stock()).reserved).toBe(0);
  });

  it('carries the user through the monolith: an order placed there reserves in the host for that user', async () => {
    const placed = await cluster
      .http('ordering')
      .post('/v1/orders')
      .set('authorization', customerBearer('frank'))
      .send({ lines: [{ sku: 'IDY-1', quantity: 1 }] })
      .expect(201);
    // the reservation was made for frank (his token travelled in the envelope): bob may not touch it
    const reply = await release(placed.body.id, { service: serviceCredential(), identity: customerBearer('bob') });
    expect(reply).toMatchObject({ ok: false, error: { code: 'auth.forbidden' } });
  });
});

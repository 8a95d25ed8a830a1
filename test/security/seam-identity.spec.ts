// @uses-modules catalog, inventory, ordering
import { randomUUID } from 'node:crypto';
import { bearer, customerBearer, sealed, tokenFor } from '../support/auth';
import type { ActingAs } from '@seams/kernel/security';
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

  /** How a test message is sealed: by this deployment (acting for its user, or for itself), by another, or not at all. */
  interface Sending {
    readonly identity?: string;
    readonly seal?: 'ours' | 'forged' | 'none';
    readonly as?: ActingAs;
  }

  /** The envelope of a message as a process of this deployment would seal it (see `sealed`). */
  function envelopeOf(name: string, payload: object, { identity, seal = 'ours', as }: Sending) {
    const id = randomUUID();
    const unsealed = { v: 1, kind: 'command', name, id, correlationId: `idy-${id}`, deadline: Date.now() + 5000, payload, ...(identity !== undefined && { identity }) };
    if (seal === 'none') return unsealed;
    return sealed(unsealed, { ...(seal === 'forged' && { secret: 'a-secret-of-32-characters-or-more-that-is-not-ours' }), ...(as && { as }) });
  }

  async function deliver(envelope: { id: string }) {
    client.request(pattern, envelope, envelope.id);
    const reply = (await client.next()) as { response: { ok: boolean; error?: { code: string; message: string } } };
    return reply.response;
  }
  const send = (name: string, payload: object, sending: Sending) => deliver(envelopeOf(name, payload, sending));
  const reserve = (orderId: string, sending: Sending) => send('inventory.reserve-stock.v1', { orderId, lines: [{ sku: 'IDY-1', quantity: 2 }] }, sending);
  const release = (orderId: string, sending: Sending) => send('inventory.release-reservation.v1', { orderId }, sending);
  const stock = async () => (await cluster.http('inventory').get('/v1/inventory/stock/IDY-1').expect(200)).body as { reserved: number };

  it('refuses a message without the seal, or sealed with another secret, whatever token it carries', async () => {
    const alice = customerBearer('alice');
    expect(await reserve(randomUUID(), { identity: alice, seal: 'none' })).toMatchObject({ ok: false, error: { code: 'auth.unauthenticated' } });
    expect(await reserve(randomUUID(), { identity: alice, seal: 'forged' })).toMatchObject({ ok: false, error: { code: 'auth.unauthenticated' } });
    expect((await stock()).reserved).toBe(0);
  });

  it('binds the seal to its message: a captured message cannot be sent again, nor changed, nor its seal reused for another user', async () => {
    const alice = customerBearer('alice');
    const orderId = randomUUID();
    const captured = envelopeOf('inventory.reserve-stock.v1', { orderId, lines: [{ sku: 'IDY-1', quantity: 1 }] }, { identity: alice });
    expect(await deliver(captured)).toEqual({ ok: true });
    const replayed = await deliver(captured);
    expect(replayed).toMatchObject({ ok: false, error: { code: 'auth.unauthenticated', message: expect.stringMatching(/a replay is refused/) } });
    // The same seal on another order, or for another user (the attacker's own token): refused.
    const changed = { ...captured, id: randomUUID(), payload: { orderId: randomUUID(), lines: [{ sku: 'IDY-1', quantity: 5 }] } };
    expect(await deliver(changed)).toMatchObject({ ok: false, error: { code: 'auth.unauthenticated', message: expect.stringMatching(/altered on the way/) } });
    const otherUser = { ...captured, id: randomUUID(), identity: customerBearer('mallory') };
    expect(await deliver(otherUser)).toMatchObject({ ok: false, error: { code: 'auth.unauthenticated' } });
    expect((await stock()).reserved).toBe(1);
    expect(await release(orderId, { identity: alice })).toEqual({ ok: true });
  });

  it('refuses a message that acts for nobody: sealed for a user but carrying no token, or for a service but carrying one', async () => {
    expect(await reserve(randomUUID(), { as: 'user' })).toMatchObject({ ok: false, error: { code: 'auth.unauthenticated', message: expect.stringMatching(/carries no user's token/) } });
    expect(await reserve(randomUUID(), { as: 'service', identity: customerBearer('alice') })).toMatchObject({ ok: false, error: { code: 'auth.unauthenticated' } });
    expect((await stock()).reserved).toBe(0);
  });

  it('refuses a forged end-user identity even from a trusted sender', async () => {
    for (const identity of [
      `Bearer ${tokenFor({ sub: 'alice', roles: ['customer'], foreignKey: true })}`,
      `Bearer ${tokenFor({ sub: 'alice', roles: ['customer'], expiresIn: -300 })}`,
      'Bearer not-a-token',
    ]) {
      const reply = await reserve(randomUUID(), { identity });
      expect(reply).toMatchObject({ ok: false, error: { code: 'auth.unauthenticated' } });
    }
    expect((await stock()).reserved).toBe(0);
  });

  it("authorises by the end user: another user's token cannot release or take over alice's reservation", async () => {
    const orderId = randomUUID();
    expect(await reserve(orderId, { identity: customerBearer('alice') })).toEqual({ ok: true });
    expect((await stock()).reserved).toBe(2);

    const bob = customerBearer('bob');
    expect(await release(orderId, { identity: bob })).toMatchObject({ ok: false, error: { code: 'auth.forbidden' } });
    expect(await reserve(orderId, { identity: bob })).toMatchObject({ ok: false, error: { code: 'auth.forbidden' } });
    expect((await stock()).reserved).toBe(2);
    // a user with no shop role may not reserve at all
    expect(await reserve(randomUUID(), { identity: bearer('dave') })).toMatchObject({ ok: false, error: { code: 'auth.forbidden' } });

    // alice herself, or the deployment acting on its own (no end user: the service credential alone), may
    expect(await release(orderId, { identity: customerBearer('alice') })).toEqual({ ok: true });
    expect((await stock()).reserved).toBe(0);
    const other = randomUUID();
    expect(await reserve(other, { identity: customerBearer('erin') })).toEqual({ ok: true });
    expect(await release(other, {})).toEqual({ ok: true });
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
    const reply = await release(placed.body.id, { identity: customerBearer('bob') });
    expect(reply).toMatchObject({ ok: false, error: { code: 'auth.forbidden' } });
  });
});

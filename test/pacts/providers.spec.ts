// @uses-modules catalog, inventory, ordering, payments
import { startCluster } from '../support/cluster';
import { pactFilesOf } from './pacts';
import { type Change, DECLINE_ABOVE, PROVIDERS, ProviderUnderTest, type Verification } from './verify';

/**
 * Every pact in contracts/pacts is verified by its provider with Pact's own verifier, through
 * the provider's real handlers and database: once with every module in this process, once with
 * every module in a module host of its own (the verifier's message proxy calls into the
 * monolith's seam, which sends over TCP). Provider states set data up through the provider's
 * own routes and commands (inventory's also clears its reservations, in its own schema). A
 * provider that changes what a consumer relies on fails, naming the consumer and interaction:
 * the tests at the end plant such changes.
 */
describe.each([
  ['with every module in this process', [] as string[]],
  ['with every module in a host of its own, over the seam', [...PROVIDERS]],
])('the providers verify their consumers’ pacts %s', (_, remote) => {
  let subject: ProviderUnderTest;

  beforeAll(async () => {
    subject = new ProviderUnderTest(await startCluster({ remote, env: { PAYMENTS_DECLINE_ABOVE_MINOR: String(DECLINE_ABOVE) } }));
    await subject.open();
  }, 120_000);

  afterAll(async () => {
    await subject?.close();
    await subject?.cluster.close();
  });

  it.each(PROVIDERS)('%s honours every pact that names it', async (provider) => {
    expect(pactFilesOf(provider).length).toBeGreaterThan(0);
    const verification = await subject.verify(provider, pactFilesOf(provider));
    expect(verification).toEqual({ ok: true, report: '' });
  }, 60_000);

  if (remote.length > 0) return;

  describe('a provider change that breaks what a consumer relies on fails, naming the consumer and the interaction', () => {
    const failed = (verification: Verification, consumer: string, provider: string, description: string, mismatch: RegExp) => {
      expect(verification.ok).toBe(false);
      expect(verification.report).toContain(`Verifying a pact between ${consumer} and ${provider}`);
      expect(verification.report).toContain(description);
      expect(verification.report).toMatch(mismatch);
    };

    it('catalog renames a field of its answer that ordering reads', async () => {
      const renamed: Change = (_description, reply) => {
        const { ok, value } = reply as { ok: true; value: { priceMinor: number }[] };
        return { ok, value: value.map(({ priceMinor, ...rest }) => ({ ...rest, price: priceMinor })) };
      };
      failed(await subject.verify('catalog', pactFilesOf('catalog'), renamed), 'ordering', 'catalog', 'the prices of the products an order names', /priceMinor/);
    }, 60_000);

    it('inventory changes the code of the error ordering handles', async () => {
      const recoded: Change = (description, reply) =>
        description === 'a reservation of more stock than there is' ? { ...(reply as object), error: { ...(reply as { error: object }).error, code: 'inventory.out-of-stock' } } : reply;
      failed(await subject.verify('inventory', pactFilesOf('inventory'), recoded), 'ordering', 'inventory', 'a reservation of more stock than there is', /inventory\.out-of-stock/);
    }, 60_000);

    it('ordering renames a field of its event that payments reads', async () => {
      const renamed: Change = (description, event) => {
        if (description !== 'an order placed') return event;
        const { totalMinor, ...rest } = event as { totalMinor: number };
        return { ...rest, total: totalMinor };
      };
      failed(await subject.verify('ordering', pactFilesOf('ordering'), renamed), 'payments', 'ordering', 'an order placed', /totalMinor/);
    }, 60_000);
  });
});

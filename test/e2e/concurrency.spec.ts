import { shop } from '../support/shop';
import { eventually, startTestApp, type TestApp } from '../support/test-app';

describe('concurrent orders for scarce stock', () => {
  let app: TestApp;
  let s: ReturnType<typeof shop>;

  beforeAll(async () => {
    app = await startTestApp();
    s = shop(app.http);
  });

  afterAll(() => app?.close());

  it('lets exactly one of many concurrent orders take the last unit, and stock never goes negative', async () => {
    await s.product('LAST-1', 500);
    await s.stock('LAST-1', 1);

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => s.order([{ sku: 'LAST-1', quantity: 1 }], `customer-${i}`)),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(19);

    const winner = responses.find((response) => response.status === 201)!.body.id as string;
    expect((await s.settled(winner)).status).toBe('CONFIRMED');
    const stock = await eventually(() => s.stockOf('LAST-1'), (item) => item.reserved === 0);
    expect(stock).toMatchObject({ onHand: 0, reserved: 0, available: 0 });
  });

  it('keeps every unit accounted for when many orders compete for several skus', async () => {
    await s.product('MIX-A', 100);
    await s.product('MIX-B', 100);
    await s.stock('MIX-A', 7);
    await s.stock('MIX-B', 5);

    // lines in both orders of the skus, so lock ordering matters (no deadlock allowed)
    const responses = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        s.order(
          i % 2 === 0
            ? [
                { sku: 'MIX-A', quantity: 1 },
                { sku: 'MIX-B', quantity: 1 },
              ]
            : [
                { sku: 'MIX-B', quantity: 1 },
                { sku: 'MIX-A', quantity: 1 },
              ],
        ),
      ),
    );
    expect(responses.every((response) => response.status === 201 || response.status === 409)).toBe(true);
    const won = responses.filter((response) => response.status === 201);
    expect(won).toHaveLength(5); // MIX-B runs out first
    await Promise.all(won.map((response) => s.settled(response.body.id)));

    const a = await eventually(() => s.stockOf('MIX-A'), (item) => item.reserved === 0);
    const b = await eventually(() => s.stockOf('MIX-B'), (item) => item.reserved === 0);
    expect(a).toMatchObject({ onHand: 2, reserved: 0 });
    expect(b).toMatchObject({ onHand: 0, reserved: 0 });
  });
});

import { GetProducts } from '../../modules/catalog/contract';
import { Seam } from '../../src/kernel/seam';
import { type Cluster, startCluster } from '../support/cluster';

/** catalog's published messages behave the same in process and across a real TCP seam. */
describe.each([
  ['in process', []],
  ['across TCP to a catalog host', ['catalog']],
])('catalog contract %s', (_, remote: string[]) => {
  let cluster: Cluster;
  let seam: Seam;

  beforeAll(async () => {
    cluster = await startCluster({ remote });
    seam = cluster.monolith.get(Seam);
    for (const [sku, priceMinor] of [
      ['CON-1', 100],
      ['CON-2', 250],
    ] as const) {
      await cluster.http('catalog').post('/v1/catalog/products').send({ sku, name: `Item ${sku}`, priceMinor, currency: 'EUR' }).expect(201);
    }
  });

  afterAll(() => cluster?.close());

  it('catalog.get-products.v1 answers the products it knows, with name, price and currency', async () => {
    const products = await seam.ask(new GetProducts(['CON-2', 'CON-1']));
    expect([...products].sort((a, b) => a.sku.localeCompare(b.sku))).toEqual([
      { sku: 'CON-1', name: 'Item CON-1', priceMinor: 100, currency: 'EUR' },
      { sku: 'CON-2', name: 'Item CON-2', priceMinor: 250, currency: 'EUR' },
    ]);
  });

  it('catalog.get-products.v1 leaves out skus it does not know', async () => {
    await expect(seam.ask(new GetProducts(['CON-1', 'NOPE-1']))).resolves.toEqual([
      { sku: 'CON-1', name: 'Item CON-1', priceMinor: 100, currency: 'EUR' },
    ]);
    await expect(seam.ask(new GetProducts([]))).resolves.toEqual([]);
  });
});

import { type CatalogProduct, GetProducts } from '../../modules/catalog/contract';
import { Seam } from '@seams/kernel/seam';
import { startCluster } from '../support/cluster';
import { FakeCatalog } from '../support/fakes';
import { startModuleHarness } from '../support/module-harness';
import { serviceSeam } from '@seams/kernel/testing';

/** What the suite needs of a catalog: a seam to it, and a way to register products. */
interface Subject {
  readonly seam: Seam;
  addProduct(product: CatalogProduct): Promise<void>;
  close(): Promise<void>;
}

const real = (remote: string[]) => async (): Promise<Subject> => {
  const cluster = await startCluster({ remote });
  return {
    seam: serviceSeam(cluster.monolith.get(Seam)),
    addProduct: async (product) => void (await cluster.http('catalog').post('/v1/catalog/products').send(product).expect(201)),
    close: () => cluster.close(),
  };
};

/** The fake that isolated module tests use (test/support/fakes.ts): it must keep the same contract. */
const fake = async (): Promise<Subject> => {
  const catalog = new FakeCatalog();
  const harness = await startModuleHarness({ fakes: [catalog] });
  return { seam: harness.seam, addProduct: async (product) => void catalog.addProduct(product), close: () => harness.close() };
};

/** catalog's published messages behave the same in process, across a real TCP seam, and in its fake. */
describe.each([
  ['in process', real([])],
  ['across TCP to a catalog host', real(['catalog'])],
  ['in the fake catalog', fake],
])('catalog contract %s', (_, start: () => Promise<Subject>) => {
  let subject: Subject;
  let seam: Seam;

  beforeAll(async () => {
    subject = await start();
    seam = subject.seam;
    for (const [sku, priceMinor] of [
      ['CON-1', 100],
      ['CON-2', 250],
    ] as const) {
      await subject.addProduct({ sku, name: `Item ${sku}`, priceMinor, currency: 'EUR' });
    }
  });

  afterAll(() => subject?.close());

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

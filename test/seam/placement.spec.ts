import { ReserveStockHandler } from '../../modules/inventory/application/reserve-stock/reserve-stock.handler';
import { DatabaseRegistry } from '@seams/kernel/persistence';
import { type Cluster, startCluster } from '../support/cluster';

describe('the monolith with inventory set to remote', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ remote: ['inventory'] });
  });

  afterAll(() => cluster?.close());

  it("does not load inventory's providers, handlers or database", () => {
    const modules = cluster.monolith.get(DatabaseRegistry).all().map((database) => database.module);
    expect(modules.sort()).toEqual(['catalog', 'ordering', 'payments']);
    expect(() => cluster.monolith.get(ReserveStockHandler, { strict: false })).toThrow();
  });

  it("serves neither inventory's routes nor its documentation; its host does", async () => {
    await cluster.http('ordering').get('/v1/inventory/stock/ANY-1').expect(404);
    const monolithDocs = (await cluster.http('ordering').get('/docs-json').expect(200)).body;
    expect(Object.keys(monolithDocs.paths).some((path) => path.startsWith('/v1/inventory'))).toBe(false);

    const hostDocs = (await cluster.http('inventory').get('/docs-json').expect(200)).body;
    expect(Object.keys(hostDocs.paths).sort()).toEqual([
      '/health',
      '/health/live',
      '/health/ready',
      '/metrics',
      '/v1/admin/events',
      '/v1/admin/events/stats',
      '/v1/admin/events/{id}/retry',
      '/v1/admin/replays',
      '/v1/admin/replays/{id}',
      '/v1/admin/replays/{id}/stop',
      '/v1/admin/shadow',
      '/v1/inventory/stock/{sku}',
    ]);
    const health = (await cluster.http('inventory').get('/health').expect(200)).body;
    expect(Object.keys(health.details).sort()).toEqual(['database:inventory', 'process']);
  });
});

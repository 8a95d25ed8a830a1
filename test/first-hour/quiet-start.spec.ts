// @uses-modules catalog, inventory, ordering, payments
import { type AppProcess, freePort, startAppProcess } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const NEST_START_UP = ['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication'];

describe('a start at the default log level', () => {
  let database: TestDatabase;
  const started: AppProcess[] = [];
  beforeAll(async () => (database = await createTestDatabase()));
  afterAll(async () => {
    await Promise.all(started.map((app) => app.stop()));
    await database.drop();
  });

  it('prints a handful of lines: a mistyped setting, what runs where, where the API, docs, metrics and health are, and the next step', async () => {
    const port = await freePort();
    const app = startAppProcess({ DATABASE_URL: database.url, PORT: String(port), SEAMS_AUTH_DEV: 'on', SEAMS_INVENTROY: 'remote' });
    started.push(app);
    await app.waitForLog({ msg: /^Next:/ });
    const base = `http://localhost:${port}`;
    expect(app.logs().map((line) => [line.level, line.msg])).toEqual([
      [40, 'Unknown setting SEAMS_INVENTROY is ignored; did you mean SEAMS_INVENTORY?'],
      [30, 'Using the PostgreSQL server of DATABASE_URL'],
      [30, 'monolith; local: catalog, inventory, ordering, payments; remote: none; serving: none'],
      [30, `Ready: API at ${base}/v1, Swagger UI at ${base}/docs, metrics at ${base}/metrics, health at ${base}/health; tracing off`],
      [30, `Next: make a token with \`npm run token -- --sub you --role admin\`, open ${base}/docs, press Authorize and paste it`],
    ]);
    expect(app.output()).not.toMatch(/Mapped \{|dependencies initialized|successfully started/);
  });

  it.each(['SEAMS_LOG_LEVEL', 'LOG_LEVEL'])("shows Nest's per-module and per-route lines at debug (%s=debug)", async (setting) => {
    const app = startAppProcess({ DATABASE_URL: database.url, PORT: String(await freePort()), [setting]: 'debug' });
    started.push(app);
    await app.waitForLog({ msg: /^Next:/ });
    const nest = app.logs().filter((line) => NEST_START_UP.includes(String(line.context)));
    expect(nest.every((line) => line.level === 20)).toBe(true);
    expect(nest.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['CatalogModule dependencies initialized', 'Mapped {/catalog/products, POST} (version: 1) route', 'Nest application successfully started']),
    );
  });
});

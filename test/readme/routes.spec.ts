// @uses-modules catalog, inventory, ordering, payments
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/processes';
import { routeSpans, section, tableRoutes } from '../support/readme-blocks';
import { startTestApp, type TestApp } from '../support/test-app';

/** The route tables of the docs, and the section each one is in. */
const TABLES = [
  { file: 'README.md', heading: '## API' },
  { file: 'docs/modules.md', heading: '## Routes' },
];

describe('the route tables of the README and docs/modules.md', () => {
  let app: TestApp;
  let documented: string[];

  beforeAll(async () => {
    app = await startTestApp();
    const { body } = await app.http.get('/docs-json').expect(200);
    documented = Object.entries(body.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
  });

  afterAll(() => app?.close());

  it.each(TABLES)('$file ($heading) has a row for every route of the OpenAPI document, and no row that is not one', ({ file, heading }) => {
    const { text, line } = section(readFileSync(join(ROOT, file), 'utf8'), heading);
    const rows = tableRoutes(text, line);
    const inTable = new Set(rows.map((row) => row.route));
    expect({ file, missingFromTheTable: documented.filter((route) => !inTable.has(route)).sort() }).toEqual({ file, missingFromTheTable: [] });
    expect({ file, notARoute: rows.filter((row) => !documented.includes(row.route)).map((row) => `line ${row.line}: ${row.route}`) }).toEqual({
      file,
      notARoute: [],
    });
  });

  it.each(['README.md', 'docs/modules.md'])('%s names no route that does not exist, anywhere in its text', (file) => {
    const named = routeSpans(readFileSync(join(ROOT, file), 'utf8'));
    expect(named.length).toBeGreaterThan(0);
    expect({ file, notARoute: [...new Set(named.filter((route) => !documented.includes(route)))] }).toEqual({ file, notARoute: [] });
  });
});

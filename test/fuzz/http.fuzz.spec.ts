import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { createApp, startApp } from '../../src/host/create-app';
import { adminBearer, customerBearer } from '../support/auth';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { body, type OpenApiDocument, type Operation, parameter } from './openapi-arbitraries';

/**
 * HTTP fuzzing from the live OpenAPI document: every operation, with valid, broken and random
 * bodies, path and query parameters, content types and tokens. Whatever comes in, the answer is
 * never a 5xx and never a dropped connection, and every 4xx is an RFC 9457 problem.
 *
 *   FUZZ_RUNS  requests (default 150: the budget `npm test` spends)
 *   FUZZ_SEED  replays a run; FUZZ_PATH with it replays exactly the (shrunk) failing request
 *   `npm run fuzz -- --seed N --runs M` sets them.
 */
const runs = Number(process.env.FUZZ_RUNS || 150);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const path = process.env.FUZZ_PATH || undefined;

jest.setTimeout(Math.max(120_000, runs * 200));

interface Endpoint {
  readonly method: string;
  readonly path: string;
  readonly operation: Operation;
}

const TOKENS = ['admin', 'customer', 'none', 'garbage', 'other scheme'] as const;
const CONTENT_TYPES = ['application/json', 'application/json', 'application/json', 'text/plain', 'none', 'application/json; charset=latin1', 'application/x-www-form-urlencoded'];

describe('HTTP fuzzing from the OpenAPI document', () => {
  let database: TestDatabase;
  let app: INestApplication;
  let base: string;
  let document: OpenApiDocument;
  let endpoints: Endpoint[];

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await createApp({ database: { url: database.url, poolSize: 4 }, logger: false, env: { ...process.env, SEAMS_RATE_LIMIT: '0' } });
    await startApp(app, 0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
    document = (await (await fetch(`${base}/docs-json`)).json()) as OpenApiDocument;
    endpoints = Object.entries(document.paths).flatMap(([route, methods]) =>
      Object.entries(methods)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, operation]) => ({ method: method.toUpperCase(), path: route, operation })),
    );
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('answers every request with a non-5xx status, over a connection that stays up, and every 4xx as a problem', async () => {
    expect(endpoints.length).toBeGreaterThan(0);
    process.stdout.write(`fuzz: seed ${seed}${path ? ` path ${path}` : ''}, ${runs} requests over ${endpoints.length} operations\n`);
    const request = fc.nat(endpoints.length - 1).chain((index) => {
      const endpoint = endpoints[index];
      const params = endpoint.operation.parameters ?? [];
      const schema = endpoint.operation.requestBody?.content?.['application/json']?.schema;
      return fc.record({
        endpoint: fc.constant(endpoint),
        path: fc.tuple(...params.filter((p) => p.in === 'path').map((p) => parameter(document, p.schema).map((value) => [p.name, value] as const)), fc.constant(['', ''] as const)),
        query: fc.array(
          fc.oneof(...params.filter((p) => p.in === 'query').map((p) => parameter(document, p.schema).map((value) => [p.name, value] as const)), fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }))),
          { maxLength: 3 },
        ),
        body: schema || endpoint.method !== 'GET' ? body(document, schema) : fc.constant(undefined),
        token: fc.constantFrom(...TOKENS),
        contentType: fc.constantFrom(...CONTENT_TYPES),
      });
    });
    const statuses = new Map<number, number>();
    const result = await fc.check(
      fc.asyncProperty(request, async (r) => {
        let url = r.endpoint.path;
        for (const [name, value] of r.path) if (name) url = url.replace(`{${name}}`, encodeURIComponent(value));
        const query = new URLSearchParams(r.query.map(([name, value]) => [name, value] as [string, string]));
        const headers: Record<string, string> = {};
        if (r.token === 'admin') headers.authorization = adminBearer();
        if (r.token === 'customer') headers.authorization = customerBearer('fuzzer');
        if (r.token === 'garbage') headers.authorization = 'Bearer not.a.token';
        if (r.token === 'other scheme') headers.authorization = 'Basic Zm9vOmJhcg==';
        if (r.body !== undefined && r.contentType !== 'none') headers['content-type'] = r.contentType;
        const what = `${r.endpoint.method} ${url}${query.size ? `?${query}` : ''} (${r.token}, ${r.contentType}${r.body ? `, ${r.body.kind} body ${r.body.raw.slice(0, 300)}` : ''})`;
        let response: Response;
        try {
          response = await fetch(`${base}${url}${query.size ? `?${query}` : ''}`, { method: r.endpoint.method, headers, body: r.body?.raw });
        } catch (error) {
          throw new Error(`${what}: the connection failed (${(error as Error).message}; ${String((error as { cause?: unknown }).cause)})`, { cause: error });
        }
        const text = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status >= 500) throw new Error(`${what}: ${response.status} ${text.slice(0, 500)}`);
        if (response.status >= 400) {
          const type = response.headers.get('content-type') ?? '';
          if (!type.startsWith('application/problem+json')) throw new Error(`${what}: ${response.status} with content-type ${type}, not a problem`);
          const problem = JSON.parse(text) as Record<string, unknown>;
          for (const member of ['type', 'title', 'status', 'code']) {
            if (problem[member] === undefined) throw new Error(`${what}: ${response.status} problem without "${member}": ${text.slice(0, 300)}`);
          }
          if (problem.status !== response.status) throw new Error(`${what}: problem status ${String(problem.status)} but HTTP ${response.status}`);
        }
      }),
      { seed, path, numRuns: path ? 1 : runs, endOnFailure: false },
    );
    process.stdout.write(`fuzz: answers by status ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}\n`);
    if (result.failed) {
      throw new Error(
        `HTTP fuzzing failed (seed ${seed}, path ${result.counterexamplePath}):\n${result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance)}\n` +
          `Replay it: npm run fuzz -- --seed ${seed} --path ${result.counterexamplePath}`,
      );
    }
  });
});

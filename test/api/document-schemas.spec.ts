// @uses-modules catalog, inventory, ordering, payments
import { catalogProduct } from '../../modules/catalog/contract';
import { startTestApp, type TestApp } from '../support/test-app';

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  nullable?: boolean;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  additionalProperties?: boolean;
}
interface Operation {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; schema: Schema }[];
  responses: Record<string, unknown>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/** The document's schemas come from the contracts' Zod schemas, and its security says what the guard does. */
describe('the OpenAPI document', () => {
  let app: TestApp;
  let document: Document;

  beforeAll(async () => {
    app = await startTestApp();
    document = (await app.anonymous.get('/docs-json').expect(200)).body;
  });

  afterAll(() => app?.close());

  it("types products by the catalog contract's schema: an integer, bounded price and a patterned currency", () => {
    const contract = catalogProduct['~standard'].jsonSchema.output({ target: 'openapi-3.0' }) as Schema;
    for (const name of ['ProductDto', 'RegisterProductDto']) {
      expect(document.components.schemas[name].properties).toEqual(contract.properties);
      expect(document.components.schemas[name].required).toEqual(contract.required);
    }
    const product = document.components.schemas.RegisterProductDto;
    expect(product.properties!.priceMinor).toMatchObject({ type: 'integer', minimum: 0, maximum: 2_147_483_647 });
    expect(product.properties!.currency).toMatchObject({ type: 'string', pattern: '^[A-Z]{3}$' });
    expect(product.additionalProperties).toBe(false);
  });

  it('says which fields are nullable, enumerated, optional and bounded', () => {
    const order = document.components.schemas.OrderV2Dto;
    expect(order.properties!.cancellationReason).toMatchObject({ type: 'string', nullable: true });
    expect(order.required).toContain('cancellationReason');
    expect(order.properties!.status).toMatchObject({ enum: ['PENDING', 'CONFIRMED', 'CANCELLED'] });
    expect(document.components.schemas.OrderLineRequestDto.properties!.quantity).toMatchObject({ type: 'integer', minimum: 1, maximum: 10_000 });
    const limit = document.paths['/v1/catalog/products'].get.parameters!.find((parameter) => parameter.name === 'limit')!;
    expect(limit).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } });
    expect(document.components.schemas.ProductPageDto.properties!.nextCursor).toMatchObject({ nullable: true });
  });

  it('lists each security requirement once; the public operations answer without a token, the others 401', async () => {
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect({ where, security: operation.security }).toEqual({ where, security: expect.any(Array) });
        const keys = operation.security!.map((requirement) => JSON.stringify(requirement));
        expect({ where, keys }).toEqual({ where, keys: [...new Set(keys)] });
        const url = path.replace('{sku}', 'DOC-1').replace('{id}', '00000000-0000-4000-8000-000000000000');
        const response = await app.anonymous[method as 'get' | 'post' | 'put'](url);
        if (keys.length === 0) expect({ where, status: response.status === 401 }).toEqual({ where, status: false });
        else expect({ where, status: response.status }).toEqual({ where, status: 401 });
      }
    }
  });

  it('lists 429 on every versioned operation and 413 and 415 on every one with a body', () => {
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const where = `${method.toUpperCase()} ${path}`;
        const statuses = Object.keys(operation.responses);
        if (/^\/v\d+\//.test(path)) expect({ where, statuses }).toEqual({ where, statuses: expect.arrayContaining(['429']) });
        if ((operation as { requestBody?: unknown }).requestBody) expect({ where, statuses }).toEqual({ where, statuses: expect.arrayContaining(['413', '415']) });
      }
    }
    expect(Object.keys(document.paths['/v1/orders'].post.responses)).toEqual(expect.arrayContaining(['503', '504']));
  });
});

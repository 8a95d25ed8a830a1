/** The parts of the live OpenAPI document (`GET /docs-json`) the API tests take apart. */
export interface OpenApiDoc {
  servers: unknown[];
  paths: Record<string, Record<string, { security?: unknown[] }>>;
  components: { schemas: Record<string, { properties: Record<string, unknown> }> };
}

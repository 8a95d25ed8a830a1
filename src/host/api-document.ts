import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { FieldErrorDto, ProblemDto, withExplicitSecurity, withProblemExample, withProblems } from '@seams/kernel/http';
import type { ModuleManifest } from '@seams/kernel/seam';
import { SHOP_PROBLEM_EXAMPLE } from './problems';

export interface ApiDocumentOptions {
  readonly title: string;
  readonly manifests: readonly ModuleManifest[];
  /** The modules this process runs. */
  readonly localModules: readonly string[];
  /** Adds routes served elsewhere (strangler routing) to the document when it is asked for. */
  readonly patch: (document: OpenAPIObject) => Promise<OpenAPIObject>;
}

const documents = new WeakMap<INestApplication, () => Promise<OpenAPIObject>>();

/** A versioned API route (`/v1/...`): rate-limited, unlike the operations routes (health, metrics). */
const isApiRoute = (path: string) => /^\/v\d+\//.test(path);

/**
 * The OpenAPI document of the app (ADR 0018), served at `/docs-json` with the Swagger UI at
 * `/docs`. Routes declare their own answers (`@ApiProblems`, `@Authenticated`); what the app's
 * edge answers for whole groups of routes is added here: 429 beyond the rate limit on every
 * versioned route (health and metrics are never limited), 413 and 415 on every route that takes
 * a body. Bodies, parameters and answers declared with a schema (`@Body({ schema })`,
 * `standardSchema`) get it from that schema, nested ones with an `id` as named components.
 */
export function setUpApiDocument(app: INestApplication, options: ApiDocumentOptions): void {
  const names = options.manifests.map((manifest) => manifest.name);
  const builder = new DocumentBuilder()
    .setTitle(options.title)
    .setDescription(
      `A modular monolith of ${names.length} bounded module${names.length === 1 ? '' : 's'}${names.length > 0 ? ` (${names.join(', ')})` : ''} that talk ` +
        'only through commands, queries and events. Every error is an RFC 9457 problem response (`application/problem+json`). ' +
        'Every route but health and metrics needs a bearer token; versioned routes (`/v1/...`) are rate-limited. ' +
        `This process runs: ${options.localModules.join(', ') || 'no module'}.`,
    )
    .setVersion('1')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer('/', 'The server that serves this document')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An OAuth 2.0 access token (JWT) from the configured issuer; `npm run token` makes a development one' });
  for (const manifest of options.manifests) builder.addTag(manifest.name, `The ${manifest.name} module's routes (${manifest.routes.join(', ') || 'none'})`);
  builder.addTag('operations', 'Health, metrics and the operators\' admin routes');
  const document = SwaggerModule.createDocument(app, builder.build(), { extraModels: [ProblemDto, FieldErrorDto] });
  withProblemExample(document, SHOP_PROBLEM_EXAMPLE);
  withExplicitSecurity(document);
  withProblems(document, [429], ({ path }) => isApiRoute(path));
  withProblems(document, [413, 415], ({ operation }) => operation.requestBody !== undefined);
  const current = () => options.patch(document);
  documents.set(app, current);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    // One document for clients: the routes the strangled modules' hosts serve are in it too.
    patchDocumentOnRequest: (_request, _response, local) => options.patch(local),
    swaggerOptions: { persistAuthorization: true },
  });
}

/** The document `/docs-json` serves, without a request (e.g. `npm run openapi:lint`). */
export function apiDocumentOf(app: INestApplication): Promise<OpenAPIObject> {
  const current = documents.get(app);
  if (!current) throw new Error('This app has no API document (createApp sets it up)');
  return current();
}

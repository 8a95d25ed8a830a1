import { type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger as PinoLogger } from 'pino';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { applyHttpEdge, connectSeamServers, SEAMS_APP_OPTIONS } from '@seams/kernel/host';
import { FieldErrorDto, ProblemDto } from '@seams/kernel/http';
import { createRootLogger, logSettingsFrom } from '@seams/kernel/observability';
import { type DatabaseSettings, moduleUrlsFrom } from '@seams/kernel/persistence';
import { MessageRegistry, type ModuleManifest, type Role, Topology } from '@seams/kernel/seam';
import { authSettingsFrom, assertSomeIssuer } from '@seams/kernel/security';
import { AppModule } from './app.module';
import { httpSettingsFrom } from './http-settings';
import { mergedDocuments, strangledModules, stranglerMiddleware } from './strangler';
import { MANIFESTS } from './manifests';
import { serviceOf } from './role';

export interface CreateAppOptions {
  readonly database: DatabaseSettings;
  /** The modules of the system (default: the shop's, `MANIFESTS`). */
  readonly manifests?: readonly ModuleManifest[];
  /** The monolith (default) or one module's host. */
  readonly role?: Role;
  /** Where the seam settings come from (`SEAMS_<MODULE>`, `SEAMS_<MODULE>_URL`, ...); default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** `false` silences every log (the in-process tests); otherwise `SEAMS_LOG_LEVEL` decides. */
  readonly logger?: false | undefined;
  /** The process's root logger; made from the environment when not given. */
  readonly root?: PinoLogger;
}

/**
 * Builds the application for its role: the modules that run here (and only those are loaded),
 * the seam to the others, and the HTTP side every request meets: URI versioning (`/v1/...`),
 * validation, RFC 9457 problem responses and the Swagger document. Call `startApp` to serve.
 */
export async function createApp(options: CreateAppOptions): Promise<INestApplication> {
  const env = options.env ?? process.env;
  const role = options.role ?? { kind: 'monolith' };
  const manifests = options.manifests ?? MANIFESTS;
  const registry = new MessageRegistry(manifests);
  const topology = Topology.fromEnvironment(registry, role, env);
  const root = options.root ?? createRootLogger(logSettingsFrom(env, serviceOf(role), options.logger === false));
  const http = httpSettingsFrom(env);
  // Every HTTP route but health and metrics needs a token: a process must trust some issuer.
  assertSomeIssuer(authSettingsFrom(env));

  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({
      seams: {
        manifests,
        topology,
        env,
        database: {
          moduleUrls: moduleUrlsFrom(env, topology.localModules),
          moduleRoles: (env.SEAMS_DB_ROLES ?? 'on').toLowerCase() !== 'off',
          ...options.database,
        },
        logger: root,
      },
      ratePerMinute: http.ratePerMinute,
    }),
    { ...SEAMS_APP_OPTIONS, ...(http.https && { httpsOptions: { cert: http.https.cert, key: http.https.key } }) },
  );
  const strangled = strangledModules(registry, topology, env);
  applyHttpEdge(app, {
    bodyLimit: http.bodyLimit,
    corsOrigins: http.corsOrigins,
    // The Swagger UI needs inline scripts.
    withoutCsp: ['/docs'],
    // A forwarded request's body goes to the host untouched.
    beforeBody: strangled.length > 0 ? [stranglerMiddleware(strangled)] : [],
  });
  connectSeamServers(app, env);
  const log = new Logger('Seams');
  log.log(topology.describe());
  for (const { module, prefixes, target } of strangled) log.log(`forwarding ${prefixes.join(', ')} to the ${module} host at ${target}`);

  const title = role.kind === 'monolith' ? 'Seams shop' : `Seams shop: ${role.module} module host`;
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(title)
      .setDescription(
        'A modular monolith of four bounded modules (catalog, inventory, ordering, payments) that talk ' +
          'only through commands, queries and events. Every error is an RFC 9457 problem response. ' +
          `This process runs: ${topology.localModules.join(', ')}.`,
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An OAuth 2.0 access token (JWT) from the configured issuer; `npm run token` makes a development one' })
      .build(),
    { extraModels: [ProblemDto, FieldErrorDto] },
  );
  const withRemoteRoutes = mergedDocuments(strangled);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    // One document for clients: the routes the strangled modules' hosts serve are in it too.
    patchDocumentOnRequest: (_request, _response, local) => withRemoteRoutes(local),
  });
  return app;
}

export { startApp } from '@seams/kernel/host';

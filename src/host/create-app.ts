import { type INestApplication, Logger, VersioningType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger as PinoLogger } from 'pino';
import type { NextFunction, Request, Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { createValidationPipe, FieldErrorDto, ProblemDto, ProblemFilter, requestIdMiddleware, withProblemExample } from '@seams/kernel/http';
import { createRootLogger, logSettings, Metrics } from '@seams/kernel/observability';
import type { DatabaseSettings } from '@seams/kernel/persistence';
import { groupServers, MessageRegistry, type ModuleManifest, type Role, serverOptions, Topology } from '@seams/kernel/seam';
import { AppModule } from './app.module';
import helmet from 'helmet';
import { assertSomeIssuer, databaseOptions, logOptions, messagingOptions, readSettings, seamOptions, topologyOptions, unknownSettings } from './config';
import { httpSettingsOf } from './http-settings';
import { SHOP_PROBLEM_EXAMPLE, SHOP_PROBLEMS } from './problems';
import { mergedDocuments, strangledModules, stranglerMiddleware } from './strangler';
import { Lifecycle } from './lifecycle';
import { MANIFESTS } from './manifests';
import { serviceOf } from './role';

export interface CreateAppOptions {
  readonly database: DatabaseSettings;
  /** The modules of the system (default: those registered in `MANIFESTS`). */
  readonly manifests?: readonly ModuleManifest[];
  /** The monolith (default) or one module's host. */
  readonly role?: Role;
  /** The environment the settings are read from (see config/settings.ts); default `process.env`. */
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
  // The one place the environment is read: every setting, checked, then the kernel's options.
  const settings = readSettings(env, manifests.map((m) => m.name));
  const topology = Topology.create(registry, role, topologyOptions(settings));
  const modules = await Promise.all(manifests.filter((m) => topology.isLocal(m.name)).map((m) => m.load()));
  const root = options.root ?? createRootLogger(logSettings(logOptions(settings, serviceOf(role), options.logger === false)));
  const metrics = new Metrics();
  const http = httpSettingsOf(settings);
  // Every HTTP route but health and metrics needs a token: a process must trust some issuer.
  assertSomeIssuer(settings);
  const seam = seamOptions(settings);

  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({
      database: { ...databaseOptions(settings, options.database, topology.localModules), ...options.database },
      registry,
      topology,
      seam,
      messaging: messagingOptions(settings),
      modules,
      root,
      metrics,
      ratePerMinute: http.ratePerMinute,
    }),
    {
      ...(http.https && { httpsOptions: { cert: http.https.cert, key: http.https.key } }),
      // Registered below, after the request id, with the configured size limit.
      bodyParser: false,
      // Nest's own messages wait for pino (below) instead of going to the console first.
      bufferLogs: true,
      // A module that fails to start (its database, its migrations) rejects here instead of exiting.
      abortOnError: false,
    },
  );
  app.useLogger(app.get(PinoNestLogger));
  app.flushLogs();
  // Before the body parser, so even a request whose JSON does not parse has a correlation id.
  app.use(requestIdMiddleware);
  app.use(metrics.httpMiddleware());
  app.use(closeWhenShuttingDown(app.get(Lifecycle)));
  app.use(securityHeaders());
  // Before the body parser: a forwarded request's body goes to the host untouched.
  const strangled = strangledModules(registry, topology, settings);
  if (strangled.length > 0) app.use(stranglerMiddleware(strangled));
  app.useBodyParser('json', { limit: http.bodyLimit });
  if (http.corsOrigins.length > 0) app.enableCors({ origin: http.corsOrigins, exposedHeaders: ['X-Request-Id', 'Location', 'Retry-After'] });
  app.getHttpAdapter().getInstance().disable('x-powered-by');
  app.enableVersioning({ type: VersioningType.URI });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter(SHOP_PROBLEMS));

  for (const group of groupServers(topology.served)) {
    app.connectMicroservice(serverOptions(group.modules[0], group.url, seam.tls, topology.namespace));
  }
  const log = new Logger('Seams');
  for (const warning of unknownSettings(env, registry.manifests.map((m) => m.name))) log.warn(warning);
  log.log(topology.describe());
  for (const { module, prefixes, target } of strangled) log.log(`forwarding ${prefixes.join(', ')} to the ${module} host at ${target}`);

  // Named from the manifests, not the shop: a team that removed the shop's modules (module:remove) gets its own.
  const title = role.kind === 'monolith' ? 'Seams' : `Seams: ${role.module} module host`;
  const names = manifests.map((manifest) => manifest.name);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(title)
      .setDescription(
        `A modular monolith of ${names.length} bounded module${names.length === 1 ? '' : 's'}${names.length > 0 ? ` (${names.join(', ')})` : ''} that talk ` +
          'only through commands, queries and events. Every error is an RFC 9457 problem response. ' +
          `This process runs: ${topology.localModules.join(', ') || 'no module'}.`,
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An OAuth 2.0 access token (JWT) from the configured issuer; `npm run token` makes a development one' })
      .build(),
    { extraModels: [ProblemDto, FieldErrorDto] },
  );
  withProblemExample(document, SHOP_PROBLEM_EXAMPLE);
  const withRemoteRoutes = mergedDocuments(strangled);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    // One document for clients: the routes the strangled modules' hosts serve are in it too.
    patchDocumentOnRequest: (_request, _response, local) => withRemoteRoutes(local),
  });
  return app;
}

/**
 * helmet's security headers on every response; the Swagger UI (`/docs`) needs inline scripts,
 * so it gets them without a content security policy.
 */
function securityHeaders() {
  const api = helmet();
  const docs = helmet({ contentSecurityPolicy: false });
  return (request: Request, response: Response, next: NextFunction) =>
    (request.path.startsWith('/docs') ? docs : api)(request, response, next);
}

/** Once shutdown has begun, a keep-alive connection closes after its response instead of waiting for another request. */
function closeWhenShuttingDown(lifecycle: Lifecycle) {
  return (request: Request, response: Response, next: NextFunction) => {
    if (lifecycle.shuttingDown) response.setHeader('Connection', 'close');
    response.once('finish', () => {
      if (lifecycle.shuttingDown) setImmediate(() => request.socket.end());
    });
    next();
  };
}

/**
 * Starts the seam listeners (if this process serves any module) and the HTTP server, once the
 * application has bootstrapped: the command and query buses register their handlers then, and
 * a seam listener started earlier would take messages nobody could handle yet.
 */
export async function startApp(app: INestApplication, port: number, host?: string): Promise<void> {
  await app.init();
  await app.startAllMicroservices();
  await app.listen(port, host as string);
}

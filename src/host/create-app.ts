import { type INestApplication, Logger, VersioningType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createValidationPipe, FieldErrorDto, ProblemDto, ProblemFilter, requestIdMiddleware } from '../kernel/http';
import { type DatabaseSettings, moduleUrlsFrom } from '../kernel/persistence';
import { groupServers, MessageRegistry, type Role, serverOptions, tlsFromEnvironment, Topology } from '../kernel/seam';
import { AppModule } from './app.module';
import { MANIFESTS } from './manifests';

export interface CreateAppOptions {
  readonly database: DatabaseSettings;
  /** The monolith (default) or one module's host. */
  readonly role?: Role;
  /** Where the seam settings come from (`SEAMS_<MODULE>`, `SEAMS_<MODULE>_URL`, ...); default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Nest's own start-up log; off in tests. */
  readonly logger?: false | undefined;
}

/**
 * Builds the application for its role: the modules that run here (and only those are loaded),
 * the seam to the others, and the HTTP side every request meets: URI versioning (`/v1/...`),
 * validation, RFC 9457 problem responses and the Swagger document. Call `startApp` to serve.
 */
export async function createApp(options: CreateAppOptions): Promise<INestApplication> {
  const env = options.env ?? process.env;
  const role = options.role ?? { kind: 'monolith' };
  const registry = new MessageRegistry(MANIFESTS);
  const topology = Topology.fromEnvironment(registry, role, env);
  const modules = await Promise.all(MANIFESTS.filter((m) => topology.isLocal(m.name)).map((m) => m.load()));

  const app = await NestFactory.create(
    AppModule.forRoot({
      database: { moduleUrls: moduleUrlsFrom(env, topology.localModules), ...options.database },
      registry,
      topology,
      env,
      modules,
    }),
    {
      logger: options.logger === false ? false : undefined,
      // A module that fails to start (its database, its migrations) rejects here instead of exiting.
      abortOnError: false,
    },
  );
  // Before the body parser, so even a request whose JSON does not parse has a correlation id.
  app.use(requestIdMiddleware);
  app.getHttpAdapter().getInstance().disable('x-powered-by');
  app.enableVersioning({ type: VersioningType.URI });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());

  const tls = tlsFromEnvironment(env);
  for (const group of groupServers(topology.served)) {
    app.connectMicroservice(serverOptions(group.modules[0], group.url, tls, topology.namespace));
  }
  new Logger('Seams').log(topology.describe());

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
      .build(),
    { extraModels: [ProblemDto, FieldErrorDto] },
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}

/** Starts the seam listeners (if this process serves any module) and the HTTP server. */
export async function startApp(app: INestApplication, port: number, host?: string): Promise<void> {
  await app.startAllMicroservices();
  await app.listen(port, host as string);
}

import { type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger as PinoLogger } from 'pino';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { applyHttpEdge, connectSeamServers, SEAMS_APP_OPTIONS } from '@seams/kernel/host';
import { createRootLogger, logSettings } from '@seams/kernel/observability';
import type { DatabaseSettings } from '@seams/kernel/persistence';
import { MessageRegistry, type ModuleManifest, type Role, Topology } from '@seams/kernel/seam';
import { AppModule } from './app.module';
import { assertSomeIssuer, databaseOptions, roleSecretOf, logOptions, messagingOptions, readSettings, seamOptions, topologyOptions } from './config';
import { httpSettingsOf } from './http-settings';
import { SHOP_PROBLEMS } from './problems';
import { setUpApiDocument } from './api-document';
import { mergedDocuments, strangledModules, stranglerMiddleware } from './strangler';
import { modulesElsewhere, routesElsewhereMiddleware } from './routes-elsewhere';
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
  const settings = readSettings(env, manifests.map((m) => m.name), manifests);
  const topology = Topology.create(registry, role, topologyOptions(settings));
  const root = options.root ?? createRootLogger(logSettings(logOptions(settings, serviceOf(role), options.logger === false)));
  const http = httpSettingsOf(settings);
  // Every HTTP route but health and metrics needs a token: a process must trust some issuer.
  assertSomeIssuer(settings);
  const seam = seamOptions(settings);

  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({
      seams: {
        manifests,
        topology,
        database: { ...databaseOptions(settings, options.database, topology.localModules, await roleSecretOf(settings)), ...options.database },
        seam,
        messaging: messagingOptions(settings),
        moduleSettings: settings.moduleSettings,
        metricsToken: settings.metricsToken,
        logger: root,
      },
      ratePerMinute: http.ratePerMinute,
      rateLimitRedisUrl: http.rateLimitRedisUrl,
      rateLimitKey: settings.namespace,
    }),
    { ...SEAMS_APP_OPTIONS, ...(http.https && { httpsOptions: { cert: http.https.cert, key: http.https.key } }) },
  );
  const strangled = strangledModules(registry, topology, settings);
  const elsewhere = modulesElsewhere(registry, topology, strangled);
  applyHttpEdge(app, {
    bodyLimit: http.bodyLimit,
    corsOrigins: http.corsOrigins,
    trustProxy: http.trustProxy,
    problems: SHOP_PROBLEMS,
    // The Swagger UI needs inline scripts.
    withoutCsp: ['/docs'],
    // A forwarded request's body goes to the host untouched; the routes of a module that
    // runs elsewhere and is not forwarded get a problem saying so.
    beforeBody: [...(strangled.length > 0 ? [stranglerMiddleware(strangled)] : []), ...(elsewhere.length > 0 ? [routesElsewhereMiddleware(elsewhere)] : [])],
  });
  connectSeamServers(app, { tls: seam.tls, broker: seam.broker });
  const log = new Logger('Seams');
  // Unknown SEAMS_* names are warned about by main.ts, before anything starts.
  log.log(topology.describe());
  for (const { module, prefixes, target } of strangled) log.log(`forwarding ${prefixes.join(', ')} to the ${module} host at ${target}`);

  // Named from the manifests, not the shop: a team that removed the shop's modules (module:remove) gets its own.
  const title = role.kind === 'monolith' ? 'Seams' : `Seams: ${role.module} module host`;
  setUpApiDocument(app, { title, manifests, localModules: topology.localModules, patch: mergedDocuments(strangled) });
  return app;
}

export { startApp } from '@seams/kernel/host';

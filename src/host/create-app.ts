import { type INestApplication, VersioningType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createValidationPipe, FieldErrorDto, ProblemDto, ProblemFilter, requestIdMiddleware } from '../kernel/http';
import type { DatabaseSettings } from '../kernel/persistence';
import { AppModule } from './app.module';

export interface CreateAppOptions {
  readonly database: DatabaseSettings;
  /** Nest's own start-up log; off in tests. */
  readonly logger?: false | undefined;
}

/**
 * Builds the HTTP application with everything a request meets on its way: URI versioning
 * (`/v1/...`), validation, RFC 9457 problem responses, and the Swagger document.
 */
export async function createApp(options: CreateAppOptions): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot({ database: options.database }), {
    logger: options.logger === false ? false : undefined,
    // A module that fails to start (its database, its migrations) rejects here instead of exiting.
    abortOnError: false,
  });
  // Before the body parser, so even a request whose JSON does not parse has a correlation id.
  app.use(requestIdMiddleware);
  app.getHttpAdapter().getInstance().disable('x-powered-by');
  app.enableVersioning({ type: VersioningType.URI });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Seams shop')
      .setDescription(
        'A modular monolith of four bounded modules (catalog, inventory, ordering, payments) that talk ' +
          'only through commands, queries and events. Every error is an RFC 9457 problem response.',
      )
      .setVersion('1')
      .build(),
    { extraModels: [ProblemDto, FieldErrorDto] },
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}

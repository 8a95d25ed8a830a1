import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { PROBLEM_CONTENT_TYPE } from '@seams/kernel/http';
import type { MessageRegistry, Topology } from '@seams/kernel/seam';
import type { Settings } from './config';
import { shopProblemType } from './problems';

/**
 * Strangler routing: the HTTP routes of a module that runs elsewhere are forwarded to its
 * host, so clients keep one address and one OpenAPI document while modules move out. For
 * each remote module with `SEAMS_<MODULE>_HTTP_URL` (its host's HTTP address), on unless
 * `SEAMS_<MODULE>_PROXY=off`. The host answers as it would directly (its errors pass through
 * unchanged, it checks the token itself); a host that cannot be reached gives 503.
 */
export interface StrangledModule {
  readonly module: string;
  readonly prefixes: readonly string[];
  readonly target: string;
}

export function strangledModules(registry: MessageRegistry, topology: Topology, settings: Settings): StrangledModule[] {
  return registry.manifests.flatMap((manifest) => {
    const target = settings.moduleHttpUrl[manifest.name];
    const on = settings.moduleProxy[manifest.name] ?? true;
    if (topology.isLocal(manifest.name) || !target || !on || manifest.routes.length === 0) return [];
    if (!/^https?:\/\/[^/]+\/?$/.test(target)) throw new Error(`SEAMS_${manifest.name.toUpperCase()}_HTTP_URL must look like http://host:port, not "${target}"`);
    return [{ module: manifest.name, prefixes: manifest.routes, target: target.replace(/\/$/, '') }];
  });
}

const matches = (prefixes: readonly string[], path: string) => prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));

/** Express middleware forwarding the strangled modules' routes; put it before the body parser. */
export function stranglerMiddleware(modules: readonly StrangledModule[]): (request: Request, response: Response, next: NextFunction) => void {
  const proxies = modules.map((strangled) => ({
    ...strangled,
    proxy: createProxyMiddleware<Request, Response>({
      target: strangled.target,
      xfwd: true,
      proxyTimeout: 30_000,
      on: {
        proxyReq: (proxyRequest: ClientRequest, request: IncomingMessage, response: ServerResponse) => {
          // One correlation id on both sides, whatever the client sent.
          const correlationId = response.getHeader('x-request-id');
          if (correlationId) proxyRequest.setHeader('x-request-id', String(correlationId));
        },
        error: (error: Error, request: IncomingMessage, response: ServerResponse | Socket) => {
          if (!('setHeader' in response) || response.headersSent) return void (response as Socket).destroy?.();
          const correlationId = response.getHeader('x-request-id');
          response.statusCode = 503;
          response.setHeader('content-type', PROBLEM_CONTENT_TYPE);
          response.setHeader('retry-after', '1');
          response.end(
            JSON.stringify({
              type: shopProblemType('seam.unavailable'),
              title: 'Service Unavailable',
              status: 503,
              detail: `The ${strangled.module} module is unavailable: its host at ${strangled.target} did not answer (${error.message})`,
              code: 'seam.unavailable',
              module: strangled.module,
              retryAfterSeconds: 1,
              instance: request.url,
              ...(correlationId && { correlationId: String(correlationId) }),
            }),
          );
        },
      },
    }),
  }));
  return (request, response, next) => {
    const match = proxies.find((each) => matches(each.prefixes, request.path));
    if (!match) return next();
    // Express strips nothing here (app-level middleware), so the path reaches the host as sent.
    return void match.proxy(request, response, next);
  };
}

const DOCS_TTL_MS = 10_000;

/**
 * The monolith's OpenAPI document with the strangled modules' routes (and their schemas) from
 * their hosts' documents, fetched when asked and kept for 10 s. A host that does not answer
 * leaves its routes out of that answer.
 */
export function mergedDocuments(modules: readonly StrangledModule[]): (document: OpenAPIObject) => Promise<OpenAPIObject> {
  const cache = new Map<string, { at: number; document: OpenAPIObject | undefined }>();
  const fetchDocument = async (target: string): Promise<OpenAPIObject | undefined> => {
    const cached = cache.get(target);
    if (cached && Date.now() - cached.at < DOCS_TTL_MS) return cached.document;
    let document: OpenAPIObject | undefined;
    try {
      const response = await fetch(`${target}/docs-json`, { signal: AbortSignal.timeout(2000) });
      document = response.ok ? ((await response.json()) as OpenAPIObject) : undefined;
    } catch {
      document = undefined;
    }
    cache.set(target, { at: Date.now(), document });
    return document;
  };
  return async (local) => {
    if (modules.length === 0) return local;
    const merged: OpenAPIObject = { ...local, paths: { ...local.paths }, components: { ...local.components, schemas: { ...local.components?.schemas } } };
    for (const strangled of modules) {
      const remote = await fetchDocument(strangled.target);
      if (!remote) continue;
      for (const [path, item] of Object.entries(remote.paths ?? {})) {
        if (matches(strangled.prefixes, path)) merged.paths[path] = item;
      }
      for (const [name, schema] of Object.entries(remote.components?.schemas ?? {})) merged.components!.schemas![name] ??= schema;
    }
    return merged;
  };
}

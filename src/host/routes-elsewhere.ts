import type { NextFunction, Request, Response } from 'express';
import { PROBLEM_CONTENT_TYPE } from '@seams/kernel/http';
import type { MessageRegistry, Topology } from '@seams/kernel/seam';
import { nameFor, SETTINGS } from './config';
import { shopProblemType } from './problems';
import type { StrangledModule } from './strangler';

/** A module that runs in another process whose HTTP routes this process does not forward. */
export interface ModuleElsewhere {
  readonly module: string;
  readonly prefixes: readonly string[];
}

export function modulesElsewhere(registry: MessageRegistry, topology: Topology, strangled: readonly StrangledModule[]): ModuleElsewhere[] {
  return registry.manifests.flatMap((manifest) =>
    topology.isLocal(manifest.name) || manifest.routes.length === 0 || strangled.some((each) => each.module === manifest.name)
      ? []
      : [{ module: manifest.name, prefixes: manifest.routes }],
  );
}

const matches = (prefixes: readonly string[], path: string) => prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));

/**
 * The routes of a module that runs elsewhere, on a process that does not forward them
 * (no `SEAMS_<MODULE>_HTTP_URL`, or `SEAMS_<MODULE>_PROXY=off`): a 404 problem
 * (`module.elsewhere`) saying where the module runs and which setting forwards its routes,
 * instead of a bare "Cannot GET". (Its seam address stays out: the answer goes to anyone.)
 */
export function routesElsewhereMiddleware(modules: readonly ModuleElsewhere[]): (request: Request, response: Response, next: NextFunction) => void {
  return (request, response, next) => {
    const elsewhere = modules.find((each) => matches(each.prefixes, request.path));
    if (!elsewhere) return next();
    const setting = nameFor(SETTINGS.moduleHttpUrl, elsewhere.module);
    const correlationId = response.getHeader('x-request-id');
    response.status(404).type(PROBLEM_CONTENT_TYPE);
    response.end(
      JSON.stringify({
        type: shopProblemType('module.elsewhere'),
        title: 'Not Found',
        status: 404,
        detail:
          `The ${elsewhere.module} module runs in another process (its module host), ` +
          `so this one does not serve ${request.method} ${request.path}: call the ${elsewhere.module} host's HTTP address, ` +
          `or set ${setting}=http://host:port here to forward its routes to it`,
        code: 'module.elsewhere',
        module: elsewhere.module,
        setting,
        instance: request.originalUrl,
        ...(correlationId && { correlationId: String(correlationId) }),
      }),
    );
  };
}

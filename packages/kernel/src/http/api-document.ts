import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, titleOf } from './problem';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** One operation of an OpenAPI document, with where it is. */
export interface DocumentedOperation {
  readonly path: string;
  readonly method: (typeof METHODS)[number];
  readonly operation: OperationObject;
}

/** Every operation of `document`, in document order. */
export function operationsOf(document: OpenAPIObject): DocumentedOperation[] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => (item[method] ? [{ path, method, operation: item[method] }] : [])),
  );
}

/**
 * The security of every operation said once: a requirement listed twice (the class's
 * `@Authenticated()` and the method's `@Authenticated(role)` each add the bearer scheme) is
 * kept once, and an operation with none (`@Public()`) says `security: []`, so a reader and a
 * linter see it is public on purpose rather than undocumented.
 */
export function withExplicitSecurity(document: OpenAPIObject): OpenAPIObject {
  for (const { operation } of operationsOf(document)) {
    const seen = new Set<string>();
    operation.security = (operation.security ?? []).filter((requirement) => {
      const key = JSON.stringify(requirement);
      return !seen.has(key) && seen.add(key);
    });
  }
  return document;
}

/**
 * Adds the problem responses `statuses` (RFC 9457, `application/problem+json`, the
 * `ProblemDto` schema) to every operation `applies` picks, leaving a status it documents
 * already as it is. For answers that the app's edge gives to whole groups of routes (the rate
 * limit's 429, the body parser's 413 and 415): decorators say what one route's code answers.
 */
export function withProblems(
  document: OpenAPIObject,
  statuses: readonly number[],
  applies: (operation: DocumentedOperation) => boolean,
): OpenAPIObject {
  for (const each of operationsOf(document)) {
    if (!applies(each)) continue;
    for (const status of statuses) {
      each.operation.responses[status] ??= {
        description: `${titleOf(status)} (RFC 9457 problem)`,
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/ProblemDto' } } },
      };
    }
  }
  return document;
}

import type { ProblemOptions } from '@seams/kernel/http';
import { problemType } from '@seams/kernel/http';

/** What the shop's problem responses say: their type namespace and the 401 realm (kernel options). */
export const SHOP_PROBLEMS = { typeNamespace: 'urn:seams:problem:', realm: 'seams' } as const satisfies ProblemOptions;

/** The shop's type URI of a problem `code`. */
export const shopProblemType = (code: string) => problemType(code, SHOP_PROBLEMS.typeNamespace);

/** The example of the OpenAPI document's `ProblemDto` (the kernel's schema has none of its own). */
export const SHOP_PROBLEM_EXAMPLE = {
  type: shopProblemType('inventory.insufficient-stock'),
  title: 'Conflict',
  status: 409,
  detail: 'Not enough stock of sku TEA-1: 3 requested, 1 available',
  code: 'inventory.insufficient-stock',
  instance: '/v1/orders',
  correlationId: '0b4f7a52-8c8e-4a55-9a43-3d1b2f0c6e11',
};

// @ts-check
/**
 * Lint for Seams: @eslint/js + typescript-eslint recommended, and the module boundaries
 * (eslint-plugin-boundaries 7) that keep the modular monolith extractable.
 *
 * Boundaries in one table (the policies below are the source of truth; every import that no
 * policy allows is an error, `default: 'disallow'`):
 *
 *   element              may import
 *   -------------------  -------------------------------------------------------------------
 *   kernel-primitives    own files, Node builtins, external packages (nothing else in kernel)
 *   kernel               kernel (incl. primitives), Node builtins, external packages; NO module, NO host
 *   host                 host, kernel, each module's root `modules/<m>/<m>.module.ts` only,
 *                        Node builtins, external packages
 *   contract  (of m)     own contract, kernel primitives. Nothing else (no package, no builtin)
 *   domain    (of m)     own domain, own contract, kernel primitives, Node builtins.
 *                        No external package at all (so no @nestjs/*, typeorm, pg, transports)
 *   application, infrastructure, http, module-root (of m)
 *                        anything of module m, the kernel, other modules' contract only,
 *                        Node builtins, external packages
 *   migrations (of m)    own migration files and external packages only
 *   migrations/<m> may be imported only by m's `<m>.module.ts` and m's infrastructure.
 *   test (test/**)       anything
 *
 * A file outside every element is an error (`no-unknown-files`), and so is an import of a
 * local file outside every element (`no-unknown-dependencies`). The TypeScript import
 * resolver must stay on: without it no relative `.ts` import resolves, and
 * `no-unknown-dependencies` reports every one of them (test/boundaries proves both).
 */
import path from 'node:path';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';

const root = import.meta.dirname;

/** Kinds of element a module is made of; `module-root` is a file directly in `modules/<m>/`. */
const MODULE_LAYERS = ['contract', 'domain', 'application', 'infrastructure', 'http'];

/** Selector for an element of the same module as the importing file. */
const sameModule = (/** @type {string | string[]} */ types) => ({
  element: { types: { anyOf: [types].flat() }, captured: { module: '{{ from.element.captured.module }}' } },
});
const element = (/** @type {string | string[]} */ types) => ({ element: { types: { anyOf: [types].flat() } } });
const external = { module: { origin: 'external' } };
const core = { module: { origin: 'core' } };
/** `modules/<m>/<m>.module.ts`: the Nest module of m, the only file the host may import. */
const nestModuleOf = (/** @type {'from' | 'to'} */ side) => ({
  element: {
    types: { anyOf: ['module-root'] },
    captured: { file: `{{ ${side}.element.captured.module }}.module` },
  },
});

/** Packages the domain must never see (all external packages are refused; these get a clearer message). */
const FRAMEWORK_AND_TRANSPORT = [
  '@nestjs/*',
  'typeorm',
  'pg',
  'pg-*',
  'express',
  'class-validator',
  'class-transformer',
  'rxjs',
  'nats',
  'amqplib',
  'amqp-connection-manager',
  'ioredis',
  'redis',
  'kafkajs',
  'mqtt',
  '@grpc/*',
];

export default defineConfig(
  {
    ignores: ['dist/', 'node_modules/', '.data/', 'coverage/', 'test/boundaries/fixtures/**'],
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [js.configs.recommended],
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', module: 'writable', require: 'readonly', __dirname: 'readonly' },
    },
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    plugins: { boundaries },
    settings: {
      'import/resolver': {
        typescript: { project: path.join(root, 'tsconfig.json'), alwaysTryTypes: true },
      },
      'boundaries/root-path': root,
      'boundaries/legacy-templates': false,
      // Default is `import` only: re-exports, `import()` and `require()` must be checked too.
      'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import', 'require'],
      'boundaries/additional-dependency-nodes': [
        // import x = require('...')
        { selector: 'TSExternalModuleReference > Literal', kind: 'value', name: 'import-equals' },
        // type T = import('...').X
        { selector: 'TSImportType > TSLiteralType > Literal', kind: 'type', name: 'import-type' },
      ],
      // Order matters: the first descriptor that matches a file wins.
      'boundaries/elements': [
        { type: 'kernel-primitives', pattern: 'src/kernel/primitives', partialMatch: false },
        { type: 'kernel', pattern: 'src/kernel', partialMatch: false },
        { type: 'host', pattern: 'src/host', partialMatch: false },
        { type: 'host', pattern: 'src/main.ts', mode: 'full' },
        ...MODULE_LAYERS.map((layer) => ({
          type: layer,
          pattern: `modules/*/${layer}`,
          partialMatch: false,
          capture: ['module'],
        })),
        { type: 'module-root', pattern: 'modules/*/*.ts', mode: 'full', capture: ['module', 'file'] },
        { type: 'migrations', pattern: 'migrations/*', partialMatch: false, capture: ['module'] },
        { type: 'test', pattern: 'test', partialMatch: false },
      ],
    },
    rules: {
      'boundaries/no-unknown-files': 'error',
      'boundaries/no-unknown-dependencies': ['error', { require: 'element' }],
      'boundaries/no-ignored-dependencies': 'error',
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          // Policies apply to packages and Node builtins too, not only to local files.
          checkAllOrigins: true,
          policies: [
            {
              from: element('kernel-primitives'),
              allow: { to: [external, core] },
            },
            {
              from: element('kernel'),
              allow: { to: [element(['kernel', 'kernel-primitives']), external, core] },
            },
            {
              from: element('host'),
              allow: { to: [element(['host', 'kernel', 'kernel-primitives']), nestModuleOf('to'), external, core] },
            },
            {
              from: element('contract'),
              allow: { to: [sameModule('contract'), element('kernel-primitives')] },
            },
            {
              from: element('domain'),
              allow: { to: [sameModule(['domain', 'contract']), element('kernel-primitives'), core] },
            },
            {
              from: element(['application', 'infrastructure', 'http', 'module-root']),
              allow: {
                to: [
                  sameModule([...MODULE_LAYERS, 'module-root']),
                  element(['contract', 'kernel', 'kernel-primitives']),
                  external,
                  core,
                ],
              },
            },
            {
              from: [element('infrastructure'), nestModuleOf('from')],
              allow: { to: sameModule('migrations') },
            },
            {
              from: element('migrations'),
              allow: { to: external },
            },
            {
              from: element('test'),
              allow: { to: [element('*'), external, core] },
            },
            {
              from: element('domain'),
              disallow: { to: { module: { origin: 'external', source: FRAMEWORK_AND_TRANSPORT } } },
              message:
                'domain ({{ from.element.captured.module }}) must stay free of frameworks, ORMs and transports: {{ dependency.source }}',
            },
          ],
        },
      ],
    },
  },
);

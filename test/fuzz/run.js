#!/usr/bin/env node
/**
 * `npm run fuzz -- [--seed N] [--runs M] [--path P]`: the HTTP fuzzer (test/fuzz/http.fuzz.spec.ts)
 * for as long as asked, or one failing request again (a failure prints its seed and path).
 */
const { spawnSync } = require('node:child_process');

const args = process.argv.slice(2);
const env = { ...process.env };
const usage = 'usage: npm run fuzz -- [--seed N] [--runs M] [--path P]';
for (let i = 0; i < args.length; i++) {
  const [flag, value] = [args[i], args[i + 1]];
  const name = { '--seed': 'FUZZ_SEED', '--runs': 'FUZZ_RUNS', '--path': 'FUZZ_PATH' }[flag];
  if (flag === '--help' || flag === '-h') {
    console.log(usage);
    process.exit(0);
  }
  if (!name || value === undefined || (flag !== '--path' && !/^\d+$/.test(value))) {
    console.error(`${flag === undefined ? '' : `${flag}: `}${usage}`);
    process.exit(2);
  }
  env[name] = value;
  i++;
}
const run = spawnSync('npx', ['jest', 'test/fuzz/http.fuzz.spec.ts'], { stdio: 'inherit', env });
process.exit(run.status ?? 1);

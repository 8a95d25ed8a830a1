import type { StandardSchemaV1 } from '@standard-schema/spec';
import { type } from 'arktype';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import * as z from 'zod';

/**
 * Which Standard Schema library declares the contracts (ADR 0015): Zod 4, Valibot or ArkType,
 * measured side by side in one run on a typical contract payload, inventory.reserve-stock.v1
 * (a UUID and 1-100 lines of { sku matching a pattern, bounded whole quantity }), through the
 * one interface the kernel uses, `schema['~standard'].validate(value)`.
 *
 *   npm run -s bench:schemas            (builds, then runs this file with node)
 *
 * Speed: ops/s for a valid payload with 5 lines (and a key the contract does not know, which
 * must be dropped), a valid one with 100 lines, and an invalid one (two bad lines; every issue
 * collected). Each case runs for SLICE_MS per library, interleaved, ROUNDS times; the median is
 * reported. Size: a minified ESM bundle (esbuild) of the schema and its validation, and of the
 * schema with its JSON Schema conversion (what contracts:check and OpenAPI need), and the
 * package folder on disk.
 */
const SLICE_MS = Number(process.env.SLICE_MS ?? 400);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SKU = /^[A-Z0-9][A-Z0-9-]{0,63}$/;
const MAX_INT = 2_147_483_647;

const zodSchema = z.object({
  orderId: z.uuid(),
  lines: z.array(z.object({ sku: z.string().regex(SKU), quantity: z.int().min(1).max(MAX_INT) })).min(1).max(100),
});

const valibotSchema = v.object({
  orderId: v.pipe(v.string(), v.uuid()),
  lines: v.pipe(
    v.array(v.object({ sku: v.pipe(v.string(), v.regex(SKU)), quantity: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_INT)) })),
    v.minLength(1),
    v.maxLength(100),
  ),
});

const arkSchema = type({
  '+': 'delete',
  orderId: 'string.uuid',
  lines: type({ '+': 'delete', sku: SKU, quantity: `1 <= number.integer <= ${MAX_INT}` })
    .array()
    .atLeastLength(1)
    .atMostLength(100),
});

/** For reference only: ArkType without `'+': 'delete'` keeps keys the contract does not know, which the seam must not. */
const arkKeepsKeys = type({
  orderId: 'string.uuid',
  lines: type({ sku: SKU, quantity: `1 <= number.integer <= ${MAX_INT}` }).array().atLeastLength(1).atMostLength(100),
});

const LIBRARIES: Record<string, StandardSchemaV1> = {
  zod: zodSchema,
  valibot: valibotSchema,
  arktype: arkSchema,
  'arktype (keeps unknown keys)': arkKeepsKeys,
};

const lines = (count: number) => Array.from({ length: count }, (_, i) => ({ sku: `TEA-${i + 1}`, quantity: (i % 7) + 1 }));
const ORDER = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const CASES: Record<string, unknown> = {
  'valid, 5 lines': { orderId: ORDER, lines: lines(5), note: 'unknown key, dropped' },
  'valid, 100 lines': { orderId: ORDER, lines: lines(100) },
  'invalid, 2 bad of 5': { orderId: ORDER, lines: [...lines(3), { sku: 'tea 4', quantity: 1 }, { sku: 'TEA-5', quantity: 0 }] },
};

function check(name: string, schema: StandardSchemaV1): void {
  // Every library must agree with the contract before its figures mean anything.
  const run = (value: unknown) => schema['~standard'].validate(value) as StandardSchemaV1.Result<unknown>;
  const valid = run(CASES['valid, 5 lines']);
  if (valid.issues || (!name.includes('keeps') && 'note' in (valid.value as object))) throw new Error(`${name}: valid payload refused or unknown key kept`);
  const invalid = run(CASES['invalid, 2 bad of 5']);
  if (!invalid.issues || invalid.issues.length !== 2) throw new Error(`${name}: expected 2 issues, got ${JSON.stringify(invalid.issues)}`);
}

function opsPerSecond(schema: StandardSchemaV1, value: unknown): number {
  const validate = schema['~standard'].validate;
  let count = 0;
  let sink = 0;
  const end = performance.now() + SLICE_MS;
  const started = performance.now();
  while (performance.now() < end) {
    for (let i = 0; i < 200; i++) {
      const result = validate(value) as StandardSchemaV1.Result<unknown>;
      sink += result.issues ? 1 : 0;
    }
    count += 200;
  }
  if (sink < 0) console.log(sink);
  return count / ((performance.now() - started) / 1000);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const ENTRIES: Record<string, { validate: string; jsonSchema: string; packages: string[] }> = {
  zod: {
    validate: `import * as z from 'zod'; export const s = z.object({ orderId: z.uuid(), lines: z.array(z.object({ sku: z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,63}$/), quantity: z.int().min(1).max(${MAX_INT}) })).min(1).max(100) }); export const check = (x) => s['~standard'].validate(x);`,
    jsonSchema: `export const json = () => z.toJSONSchema(s);`,
    packages: ['zod'],
  },
  valibot: {
    validate: `import * as v from 'valibot'; export const s = v.object({ orderId: v.pipe(v.string(), v.uuid()), lines: v.pipe(v.array(v.object({ sku: v.pipe(v.string(), v.regex(/^[A-Z0-9][A-Z0-9-]{0,63}$/)), quantity: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(${MAX_INT})) })), v.minLength(1), v.maxLength(100)) }); export const check = (x) => s['~standard'].validate(x);`,
    jsonSchema: `import { toJsonSchema } from '@valibot/to-json-schema'; export const json = () => toJsonSchema(s);`,
    packages: ['valibot', '@valibot/to-json-schema'],
  },
  arktype: {
    validate: `import { type } from 'arktype'; export const s = type({ '+': 'delete', orderId: 'string.uuid', lines: type({ '+': 'delete', sku: /^[A-Z0-9][A-Z0-9-]{0,63}$/, quantity: '1 <= number.integer <= ${MAX_INT}' }).array().atLeastLength(1).atMostLength(100) }); export const check = (x) => s['~standard'].validate(x);`,
    jsonSchema: `export const json = () => s.toJsonSchema();`,
    packages: ['arktype', '@ark/schema', '@ark/util'],
  },
};

function gzipSize(source: string): number {
  const dir = mkdtempSync(join(tmpdir(), 'schema-size-'));
  try {
    const file = join(dir, 'bundle.js');
    writeFileSync(file, source);
    return Number(execFileSync('sh', ['-c', `gzip -9 -c '${file}' | wc -c`]).toString().trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function bundle(source: string): Promise<{ min: number; gzip: number }> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    stdin: { contents: source, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    write: false,
  });
  const text = result.outputFiles[0].text;
  return { min: text.length, gzip: gzipSize(text) };
}

const onDisk = (packages: string[]) =>
  packages.reduce((total, name) => total + Number(execFileSync('du', ['-sk', join('node_modules', name)]).toString().split('\t')[0]), 0);

const version = (name: string) => (JSON.parse(readFileSync(join(process.cwd(), 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

async function main(): Promise<void> {
  for (const [name, schema] of Object.entries(LIBRARIES)) check(name, schema);
  console.log(`node ${process.version}; ${ROUNDS} rounds of ${SLICE_MS} ms per case and library, median ops/s`);
  console.log(`zod ${version('zod')}, valibot ${version('valibot')}, arktype ${version('arktype')}\n`);
  const names = Object.keys(LIBRARIES);
  console.log(`| case | ${names.join(' | ')} |\n| --- | ${names.map(() => '---:').join(' | ')} |`);
  for (const [label, value] of Object.entries(CASES)) {
    const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
    for (const name of names) opsPerSecond(LIBRARIES[name], value); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of names) samples[name].push(opsPerSecond(LIBRARIES[name], value));
    }
    console.log(`| ${label} | ${names.map((name) => Math.round(median(samples[name])).toLocaleString('en')).join(' | ')} |`);
  }
  console.log('\n| library | bundle, validate (min / gzip) | bundle, validate + JSON Schema (min / gzip) | on disk (node_modules) |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const name of Object.keys(ENTRIES)) {
    const entry = ENTRIES[name];
    const small = await bundle(entry.validate);
    const full = await bundle(`${entry.validate}\n${entry.jsonSchema}`);
    console.log(
      `| ${name} | ${(small.min / 1024).toFixed(1)} KB / ${(small.gzip / 1024).toFixed(1)} KB | ${(full.min / 1024).toFixed(1)} KB / ${(full.gzip / 1024).toFixed(1)} KB | ${(onDisk(entry.packages) / 1024).toFixed(1)} MB (${entry.packages.join(' + ')}) |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

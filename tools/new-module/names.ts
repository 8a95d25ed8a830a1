/**
 * The names a new module goes by. Its name (lower-case kebab: `shipping`, `gift-cards`) is the
 * folder, the PostgreSQL schema, the first part of its wire names and of its `SEAMS_<MODULE>`
 * settings; identifiers in code are made from it.
 */
export interface ModuleNames {
  /** `gift-cards` */
  readonly name: string;
  /** `giftCards` (manifests, migrations) */
  readonly camel: string;
  /** `GiftCards` (classes) */
  readonly pascal: string;
  /** `"gift-cards"` in SQL; a one-word name needs no quotes */
  readonly sqlSchema: string;
  /** `SEAMS_GIFT-CARDS` (the kernel upper-cases the name) */
  readonly setting: string;
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
export const MAX_NAME_LENGTH = 30;

/**
 * Names a module may not take, and why: they are taken by the layout, a module layer, a
 * process role, a global `SEAMS_*` setting (`SEAMS_HOST_MODULE`, `SEAMS_TLS_CA`, ...: a module
 * named so would have settings that read like those), a route or a PostgreSQL schema.
 */
export const RESERVED: Readonly<Record<string, string>> = Object.fromEntries(
  (
    [
      ['the repository layout', ['src', 'kernel', 'host', 'modules', 'migrations', 'test', 'tests', 'tools', 'bench', 'docs', 'dist', 'contracts', 'node-modules', 'shared', 'common', 'core', 'lib', 'utils']],
      ['a module layer', ['contract', 'domain', 'application', 'infrastructure', 'http']],
      ['a process role or the seam', ['monolith', 'module', 'seam', 'seams', 'app', 'all', 'none', 'local', 'remote', 'service']],
      ['a global SEAMS_* setting', ['auth', 'breaker', 'bulkhead', 'data', 'db', 'embedded', 'log', 'namespace', 'outbox', 'query', 'relay', 'shutdown', 'timeout', 'tls', 'otel']],
      ['a route of every process', ['admin', 'health', 'metrics']],
      ['a PostgreSQL schema', ['public', 'information-schema']],
      ['a JavaScript built-in', ['constructor', 'prototype']],
    ] as const
  ).flatMap(([why, names]) => names.map((name) => [name, why])),
);

/** Why `name` cannot be a new module's name, or `undefined` when it can. */
export function nameProblem(name: string, existing: readonly string[]): string | undefined {
  if (!KEBAB.test(name)) {
    return `"${name}" is not a module name: use lower-case kebab case (letters and digits, words joined by single dashes, starting with a letter), e.g. shipping or gift-cards`;
  }
  if (name.length < 2 || name.length > MAX_NAME_LENGTH) return `"${name}" must have 2-${MAX_NAME_LENGTH} characters`;
  if (RESERVED[name]) return `"${name}" is reserved (it names ${RESERVED[name]}); pick another name`;
  if (existing.includes(name)) return `a module named "${name}" exists already`;
  return undefined;
}

export function namesOf(name: string): ModuleNames {
  const words = name.split('-');
  const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
  return {
    name,
    camel: words[0] + words.slice(1).map(capital).join(''),
    pascal: words.map(capital).join(''),
    sqlSchema: words.length === 1 ? name : `"${name}"`,
    setting: `SEAMS_${name.toUpperCase()}`,
  };
}

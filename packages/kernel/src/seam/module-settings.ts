import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { formatPath } from '../primitives';

/**
 * One setting of a module's own (the simulated provider's decline limit, the placement
 * recovery's period): the environment name it is read from, a schema that parses the raw text
 * into its value (`z.coerce.number().int().min(0)`), its default and what it does.
 */
export interface ModuleSetting<T = unknown> {
  /** The environment variable, upper case: `PAYMENTS_DECLINE_ABOVE_MINOR`. */
  readonly name: string;
  /** Parses and checks the raw text: a Standard Schema (a Zod schema, say). */
  readonly schema: StandardSchemaV1<unknown, T>;
  readonly default?: T;
  readonly description: string;
}

type Declarations = Readonly<Record<string, ModuleSetting>>;

/**
 * A module's settings, declared once in the module (`<module>.settings.ts`) and named in its
 * manifest. The module never reads the environment: the host reads every declared setting in
 * its one configuration entry (all problems at once, one line each), the kernel provides the
 * values under `token`, and the module injects them (`@Inject(paymentsSettings.token)`).
 * The host's settings table and its unknown-setting warnings include them.
 */
export interface ModuleSettings<D extends Declarations = Declarations> {
  readonly module: string;
  readonly declarations: D;
  /** The injection token of the values (`SettingsOf<typeof …>`). */
  readonly token: symbol;
}

/** The values of a module's settings: a setting with a default is always there. */
export type SettingsOf<S extends ModuleSettings> = {
  readonly [K in keyof S['declarations']]: S['declarations'][K] extends ModuleSetting<infer T>
    ? S['declarations'][K] extends { readonly default: unknown }
      ? T
      : T | undefined
    : never;
};

/** Declares the settings of `module`; names must be upper-case environment names, each once. */
export function defineSettings<const D extends Declarations>(module: string, declarations: D): ModuleSettings<D> {
  const names = new Set<string>();
  for (const [key, declaration] of Object.entries(declarations)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(declaration.name)) throw new Error(`Module ${module}: setting ${key} must be named like ${module.toUpperCase()}_SOMETHING, not "${declaration.name}"`);
    if (names.has(declaration.name)) throw new Error(`Module ${module}: two settings are named ${declaration.name}`);
    names.add(declaration.name);
  }
  return { module, declarations, token: Symbol(`${module} settings`) };
}

/**
 * Reads a module's settings from `raw` (name → text, or undefined when not set): the values,
 * defaults filled in, or one line per problem naming the setting, the value and what it takes.
 */
export function readModuleSettings<S extends ModuleSettings>(
  settings: S,
  raw: (name: string) => string | undefined,
): { readonly values: SettingsOf<S>; readonly errors: readonly string[] } {
  const values: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const [key, declaration] of Object.entries(settings.declarations)) {
    const text = raw(declaration.name)?.trim();
    if (text === undefined || text === '') {
      values[key] = declaration.default;
      continue;
    }
    const result = declaration.schema['~standard'].validate(text);
    if (result instanceof Promise) throw new Error(`The schema of ${declaration.name} must validate synchronously`);
    if (result.issues) {
      const [issue] = result.issues;
      const where = issue.path?.length ? ` (${formatPath(issue.path)})` : '';
      errors.push(`${declaration.name}="${text}" is refused${where}: ${issue.message}. ${declaration.description}`);
    } else {
      values[key] = result.value;
    }
  }
  return { values: values as SettingsOf<S>, errors };
}

@Global()
@Module({})
class ModuleSettingsModule {}

/**
 * Provides, globally, the settings values of every module in `manifests` that declares some:
 * `values[module]` as the host read them, or else each setting's default (a setting without a
 * default is then left undefined).
 */
export function moduleSettingsModule(
  manifests: readonly { readonly name: string; readonly settings?: ModuleSettings }[],
  values: Readonly<Record<string, unknown>> = {},
): DynamicModule {
  const providers = manifests.flatMap(({ name, settings }) =>
    settings ? [{ provide: settings.token, useValue: values[name] ?? readModuleSettings(settings, () => undefined).values }] : [],
  );
  return { module: ModuleSettingsModule, providers, exports: providers.map((provider) => provider.provide) };
}

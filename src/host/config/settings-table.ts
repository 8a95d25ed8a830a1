import type { ModuleManifest } from '@seams/kernel/seam';
import { type Declaration, GROUP_TITLES, type Group, SETTINGS } from './settings';

/** The README's settings table sits between these markers; `npm run docs:settings` rewrites it. */
export const SETTINGS_START = '<!-- settings:start (generated from src/host/config/settings.ts by npm run docs:settings; do not edit) -->';
export const SETTINGS_END = '<!-- settings:end -->';

const code = (name: string) => `\`${name}\``;

function shownName(declaration: Declaration<unknown>): string {
  const names = [code(declaration.name)];
  const alternatives = [...(declaration.global ? [declaration.global] : []), ...(declaration.aliases ?? [])];
  return alternatives.length > 0 ? `${names[0]} (or ${alternatives.map(code).join(', ')})` : names[0];
}

function shownDefault(declaration: Declaration<unknown>): string {
  if (declaration.shownDefault) return declaration.shownDefault;
  const value = declaration.default;
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return 'not set';
  if (typeof value === 'boolean') return code(value ? 'on' : 'off');
  return code(String(value));
}

function what(declaration: Declaration<unknown>): string {
  const readBy = declaration.readBy ? ` Read by ${declaration.readBy}.` : '';
  return `${declaration.description} Takes ${declaration.kind.describe}.${readBy}`.replace(/\|/g, '\\|');
}

/** The modules' own settings (`defineSettings` in each module, named by its manifest). */
function moduleSettingsTable(manifests: readonly Pick<ModuleManifest, 'name' | 'settings'>[]): string[] {
  // One table, or none when no module declares a setting.
  const rows = manifests.flatMap(({ name, settings }) =>
    Object.values(settings?.declarations ?? {}).map((setting) => {
      const value = setting.default === undefined ? 'not set' : code(String(setting.default));
      return `| ${code(setting.name)} | ${value} | ${`${setting.description} Read by the host for ${name} (declared in \`modules/${name}/${name}.settings.ts\`).`.replace(/\|/g, '\\|')} |`;
    }),
  );
  if (rows.length === 0) return [];
  return [["The modules' own settings (each module declares them with `defineSettings`; the host reads them with the rest):", '', '| Setting | Default | What it does |', '| --- | --- | --- |', ...rows].join('\n')];
}

/** The settings tables, one per group, in the order they are declared, then the modules' own. */
export function settingsTables(manifests: readonly Pick<ModuleManifest, 'name' | 'settings'>[] = []): string {
  const declarations = Object.values(SETTINGS) as Declaration<unknown>[];
  const groups = Object.keys(GROUP_TITLES) as Group[];
  return groups
    .map((group) =>
      [
        GROUP_TITLES[group],
        '',
        '| Setting | Default | What it does |',
        '| --- | --- | --- |',
        ...declarations.filter((d) => d.group === group).map((d) => `| ${shownName(d)} | ${shownDefault(d)} | ${what(d)} |`),
      ].join('\n'),
    )
    .concat(moduleSettingsTable(manifests))
    .join('\n\n');
}

/** `readme` with its settings block regenerated, or `undefined` when it has no markers. */
export function withSettingsTables(readme: string, manifests: readonly Pick<ModuleManifest, 'name' | 'settings'>[] = []): string | undefined {
  const start = readme.indexOf(SETTINGS_START);
  const end = readme.indexOf(SETTINGS_END);
  if (start < 0 || end < start) return undefined;
  return `${readme.slice(0, start + SETTINGS_START.length)}\n\n${settingsTables(manifests)}\n\n${readme.slice(end)}`;
}

/**
 * The host's configuration: every setting declared once (`settings.ts`), the environment read
 * in one place (`readSettings`), and the kernel's typed options built from the result.
 */
export { SETTINGS, GROUP_TITLES } from './settings';
export type { Settings, SettingKey, Declaration, Group } from './settings';
export { readSettings, assertSomeIssuer, nameFor } from './read-settings';
export { unknownSettings, knownNames } from './unknown-settings';
export { SettingError } from './setting-kinds';
export * from './kernel-options';
export { settingsFor, topologyFrom, seamOptionsFor, messagingOptionsFrom } from './for-registry';
export { settingsTables, withSettingsTables, SETTINGS_START, SETTINGS_END } from './settings-table';

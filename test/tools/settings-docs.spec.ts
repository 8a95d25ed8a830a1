import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { knownNames, readSettings, SETTINGS, settingsTables, unknownSettings, withSettingsTables } from '../../src/host/config';
import { MANIFESTS } from '../../src/host/manifests';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const MODULES = ['catalog', 'inventory', 'ordering', 'payments'];

describe('the settings declaration and the README', () => {
  it('agree: the README table is the one generated from src/host/config/settings.ts (npm run docs:settings)', () => {
    expect(withSettingsTables(README, MANIFESTS)).toBe(README);
  });

  it('would disagree after a change to either side', () => {
    const edited = README.replace('| `PORT` | `3000` |', '| `PORT` | `8080` |');
    expect(edited).not.toBe(README);
    expect(withSettingsTables(edited, MANIFESTS)).toBe(README);
    expect(settingsTables()).toContain('`SEAMS_TIMEOUT_MS` | `5000`');
  });

  it('lists every declared setting, the modules\' own included', () => {
    for (const { name } of Object.values(SETTINGS)) expect(README).toContain(`\`${name}\``);
    const own = MANIFESTS.flatMap((manifest) => Object.values(manifest.settings?.declarations ?? {}).map((setting) => setting.name));
    for (const name of own) expect(settingsTables(MANIFESTS)).toContain(`| \`${name}\` |`);
  });
});

describe('reading the settings', () => {
  it('gives typed values with their defaults', () => {
    const settings = readSettings({ SEAMS_TIMEOUT_MS: '250', SEAMS_INVENTORY: 'Remote', SEAMS_CORS_ORIGINS: 'https://a.example, https://b.example' }, MODULES);
    expect(settings.timeoutMs).toBe(250);
    expect(settings.port).toBe(3000);
    expect(settings.placement).toEqual({ catalog: 'local', inventory: 'remote', ordering: 'local', payments: 'local' });
    expect(settings.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(settings.relayBatch).toBe(400);
  });

  it('refuses every bad value, one line each naming the setting and the value', () => {
    expect(() => readSettings({ SEAMS_TIMEOUT_MS: '0', SEAMS_LOG_LEVEL: 'loud', SEAMS_RELAY_BATCH: 'many' }, MODULES)).toThrow(
      [
        'SEAMS_TIMEOUT_MS must be a positive whole number, not "0"',
        'SEAMS_RELAY_BATCH must be a positive whole number, not "many"',
        'SEAMS_LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, not "loud"',
      ].join('\n'),
    );
    expect(() => readSettings({ SEAMS_DB_POOL_SIZE: '-3' }, MODULES)).toThrow('SEAMS_DB_POOL_SIZE must be a positive whole number, not "-3"');
    expect(() => readSettings({ SEAMS_TLS_CA: 'ca.pem' }, MODULES)).toThrow('Mutual TLS needs all of SEAMS_TLS_CA, SEAMS_TLS_CERT and SEAMS_TLS_KEY');
    expect(() => readSettings({ SEAMS_AUTH_DEV: 'yes' }, MODULES)).toThrow('SEAMS_AUTH_DEV must be on or off, not "yes"');
  });

  it('reads the modules\' own settings too (a module never reads the environment), their problems with the rest', () => {
    const withOwn = MANIFESTS.filter((manifest) => manifest.settings);
    const own = withOwn.flatMap((manifest) => Object.values(manifest.settings!.declarations).map((setting) => ({ module: manifest.name, ...setting })));
    if (own.length === 0) return; // a system without module settings (after module:remove) has nothing to read here
    const defaults = readSettings({}, MODULES, MANIFESTS).moduleSettings;
    for (const manifest of withOwn) expect(defaults[manifest.name]).toBeDefined();
    const [first] = own;
    const values = Object.values(readSettings({ [first.name]: '12345' }, MODULES, MANIFESTS).moduleSettings[first.module] as Record<string, unknown>);
    expect(values).toContain(first.schema['~standard'].validate('12345') instanceof Promise ? undefined : (first.schema['~standard'].validate('12345') as { value: unknown }).value);
    expect(() => readSettings({ SEAMS_TIMEOUT_MS: '0', [first.name]: 'not-a-value-\u0000' }, MODULES, MANIFESTS)).toThrow(
      new RegExp(`SEAMS_TIMEOUT_MS must be a positive whole number, not "0"\\n${first.name}="not-a-value-\u0000" is refused`),
    );
  });

  it('warns about an unknown SEAMS_* name, naming the closest known setting, in one line', () => {
    expect(unknownSettings({ SEAMS_TIMOUT_MS: '5', SEAMS_INVENTRY_URL: 'tcp://x:1', SEAMS_TIMEOUT_MS: '5', PATH: '/bin', SEAMS_TEST_PG_PORT: '1' }, MODULES)).toEqual([
      'Unknown setting SEAMS_INVENTRY_URL is ignored; did you mean SEAMS_INVENTORY_URL?',
      'Unknown setting SEAMS_TIMOUT_MS is ignored; did you mean SEAMS_TIMEOUT_MS?',
    ]);
    expect(knownNames(MODULES)).toEqual(expect.arrayContaining(['SEAMS_BREAKER_THRESHOLD', 'SEAMS_PAYMENTS_BREAKER_THRESHOLD', 'LOG_LEVEL']));
  });
});

/**
 * The kinds of value a setting may hold: each parses the raw text of an environment variable
 * into a typed value, or says in one line what is wrong, naming the setting and the value.
 * Together with `settings.ts` they are the schema of the host's configuration.
 */
export interface Kind<T> {
  /** How the README describes the values it takes. */
  readonly describe: string;
  /** The typed value of `raw` (already trimmed, never empty), or an error message. */
  parse(raw: string, name: string): T;
}

export class SettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingError';
  }
}

const quoteList = (values: readonly string[]) =>
  values.length === 1 ? `"${values[0]}"` : `${values.slice(0, -1).map((v) => `"${v}"`).join(', ')} or "${values[values.length - 1]}"`;

export const text = (describe = 'text'): Kind<string> => ({ describe, parse: (raw) => raw });

/** A whole number ≥ `min`. */
export const whole = (min: number): Kind<number> => ({
  describe: min === 1 ? 'a positive whole number' : `a whole number ≥ ${min}`,
  parse(raw, name) {
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
      throw new SettingError(`${name} must be ${min === 1 ? 'a positive whole number' : `a whole number ≥ ${min}`}, not "${raw}"`);
    }
    return value;
  },
});

export const port = (): Kind<number> => ({
  describe: 'a port number',
  parse(raw, name) {
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value > 65535) throw new SettingError(`${name} must be a port number, not "${raw}"`);
    return value;
  },
});

/** One of `values` (compared in lower case). */
export const oneOf = <T extends string>(values: readonly T[], style: 'quoted' | 'plain' = 'quoted'): Kind<T> => ({
  describe: `one of ${values.map((v) => `\`${v}\``).join(', ')}`,
  parse(raw, name) {
    const value = raw.toLowerCase() as T;
    if (!values.includes(value)) {
      const list = style === 'quoted' ? quoteList(values) : `one of ${values.join(', ')}`;
      throw new SettingError(`${name} must be ${list}, not "${raw}"`);
    }
    return value;
  },
});

/** `on` or `off`. */
export const onOff = (): Kind<boolean> => ({
  describe: '`on` or `off`',
  parse(raw, name) {
    const value = raw.toLowerCase();
    if (value !== 'on' && value !== 'off') throw new SettingError(`${name} must be on or off, not "${raw}"`);
    return value === 'on';
  },
});

/**
 * Text matching `pattern`; `hint` says what it should look like. `fix`, when it can, guesses
 * the value meant (a scheme left out, a colon missed), so the error line shows the fix.
 */
export const matching = (pattern: RegExp, hint: string, fix?: (raw: string) => string | undefined): Kind<string> => ({
  describe: hint,
  parse(raw, name) {
    if (!pattern.test(raw)) {
      const guess = fix?.(raw);
      const meant = guess !== undefined && pattern.test(guess) ? `; did you mean ${name}=${guess}?` : '';
      throw new SettingError(`${name} must be ${hint}, not "${raw}"${meant}`);
    }
    return raw;
  },
});

/** Guesses a URL meant by `raw`: `postgres//x` → `postgres://x`, `127.0.0.1:4010` → `<scheme>://127.0.0.1:4010`. */
export const withScheme =
  (scheme: string) =>
  (raw: string): string | undefined => {
    const missedColon = /^([a-z][a-z0-9+.-]*)\/\/(.+)$/i.exec(raw) ?? /^([a-z][a-z0-9+.-]*):\/?([^/].*)$/i.exec(raw);
    if (missedColon && !/^\d+$/.test(missedColon[2].split(/[/@]/)[0].split(':')[0])) return `${missedColon[1]}://${missedColon[2]}`;
    return /^[^:/]+:\d+/.test(raw) || /^[\w.-]+$/.test(raw) ? `${scheme}://${raw}` : undefined;
  };

/** A comma-separated list, each item checked by `item`. */
export const list = (item: Kind<string>): Kind<string[]> => ({
  describe: `comma-separated: ${item.describe}`,
  parse: (raw, name) =>
    raw
      .split(',')
      .map((value) => value.trim())
      .filter(Boolean)
      .map((value) => item.parse(value, name)),
});

/**
 * Checks for the kernel's typed options (what `forRoot` / `forRootAsync` receive). The kernel
 * reads no environment: the host turns its settings into these options, and a bad value is
 * refused here, in one line naming the option and the value. `name` is what the message
 * calls the option; a host may pass the name of the setting it came from instead.
 */
export class InvalidOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidOptionError';
  }
}

/** `value` when it is a whole number ≥ `min`; otherwise an `InvalidOptionError` naming `name` and the value. */
export function wholeNumber(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    const what = min === 1 ? 'a positive whole number' : `a whole number ≥ ${min}`;
    throw new InvalidOptionError(`${name} must be ${what}, not "${String(value)}"`);
  }
  return value;
}

/** The defaults, overridden by the options given (an `undefined` option keeps its default), each checked as a whole number ≥ `min`. */
export function wholeNumbers<T extends { readonly [K in keyof T]: number }>(
  defaults: T,
  given: { readonly [K in keyof T]?: number | undefined } | undefined,
  min: number,
  nameOf: (key: keyof T & string) => string,
): T {
  const keys = Object.keys(defaults) as (keyof T & string)[];
  const entries = keys.map((key) => [key, wholeNumber(nameOf(key), given?.[key] ?? defaults[key], min)]);
  return Object.fromEntries(entries) as T;
}

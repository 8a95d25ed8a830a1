/**
 * A small payload that a message's JSON Schema (as the kernel's `field` schemas write it)
 * accepts, for a generated test: every required field, the smallest arrays, strings that fit
 * their length, format, enum and (simple) pattern. The caller checks it against the schema; a
 * pattern this cannot follow gives a value the schema refuses, and the test says so.
 */
type JsonSchema = Record<string, unknown>;

const SAMPLE_UUID = '6f1c2d4e-8a9b-4c3d-9e8f-1a2b3c4d5e6f';

export function samplePayload(schema: JsonSchema): unknown {
  const options = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (options?.length) return samplePayload(options.find((option) => option.type !== 'null') ?? options[0]);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const type = Array.isArray(schema.type) ? (schema.type.find((t) => t !== 'null') ?? schema.type[0]) : schema.type;
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = (schema.required ?? Object.keys(properties)) as string[];
      return Object.fromEntries(required.filter((key) => properties[key]).map((key) => [key, samplePayload(properties[key])]));
    }
    case 'array': {
      const min = Number(schema.minItems ?? 0);
      const max = Number(schema.maxItems ?? 1);
      const count = Math.min(Math.max(min, 1), max);
      return Array.from({ length: count }, () => samplePayload((schema.items ?? {}) as JsonSchema));
    }
    case 'integer':
    case 'number': {
      const min = Number(schema.minimum ?? Number.MIN_SAFE_INTEGER);
      const max = Number(schema.maximum ?? Number.MAX_SAFE_INTEGER);
      return min <= 1 && 1 <= max ? 1 : min > 1 ? min : max;
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'string':
      return sampleString(schema);
    default:
      return null;
  }
}

function sampleString(schema: JsonSchema): string {
  if (schema.format === 'uuid') return SAMPLE_UUID;
  if (schema.format === 'date-time') return '2025-01-01T00:00:00.000Z';
  const min = Number(schema.minLength ?? 0);
  const max = Number(schema.maxLength ?? 10_000);
  if (typeof schema.pattern === 'string') return sampleOfPattern(schema.pattern, min);
  const word = 'sample'.slice(0, Math.max(max, 0));
  return word.length >= min ? word : word.padEnd(min, 'x');
}

/**
 * The shortest string of a simple regular expression (literals, escapes, classes, groups with
 * alternatives, quantifiers; anchors ignored), lengthened by repeating its last repeatable
 * part when `minLength` asks for more. Good enough for codes like `^[A-Z]{3}$`.
 */
function sampleOfPattern(pattern: string, minLength: number): string {
  let index = 0;
  let lastRepeatable = '';
  const atom = (): string => {
    const char = pattern[index++];
    if (char === '\\') {
      const escaped = pattern[index++];
      return ({ d: '1', w: 'a', s: ' ', D: 'a', W: '-', S: 'a' } as Record<string, string>)[escaped] ?? escaped;
    }
    if (char === '[') {
      const negated = pattern[index] === '^';
      if (negated) index++;
      let first = '';
      while (index < pattern.length && pattern[index] !== ']') {
        const next = pattern[index] === '\\' ? pattern[(index += 2) - 1] : pattern[index++];
        first ||= next;
      }
      index++; // ]
      return negated ? (first === 'a' ? 'b' : 'a') : first;
    }
    if (char === '(') {
      if (pattern.startsWith('?:', index)) index += 2;
      const first = sequence(')');
      index++; // )
      return first;
    }
    if (char === '.') return 'a';
    return char;
  };
  const sequence = (end: string): string => {
    let out = '';
    let alternative: string | undefined;
    let depth = 0;
    while (index < pattern.length && pattern[index] !== end) {
      const char = pattern[index];
      if (char === '^' || char === '$') {
        index++;
        continue;
      }
      if (char === '|') {
        // Keep the first alternative; skip the rest of this group.
        alternative ??= out;
        index++;
        while (index < pattern.length && (depth > 0 || pattern[index] !== end)) {
          if (pattern[index] === '\\') index++;
          else if (pattern[index] === '(') depth++;
          else if (pattern[index] === ')') depth--;
          index++;
        }
        break;
      }
      const part = atom();
      const [times, repeatable] = quantifier();
      if (repeatable) lastRepeatable = part;
      out += part.repeat(times);
    }
    return alternative ?? out;
  };
  const quantifier = (): [number, boolean] => {
    const char = pattern[index];
    if (char === '?' || char === '*') return index++, [0, true];
    if (char === '+') return index++, [1, true];
    const counted = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(index));
    if (!counted) return [1, false];
    index += counted[0].length;
    return [Number(counted[1]), counted[2] !== undefined && counted[3] !== counted[1]];
  };
  let out = sequence('');
  if (out.length < minLength && lastRepeatable) out += lastRepeatable.repeat(minLength - out.length);
  return out;
}

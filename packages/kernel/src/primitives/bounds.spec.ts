import { cutToLength, maxLengthOf, stringFieldsOf } from './bounds';
import { IntegrationEvent } from './message';
import { field } from './schema';

class Sample extends IntegrationEvent {
  static readonly wire = 'sample.sampled.v1';
  static readonly schema = field.object({
    id: field.uuid(),
    note: field.string({ maxLength: 80 }),
    currency: field.string({ pattern: /^[A-Z]{3}$/ }),
    sku: field.string({ pattern: /^[A-Z0-9][A-Z0-9-]{0,63}$/ }),
    code: field.string({ maxLength: 10, pattern: /^x\d?-[a-z]{2,4}$/ }),
    free: field.string({ pattern: /^[a-z]+$/ }),
    kind: field.literal('small', 'medium'),
    lines: field.array(field.object({ label: field.string({ maxLength: 12 }), quantity: field.int() })),
  });
}

describe('the bound of a contract string field', () => {
  it.each([
    ['note', 80],
    ['id', 36],
    ['currency', 3],
    ['sku', 64],
    ['code', 7],
    ['free', 10_000],
    ['kind', 6],
    ['lines[].label', 12],
  ])('of %s is %d', (path, bound) => {
    expect(maxLengthOf(Sample, path)).toBe(bound);
  });

  it('is refused for a path that is not a string field', () => {
    expect(() => maxLengthOf(Sample, 'lines[].quantity')).toThrow('sample.sampled.v1 has no string field "lines[].quantity"');
    expect(() => maxLengthOf(Sample, 'nope')).toThrow('has no string field "nope"');
  });

  it('is listed for every string field, nested ones too', () => {
    expect(stringFieldsOf(Sample).map((f) => f.path)).toEqual(['id', 'note', 'currency', 'sku', 'code', 'free', 'kind', 'lines[].label']);
  });
});

describe('cutToLength', () => {
  it('leaves a text that fits alone and cuts a longer one to its first characters and …', () => {
    expect(cutToLength('abc', 3)).toBe('abc');
    expect(cutToLength('abcd', 3)).toBe('ab…');
    expect(cutToLength('x'.repeat(218), 200)).toHaveLength(200);
  });

  it('never splits a surrogate pair', () => {
    expect(cutToLength('ab😀cd', 4)).toBe('ab…');
  });
});

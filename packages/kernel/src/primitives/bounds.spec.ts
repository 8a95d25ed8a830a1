import { cutToLength, maxLengthOf, stringFieldsOf } from './bounds';
import { IntegrationEvent } from './message';
import { z } from './schema';

class Sample extends IntegrationEvent {
  static readonly wire = 'sample.sampled.v1';
  static readonly schema = z.object({
    id: z.guid(),
    note: z.string().max(80),
    currency: z.string().regex(/^[A-Z]{3}$/),
    sku: z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,63}$/),
    code: z.string().max(10).regex(/^x\d?-[a-z]{2,4}$/),
    free: z.string().max(10_000).regex(/^[a-z]+$/),
    kind: z.enum(['small', 'medium']),
    lines: z.array(z.object({ label: z.string().max(12), quantity: z.int() })).max(100),
    maybe: z.string().max(20).nullable().optional(),
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
    ['maybe', 20],
  ])('of %s is %d', (path, bound) => {
    expect(maxLengthOf(Sample, path)).toBe(bound);
  });

  it('is refused for a path that is not a string field', () => {
    expect(() => maxLengthOf(Sample, 'lines[].quantity')).toThrow('sample.sampled.v1 has no string field "lines[].quantity"');
    expect(() => maxLengthOf(Sample, 'nope')).toThrow('has no string field "nope"');
  });

  it('is listed for every string field, nested ones too', () => {
    expect(stringFieldsOf(Sample).map((f) => f.path)).toEqual(['id', 'note', 'currency', 'sku', 'code', 'free', 'kind', 'lines[].label', 'maybe']);
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

import { maxLengthOf, type MessageClass } from '../primitives';

/** What a column holds, as its entity declares it next to the column. */
export type ColumnSource =
  | {
      readonly kind: 'contract-field';
      readonly message: MessageClass;
      /** Path into the message's payload: `reason`, `lines[].sku`. */
      readonly field: string;
      /** Text stored before the field's value (`declined: `). */
      readonly prefix: string;
      /** Any further characters stored with it (a suffix, a separator). */
      readonly extraLength: number;
    }
  | { readonly kind: 'not-a-contract-field'; readonly why: string };

const declarations = new WeakMap<object, Map<string, ColumnSource>>();

function declare(source: ColumnSource): PropertyDecorator {
  return (prototype, property) => {
    const entity = prototype.constructor;
    const own = declarations.get(entity) ?? new Map<string, ColumnSource>();
    own.set(String(property), source);
    declarations.set(entity, own);
  };
}

/**
 * Declares that this column stores the values of a contract's string field, perhaps after a
 * prefix or with `extraLength` more characters: the column check (test/contracts/
 * column-bounds.spec.ts) then fails while the field's longest value, with those, does not fit
 * the column. Put it beside `@Column`:
 *
 *     @StoresContractField(NoteRejected, 'reason', { prefix: REJECTED_PREFIX })
 *     @Column({ name: 'cancellation_reason', type: 'varchar', length: ... })
 *
 * An unknown or non-string field throws when the entity is loaded.
 */
export function StoresContractField(
  message: MessageClass,
  field: string,
  options: { readonly prefix?: string; readonly extraLength?: number } = {},
): PropertyDecorator {
  maxLengthOf(message, field);
  return declare({ kind: 'contract-field', message, field, prefix: options.prefix ?? '', extraLength: options.extraLength ?? 0 });
}

/**
 * Declares that a character column whose name looks like a field of a message its module
 * receives (`currency`, `…Reason`) does not store that field, and says where its values come
 * from instead. The column check asks for one of the two declarations on such a column.
 */
export function NotAContractField(why: string): PropertyDecorator {
  if (why.trim() === '') throw new Error('NotAContractField needs the reason the column is not a contract field');
  return declare({ kind: 'not-a-contract-field', why });
}

/** The declarations of `entity`'s columns, by property name. */
export function columnSourcesOf(entity: object): ReadonlyMap<string, ColumnSource> {
  return declarations.get(entity) ?? new Map();
}

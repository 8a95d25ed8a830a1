import type { EntityMetadata } from 'typeorm';
import { kindOf, maxLengthOf, type MessageClass, stringFieldsOf } from '../primitives';
import { columnSourcesOf } from './stored-contract-field';

type ColumnMetadata = EntityMetadata['columns'][number];

const className = (message: MessageClass) => (message as unknown as { name: string }).name;

/** One module's entities and the messages it receives (events it subscribes to, commands and queries it serves). */
export interface ModuleColumns {
  readonly module: string;
  readonly entities: readonly EntityMetadata[];
  readonly receives: readonly MessageClass[];
}

/** The messages a module receives, from what its manifest says. */
export function receivedMessages(manifest: { contract: readonly MessageClass[]; subscribes: readonly MessageClass[] }): MessageClass[] {
  return [...manifest.contract.filter((message) => kindOf(message) !== 'event'), ...manifest.subscribes];
}

const CHARACTER_TYPES = new Set(['varchar', 'character varying', 'char', 'character', 'nvarchar', 'nchar']);
const UNBOUNDED_TYPES = new Set(['text', 'citext', 'json', 'jsonb']);

function typeName(column: ColumnMetadata): string {
  return typeof column.type === 'function' ? (column.type === String ? 'varchar' : column.type.name.toLowerCase()) : String(column.type);
}

/** How many characters the column holds: its length, 1 for a bare `char`, Infinity for `varchar` or `text`; undefined when it holds no text. */
export function columnCapacity(column: ColumnMetadata): number | undefined {
  const type = typeName(column);
  const length = column.length ? Number(column.length) : undefined;
  if (CHARACTER_TYPES.has(type)) return length ?? (type.includes('char') && !type.includes('var') ? 1 : Infinity);
  if (UNBOUNDED_TYPES.has(type)) return Infinity;
  if (type === 'uuid') return 36;
  return undefined;
}

function describeColumn(module: string, entity: EntityMetadata, column: ColumnMetadata): string {
  const length = column.length ? `(${column.length})` : '';
  return `${module}: ${entity.targetName}.${column.propertyName} (${entity.tablePath}.${column.databaseName}, ${typeName(column)}${length})`;
}

/**
 * Checks every declared column (`@StoresContractField`) against the contract field it
 * stores: the field's longest value, after its prefix and extra characters, must fit. Then
 * looks for character columns that declare nothing but whose property is named like a string
 * field of a message the module receives (`currency` ↔ `currency`, `cancellationReason` ↔
 * `reason`): each must say what it stores. Returns one sentence per problem, naming module,
 * entity, column, message and field; none when all fit.
 */
export function checkColumnBounds(modules: readonly ModuleColumns[]): string[] {
  const problems: string[] = [];
  for (const { module, entities, receives } of modules) {
    for (const entity of entities) {
      const sources = columnSourcesOf(entity.target as object);
      for (const property of sources.keys()) {
        if (!entity.columns.some((column) => column.propertyName === property)) {
          problems.push(`${module}: ${entity.targetName}.${property} declares what it stores, but it is not a column`);
        }
      }
      for (const column of entity.columns) {
        const source = sources.get(column.propertyName);
        const capacity = columnCapacity(column);
        if (source?.kind === 'contract-field') {
          const field = maxLengthOf(source.message, source.field);
          const needed = field + source.prefix.length + source.extraLength;
          const around = [
            source.prefix && `after the prefix ${JSON.stringify(source.prefix)} (${source.prefix.length})`,
            source.extraLength && `with ${source.extraLength} more`,
          ].filter(Boolean);
          const what = `stores ${source.message.wire} (${className(source.message)}) field "${source.field}" of up to ${field} characters${around.length ? ` ${around.join(' ')}` : ''}`;
          if (capacity === undefined) problems.push(`${describeColumn(module, entity, column)} ${what}, but it holds no text`);
          else if (needed > capacity) problems.push(`${describeColumn(module, entity, column)} ${what}: needs ${needed} characters, holds ${capacity}`);
          continue;
        }
        // Look-alikes: bounded character columns only (a uuid column takes only what a uuid field allows).
        if (source || !CHARACTER_TYPES.has(typeName(column)) || capacity === undefined || capacity === Infinity) continue;
        for (const message of receives) {
          for (const field of stringFieldsOf(message)) {
            const leaf = field.path.split('.').pop()!.replace(/\[\]$/, '');
            const named = column.propertyName === leaf || column.propertyName.endsWith(leaf[0].toUpperCase() + leaf.slice(1));
            if (!named) continue;
            problems.push(
              `${describeColumn(module, entity, column)} is named like ${message.wire} (${className(message)}) field "${field.path}", ` +
                `which ${module} receives, and declares neither @StoresContractField nor @NotAContractField`,
            );
          }
        }
      }
    }
  }
  return problems;
}

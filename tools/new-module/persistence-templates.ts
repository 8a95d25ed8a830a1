import type { ModuleNames } from './names';

/** `GIFT_CARDS_UNIT_OF_WORK` for `gift-cards`: the symbol the module's unit of work is bound to. */
export function unitOfWorkToken(n: ModuleNames): string {
  return `${n.name.toUpperCase().replace(/-/g, '_')}_UNIT_OF_WORK`;
}

/**
 * The files that keep the sample's items, laid out as ADR 0016 has it: the repository port in
 * domain/, the unit of work's type in application/ports/, their tokens in `<module>.di-tokens.ts`,
 * and the TypeORM entity, mapper and repository in infrastructure/. With `subscribing`, the unit
 * of work also carries the handled-events repository (subscriber-templates.ts writes it).
 */
export function persistenceFiles(n: ModuleNames, subscribing: boolean): Record<string, string> {
  const m = n.name;
  const dir = `modules/${m}`;
  const token = unitOfWorkToken(n);
  return {
    [`${dir}/domain/item.repository.ts`]: `import type { Item } from './item';

/** Items, inside a unit of work (see \`${n.pascal}UnitOfWork\`). */
export interface ItemRepository {
  /** Stores the item unless one with its id is stored already (then nothing changes). */
  addIfNew(item: Item): Promise<void>;
}

/** Reads items outside any transaction. */
export interface ItemReads {
  find(id: string): Promise<Item | undefined>;
}
`,
    [`${dir}/application/ports/${m}.unit-of-work.ts`]: `import type { UnitOfWork } from '@seams/kernel/persistence';
import type { ItemRepository } from '../../domain/item.repository';
${subscribing ? "import type { HandledEventRepository } from './handled-event.repository';\n" : ''}
/** The repositories of ${m}, bound to one transaction. */
export interface ${n.pascal}Repositories {
  readonly items: ItemRepository;
${subscribing ? '  readonly handledEvents: HandledEventRepository;\n' : ''}}

/** The unit of work of ${m} (bound to \`${token}\`). */
export type ${n.pascal}UnitOfWork = UnitOfWork<${n.pascal}Repositories>;
`,
    [`${dir}/${m}.di-tokens.ts`]: `/** \`${n.pascal}UnitOfWork\` (application/ports/${m}.unit-of-work.ts): repositories bound to one transaction. */
export const ${token} = Symbol('${token}');
/** \`ItemReads\` (domain/item.repository.ts), on the pool. */
export const ITEM_READS = Symbol('ITEM_READS');
`,
    [`${dir}/infrastructure/item.entity.ts`]: `import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity({ schema: '${m}', name: 'items' })
export class ItemEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
`,
    [`${dir}/infrastructure/item.mapper.ts`]: `import { Item } from '../domain/item';
import type { ItemEntity } from './item.entity';

/** Between an \`items\` row and the domain; every field is named. */
export const ItemMapper = {
  toDomain(row: ItemEntity): Item {
    return Item.restore({ id: row.id, name: row.name });
  },

  toPersistence(item: Item): Pick<ItemEntity, 'id' | 'name'> {
    const { id, name } = item.toJSON();
    return { id, name };
  },
};
`,
    [`${dir}/infrastructure/item.repository.ts`]: `import type { EntityManager } from 'typeorm';
import type { Item } from '../domain/item';
import type { ItemReads, ItemRepository } from '../domain/item.repository';
import { ItemEntity } from './item.entity';
import { ItemMapper } from './item.mapper';

/** \`ItemRepository\` and \`ItemReads\` on one entity manager. */
export class TypeOrmItemRepository implements ItemRepository, ItemReads {
  constructor(private readonly manager: EntityManager) {}

  async addIfNew(item: Item): Promise<void> {
    await this.manager.createQueryBuilder().insert().into(ItemEntity).values(ItemMapper.toPersistence(item)).orIgnore().execute();
  }

  async find(id: string): Promise<Item | undefined> {
    const row = await this.manager.findOneBy(ItemEntity, { id });
    return row ? ItemMapper.toDomain(row) : undefined;
  }
}
`,
  };
}

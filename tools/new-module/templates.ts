import type { ModuleNames } from './names';
import { persistenceFiles, unitOfWorkToken } from './persistence-templates';
import { eventImports, handledEventsMigration, subscriberFiles } from './subscriber-templates';
import { type AggregateNames, bareFiles, renamedSample } from './shapes';
import type { Subscription } from './subscriptions';

export interface ShapeOptions {
  /** No sample: an empty contract, no routes, no tables (but the subscribers' own). */
  readonly bare?: boolean;
  /** The sample's aggregate under this name instead of Item. */
  readonly aggregate?: AggregateNames;
}

/**
 * The files of a new module, by path from the repository root: the standard shape (contract,
 * domain, application, infrastructure, http, module and manifest), its first migration, and
 * tests (a unit test of the domain, and a contract suite in process and across TCP). The
 * sample is one command, `<module>.add-item.v1`, on one table, `<schema>.items`: small enough
 * to replace, complete enough to copy. Its ports, unit of work and TypeORM side come from
 * persistence-templates.ts.
 */
export function moduleFiles(n: ModuleNames, timestamp: number, subscriptions: readonly Subscription[] = [], shape: ShapeOptions = {}): Record<string, string> {
  if (shape.bare) {
    const handled = handledEventsMigration(timestamp);
    return { ...bareFiles(n, subscriptions, handled), ...subscriberFiles(n, subscriptions, handled) };
  }
  const files = sampleFiles(n, timestamp, subscriptions);
  return shape.aggregate ? renamedSample(files, shape.aggregate) : files;
}

function sampleFiles(n: ModuleNames, timestamp: number, subscriptions: readonly Subscription[]): Record<string, string> {
  const m = n.name;
  const dir = `modules/${m}`;
  const migration = `CreateItems${timestamp}`;
  const subscribing = subscriptions.length > 0;
  const handledEvents = handledEventsMigration(timestamp);
  const subscriberImports = subscriptions
    .map((s) => `import { ${s.subscriberClass} } from './application/${s.stem}/${s.stem}.handler';\n`)
    .join('');
  const served = `serves \`${m}.add-item.v1\``;
  const token = unitOfWorkToken(n);
  return {
    [`${dir}/contract/add-item.command.ts`]: `import { Command, type Infer, z } from '@seams/kernel/primitives';

/** The payload, declared once: its type, validation, JSON Schema and OpenAPI come from it. */
const payload = z.object({
  itemId: z.guid(),
  name: z.string().min(1).max(200),
});

/**
 * Adds an item to ${m}. Idempotent per item: adding an item id that exists already changes
 * nothing. Fails with \`${m}.invalid-item\` when the name is blank.
 *
 * (A sample made by \`npm run module:new\`: replace it with the module's own messages.)
 */
export class AddItem extends Command<void> implements Infer<typeof payload> {
  static readonly wire = '${m}.add-item.v1';
  /** Idempotent per item, so the seam may retry it when ${m} was unreachable. */
  static readonly idempotencyKey = 'itemId';
  static readonly schema = payload;

  constructor(
    readonly itemId: string,
    readonly name: string,
  ) {
    super();
  }
}
`,
    [`${dir}/contract/${m}.errors.ts`]: `/** Codes of the typed errors ${m}'s published messages may fail with. */
export const ${n.pascal}Errors = {
  /** Details: \`name\`. */
  invalidItem: '${m}.invalid-item',
} as const;
`,
    [`${dir}/contract/index.ts`]: `export { AddItem } from './add-item.command';
export { ${n.pascal}Errors } from './${m}.errors';
`,
    [`${dir}/domain/${m}.errors.ts`]: `import { DomainError } from '@seams/kernel/primitives';
import { ${n.pascal}Errors } from '../contract/${m}.errors';

export class InvalidItemError extends DomainError {
  readonly code = ${n.pascal}Errors.invalidItem;
  readonly kind = 'invalid';
}

export class ItemNotFoundError extends DomainError {
  readonly code = '${m}.item-not-found';
  readonly kind = 'not-found';

  constructor(itemId: string) {
    super(\`No item has id \${itemId}\`, { itemId });
  }
}
`,
    [`${dir}/domain/item.ts`]: `import { InvalidItemError } from './${m}.errors';

export interface ItemProps {
  readonly id: string;
  readonly name: string;
}

/** An item of ${m}; its id is its identity. (A sample: replace it with the module's own model.) */
export class Item {
  private constructor(private readonly props: ItemProps) {}

  static create(props: ItemProps): Item {
    const name = props.name.trim();
    if (name.length === 0 || name.length > 200) throw new InvalidItemError('name must have 1-200 characters', { name: props.name });
    return new Item({ ...props, name });
  }

  /** Rebuilds an item that was valid when stored. */
  static restore(props: ItemProps): Item {
    return new Item(props);
  }

  get id(): string {
    return this.props.id;
  }

  toJSON(): ItemProps {
    return { ...this.props };
  }
}
`,
    [`${dir}/domain/item.spec.ts`]: `import { InvalidItemError } from './${m}.errors';
import { Item } from './item';

describe('Item', () => {
  const id = '6f1c2d4e-8a9b-4c3d-9e8f-1a2b3c4d5e6f';

  it('keeps a valid item, with its name trimmed', () => {
    expect(Item.create({ id, name: '  First item ' }).toJSON()).toEqual({ id, name: 'First item' });
  });

  it.each([
    ['a blank name', '   '],
    ['a name over 200 characters', 'x'.repeat(201)],
  ])('rejects %s', (_, name) => {
    expect(() => Item.create({ id, name })).toThrow(InvalidItemError);
  });
});
`,
    [`${dir}/application/add-item/add-item.handler.ts`]: `import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AddItem } from '../../contract';
import { Item } from '../../domain/item';
import { ${token} } from '../../${m}.di-tokens';
import type { ${n.pascal}UnitOfWork } from '../ports/${m}.unit-of-work';

@CommandHandler(AddItem)
export class AddItemHandler implements ICommandHandler<AddItem, void> {
  constructor(@Inject(${token}) private readonly unitOfWork: ${n.pascal}UnitOfWork) {}

  execute({ itemId, name }: AddItem): Promise<void> {
    const item = Item.create({ id: itemId, name });
    // Publish events with publish(new SomethingHappened(...)): they go into the outbox in this transaction.
    return this.unitOfWork.run(({ items }) => items.addIfNew(item));
  }
}
`,
    [`${dir}/application/get-item/get-item.query.ts`]: `import { Query } from '@nestjs/cqrs';
import type { ItemProps } from '../../domain/item';

/** Internal to ${m}: one item for its HTTP route. */
export class GetItem extends Query<ItemProps> {
  constructor(readonly itemId: string) {
    super();
  }
}
`,
    [`${dir}/application/get-item/get-item.handler.ts`]: `import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { ItemProps } from '../../domain/item';
import type { ItemReads } from '../../domain/item.repository';
import { ItemNotFoundError } from '../../domain/${m}.errors';
import { ITEM_READS } from '../../${m}.di-tokens';
import { GetItem } from './get-item.query';

@QueryHandler(GetItem)
export class GetItemHandler implements IQueryHandler<GetItem, ItemProps> {
  constructor(@Inject(ITEM_READS) private readonly items: ItemReads) {}

  async execute({ itemId }: GetItem): Promise<ItemProps> {
    const item = await this.items.find(itemId);
    if (!item) throw new ItemNotFoundError(itemId);
    return item.toJSON();
  }
}
`,
    [`${dir}/http/item.dto.ts`]: `import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class AddItemDto {
  @ApiProperty({ example: 'First item', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name: string;
}

export class ItemDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'First item' })
  name: string;
}
`,
    [`${dir}/http/items.controller.ts`]: `import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, Authenticated, uuidParam } from '@seams/kernel/http';
import { GetItem } from '../application/get-item/get-item.query';
import { AddItem } from '../contract';
import { AddItemDto, ItemDto } from './item.dto';

@ApiTags('${m}')
// Every route needs a signed-in user; \`@Authenticated('admin')\` narrows one to a role (the shop's role names: src/host/roles.ts).
@Authenticated()
@Controller({ path: '${m}/items', version: '1' })
export class ItemsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Add an item' })
  @ApiCreatedResponse({ type: ItemDto })
  @ApiProblems(400)
  async add(@Body() body: AddItemDto): Promise<ItemDto> {
    const id = randomUUID();
    await this.commands.execute(new AddItem(id, body.name));
    return this.queries.execute(new GetItem(id));
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read an item' })
  @ApiOkResponse({ type: ItemDto })
  @ApiProblems(400, 404)
  get(@Param('id', uuidParam('id')) id: string): Promise<ItemDto> {
    return this.queries.execute(new GetItem(id));
  }
}
`,
    [`${dir}/${m}.module.ts`]: `import { Module } from '@nestjs/common';
import { PersistenceModule, provideRepository, provideUnitOfWork } from '@seams/kernel/persistence';
import { ${n.camel}Migrations } from '../../migrations/${m}';
import { AddItemHandler } from './application/add-item/add-item.handler';
import { GetItemHandler } from './application/get-item/get-item.handler';
${subscriberImports}import type { ${n.pascal}Repositories } from './application/ports/${m}.unit-of-work';
import { ItemsController } from './http/items.controller';
${subscribing ? "import { HandledEventEntity } from './infrastructure/handled-event.entity';\nimport { TypeOrmHandledEventRepository } from './infrastructure/handled-event.repository';\n" : ''}import { ItemEntity } from './infrastructure/item.entity';
import { TypeOrmItemRepository } from './infrastructure/item.repository';
import { ${token}, ITEM_READS } from './${m}.di-tokens';

const httpControllers = [ItemsController];
const commandHandlers = [AddItemHandler];
const queryHandlers = [GetItemHandler];
const eventHandlers${subscribing ? ` = [${subscriptions.map((s) => s.subscriberClass).join(', ')}]` : ': never[] = []'};
const repositories = [
  provideUnitOfWork<${n.pascal}Repositories>(${token}, (manager) => ({
    items: new TypeOrmItemRepository(manager),
${subscribing ? '    handledEvents: new TypeOrmHandledEventRepository(manager),\n' : ''}  })),
  provideRepository(ITEM_READS, (manager) => new TypeOrmItemRepository(manager)),
];

/** ${n.pascal}: ${subscribing ? `${served}; subscribes to ${subscriptions.map((s) => `\`${s.wire}\``).join(', ')}` : served}. */
@Module({
  imports: [
    PersistenceModule.forModule({ module: '${m}', entities: [ItemEntity${subscribing ? ', HandledEventEntity' : ''}], migrations: ${n.camel}Migrations }),
  ],
  controllers: httpControllers,
  providers: [...commandHandlers, ...queryHandlers, ...eventHandlers, ...repositories],
})
export class ${n.pascal}Module {}
`,
    [`${dir}/${m}.manifest.ts`]: `import { defineModule } from '@seams/kernel/seam';
${eventImports(subscriptions, '../')}import * as contract from './contract';

/**
 * What the host knows of ${m}. \`routes\`: the HTTP path prefixes its controllers serve (the
 * monolith forwards them to the ${m} host when ${m} runs elsewhere). List under \`subscribes\`
 * every event of another module it subscribes to, and under \`sends\` every command or query of
 * another module it sends (import them from that module's contract/): the topology check needs both.
 */
export const ${n.camel}Manifest = defineModule({
  name: '${m}',
  routes: ['/v1/${m}'],
  contract,
  subscribes: [${subscriptions.map((s) => s.eventClass).join(', ')}],
  sends: [],
  load: async () => (await import('./${m}.module.js')).${n.pascal}Module,
});
`,
    [`migrations/${m}/${timestamp}-create-items.ts`]: `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${migration} implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(\`
      CREATE TABLE ${n.sqlSchema}.items (
        id         uuid         PRIMARY KEY,
        name       varchar(200) NOT NULL,
        created_at timestamptz  NOT NULL DEFAULT now()
      )\`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE ${n.sqlSchema}.items');
  }
}
`,
    [`migrations/${m}/index.ts`]: `import { ${migration} } from './${timestamp}-create-items';
${subscribing ? `import { ${handledEvents.className} } from './${handledEvents.timestamp}-create-handled-events';\n` : ''}
/** ${n.pascal}'s migrations, oldest first; they touch the \`${m}\` schema only. */
export const ${n.camel}Migrations = [${migration}${subscribing ? `, ${handledEvents.className}` : ''}];
`,
    [`test/contracts/${m}.contract.spec.ts`]: `import { randomUUID } from 'node:crypto';
import { AddItem, ${n.pascal}Errors } from '../../modules/${m}/contract';
import { DomainError } from '@seams/kernel/primitives';
import { Seam } from '@seams/kernel/seam';
import { serviceSeam } from '@seams/kernel/testing';
import { type Cluster, startCluster } from '../support/cluster';

/** ${m}'s published messages behave the same in process and across TCP to a ${m} host process. */
describe.each([
  ['in process', []],
  ['across TCP to a ${m} host', ['${m}']],
])('${m} contract %s', (_, remote: string[]) => {
  let cluster: Cluster;
  let seam: Seam;
  const item = async (id: string) => (await cluster.http('${m}').get(\`/v1/${m}/items/\${id}\`).expect(200)).body;

  beforeAll(async () => {
    // The cluster gives every registered module (src/host/manifests.ts) its address.
    cluster = await startCluster({ remote });
    // As a service: work that acts for nobody is refused.
    seam = serviceSeam(cluster.monolith.get(Seam));
  });

  afterAll(() => cluster?.close());

  it('${m}.add-item.v1 adds the item', async () => {
    const id = randomUUID();
    await expect(seam.send(new AddItem(id, 'First item'))).resolves.toBeUndefined();
    expect(await item(id)).toEqual({ id, name: 'First item' });
  });

  it('${m}.add-item.v1 is idempotent per item', async () => {
    const id = randomUUID();
    await seam.send(new AddItem(id, 'Kept'));
    await seam.send(new AddItem(id, 'Ignored'));
    expect(await item(id)).toEqual({ id, name: 'Kept' });
  });

  it('${m}.add-item.v1 fails with a typed invalid-item error for a blank name', async () => {
    const failure = await seam.send(new AddItem(randomUUID(), '   ')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DomainError);
    expect(failure).toMatchObject({ code: ${n.pascal}Errors.invalidItem, kind: 'invalid' });
  });
});
`,
    ...persistenceFiles(n, subscribing),
    ...subscriberFiles(n, subscriptions, handledEvents),
  };
}

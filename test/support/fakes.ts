import { type DynamicModule, Inject, Module } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import * as catalogContract from '../../modules/catalog/contract';
import { type CatalogProduct, GetProducts } from '../../modules/catalog/contract';
import * as inventoryContract from '../../modules/inventory/contract';
import { InventoryErrors, ReleaseReservation, ReserveStock, ReserveStockV2 } from '../../modules/inventory/contract';
import { DomainError } from '@seams/kernel/primitives';
import { Fake, type FakeModule, fakeManifest } from '@seams/kernel/testing';

/**
 * In-memory stand-ins for the shop's modules, for tests that boot one module alone
 * (module-harness.ts), built on the kernel's `Fake` (@seams/kernel/testing): each serves the
 * real module's contract and validates every payload as a seam's receiving side would. The
 * contract suites in test/contracts/ run against each fake as well as against the real module,
 * so a fake that drifts from its module fails there.
 */
export type { FakeModule } from '@seams/kernel/testing';

// ---------------------------------------------------------------------------------------- catalog

/** Catalog's contract in memory: `catalog.get-products.v1` answers the products it was given. */
export class FakeCatalog extends Fake implements FakeModule {
  private readonly products = new Map<string, CatalogProduct>();
  readonly serves = [GetProducts];

  constructor() {
    super(fakeManifest('catalog', catalogContract));
  }

  get nestModule(): DynamicModule {
    return { module: FakeCatalogModule, providers: [{ provide: FakeCatalog, useValue: this }, FakeGetProductsHandler] };
  }

  addProduct(product: CatalogProduct): this {
    this.products.set(product.sku, { ...product });
    return this;
  }

  getProducts(query: GetProducts): CatalogProduct[] {
    const { skus } = this.accept(GetProducts, query);
    return [...new Set(skus)].flatMap((sku) => {
      const product = this.products.get(sku);
      return product ? [{ ...product }] : [];
    });
  }
}

@Module({})
class FakeCatalogModule {}

@QueryHandler(GetProducts)
class FakeGetProductsHandler implements IQueryHandler<GetProducts, readonly CatalogProduct[]> {
  constructor(@Inject(FakeCatalog) private readonly fake: FakeCatalog) {}

  async execute(query: GetProducts): Promise<readonly CatalogProduct[]> {
    return this.fake.getProducts(query);
  }
}

// -------------------------------------------------------------------------------------- inventory

export interface FakeStock {
  readonly sku: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
}

export interface FakeReservation {
  readonly lines: readonly { sku: string; quantity: number }[];
  readonly status: 'HELD' | 'RELEASED';
}

class FakeInsufficientStockError extends DomainError {
  readonly code = InventoryErrors.insufficientStock;
  readonly kind = 'conflict';
}

/**
 * Inventory's contract in memory: `inventory.reserve-stock.v1` holds every line or none
 * (duplicate skus merged; a sku with no stock has none available) and is idempotent per
 * order; `inventory.release-reservation.v1` gives held stock back, once.
 */
export class FakeInventory extends Fake implements FakeModule {
  private readonly items = new Map<string, { onHand: number; reserved: number }>();
  private readonly reservations = new Map<string, FakeReservation>();
  readonly serves = [ReserveStock, ReserveStockV2, ReleaseReservation];

  constructor() {
    super(fakeManifest('inventory', inventoryContract));
  }

  get nestModule(): DynamicModule {
    return {
      module: FakeInventoryModule,
      providers: [{ provide: FakeInventory, useValue: this }, FakeReserveStockHandler, FakeReserveStockV2Handler, FakeReleaseReservationHandler],
    };
  }

  /** Sets the units on hand of a sku (what `PUT /v1/inventory/stock/{sku}` does). */
  setStock(sku: string, onHand: number): this {
    const item = this.items.get(sku);
    if (item && onHand < item.reserved) throw new Error(`the fake holds ${item.reserved} units of ${sku}; onHand cannot go to ${onHand}`);
    this.items.set(sku, { onHand, reserved: item?.reserved ?? 0 });
    return this;
  }

  stock(sku: string): FakeStock | undefined {
    const item = this.items.get(sku);
    return item && { sku, onHand: item.onHand, reserved: item.reserved, available: item.onHand - item.reserved };
  }

  reservation(orderId: string): FakeReservation | undefined {
    return this.reservations.get(orderId);
  }

  reserve(command: ReserveStock | ReserveStockV2): void {
    const { orderId, lines } =
      command instanceof ReserveStockV2 ? (({ orderId, items }) => ({ orderId, lines: items }))(this.accept(ReserveStockV2, command)) : this.accept(ReserveStock, command);
    if (this.reservations.has(orderId)) return;
    const merged = new Map<string, number>();
    for (const line of lines) merged.set(line.sku, (merged.get(line.sku) ?? 0) + line.quantity);
    for (const [sku, quantity] of merged) {
      const available = this.stock(sku)?.available ?? 0;
      if (quantity > available) {
        throw new FakeInsufficientStockError(`Not enough stock of sku ${sku}: ${quantity} requested, ${available} available`, {
          sku,
          requested: quantity,
          available,
        });
      }
    }
    for (const [sku, quantity] of merged) {
      const item = this.items.get(sku)!;
      item.reserved += quantity;
    }
    this.reservations.set(orderId, { lines: [...merged].map(([sku, quantity]) => ({ sku, quantity })), status: 'HELD' });
  }

  release(command: ReleaseReservation): void {
    const { orderId } = this.accept(ReleaseReservation, command);
    const reservation = this.reservations.get(orderId);
    if (reservation?.status !== 'HELD') return;
    for (const { sku, quantity } of reservation.lines) {
      const item = this.items.get(sku);
      if (item) item.reserved = Math.max(0, item.reserved - quantity);
    }
    this.reservations.set(orderId, { ...reservation, status: 'RELEASED' });
  }
}

@Module({})
class FakeInventoryModule {}

@CommandHandler(ReserveStock)
class FakeReserveStockHandler implements ICommandHandler<ReserveStock, void> {
  constructor(@Inject(FakeInventory) private readonly fake: FakeInventory) {}

  async execute(command: ReserveStock): Promise<void> {
    this.fake.reserve(command);
  }
}

@CommandHandler(ReserveStockV2)
class FakeReserveStockV2Handler implements ICommandHandler<ReserveStockV2, void> {
  constructor(@Inject(FakeInventory) private readonly fake: FakeInventory) {}

  async execute(command: ReserveStockV2): Promise<void> {
    this.fake.reserve(command);
  }
}

@CommandHandler(ReleaseReservation)
class FakeReleaseReservationHandler implements ICommandHandler<ReleaseReservation, void> {
  constructor(@Inject(FakeInventory) private readonly fake: FakeInventory) {}

  async execute(command: ReleaseReservation): Promise<void> {
    this.fake.release(command);
  }
}

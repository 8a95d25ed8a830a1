import { ProductAnswersMapper } from '../../modules/catalog/application/product-answers.mapper';
import { ProductMapper } from '../../modules/catalog/infrastructure/product.mapper';
import type { ProductEntity } from '../../modules/catalog/infrastructure/product.entity';
import { toStockView } from '../../modules/inventory/application/stock-view.mapper';
import type { ReservationEntity } from '../../modules/inventory/infrastructure/reservation.entity';
import { ReservationMapper } from '../../modules/inventory/infrastructure/reservation.mapper';
import type { StockItemEntity } from '../../modules/inventory/infrastructure/stock-item.entity';
import { StockMapper } from '../../modules/inventory/infrastructure/stock.mapper';
import { OrderEventsMapper } from '../../modules/ordering/application/order-events.mapper';
import { OrderResponseMapper } from '../../modules/ordering/http/order.mapper';
import type { OrderEntity } from '../../modules/ordering/infrastructure/order.entity';
import { OrderMapper } from '../../modules/ordering/infrastructure/order.mapper';
import { PaymentAnswersMapper } from '../../modules/payments/application/payment-answers.mapper';
import type { PaymentEntity } from '../../modules/payments/infrastructure/payment.entity';
import { PaymentMapper } from '../../modules/payments/infrastructure/payment.mapper';

/**
 * A column added to an entity (here `internalNote`, on the row and on each jsonb line) must
 * reach no HTTP body, no contract answer and no published event until a mapper names it: rows
 * go through infrastructure's mappers into the domain or a view, and out through the
 * application's and http's mappers, each naming every field it passes on.
 */
const NEW_COLUMN = 'internalNote';
const withNewColumn = <T extends object>(row: T): T => ({ ...row, [NEW_COLUMN]: 'for staff eyes only' });

/** Every key anywhere in `value` (the JSON a client or subscriber would receive). */
function keysOf(value: unknown): string[] {
  const keys: string[] = [];
  JSON.parse(JSON.stringify(value), (key, inner: unknown) => {
    if (key) keys.push(key);
    return inner;
  });
  return keys;
}

describe('mappers keep new columns out of answers and events', () => {
  const createdAt = new Date('2026-01-02T03:04:05Z');
  const orderRow = withNewColumn({
    id: '5b0c1c4e-6f0a-4f4e-9d0a-0c8f2b1d9e11',
    customerId: 'customer-1',
    status: 'PENDING',
    totalMinor: 2100,
    currency: 'EUR',
    lines: [withNewColumn({ sku: 'TEA-1', quantity: 2, unitPriceMinor: 450 }), { sku: 'MUG-1', quantity: 1, unitPriceMinor: 1200 }],
    cancellationReason: null,
    createdAt,
    updatedAt: createdAt,
  } as OrderEntity);

  it('ordering: GET /v1 and /v2 bodies are the documented fields', () => {
    const view = OrderMapper.toView(orderRow);
    expect(Object.keys(OrderResponseMapper.v1(view)).sort()).toEqual(
      ['cancellationReason', 'createdAt', 'currency', 'customerId', 'id', 'lines', 'status', 'totalMinor', 'updatedAt'].sort(),
    );
    expect(keysOf(OrderResponseMapper.v1(view))).not.toContain(NEW_COLUMN);
    expect(keysOf(OrderResponseMapper.v2(view))).not.toContain(NEW_COLUMN);
    expect(OrderResponseMapper.v2(view)).toMatchObject({ itemCount: 3, lines: [{ lineTotalMinor: 900 }, { lineTotalMinor: 1200 }] });
  });

  it('ordering: an order restored from a row carries only its own fields, into its events and its answer', () => {
    const order = OrderMapper.toDomain(orderRow);
    expect(keysOf(order.toJSON())).not.toContain(NEW_COLUMN);
    expect(keysOf(order.toJSON())).not.toContain('createdAt');
    expect(keysOf(OrderEventsMapper.placed(order))).not.toContain(NEW_COLUMN);
    expect({ ...OrderEventsMapper.placed(order) }).toEqual({
      orderId: orderRow.id,
      customerId: 'customer-1',
      totalMinor: 2100,
      currency: 'EUR',
      lines: [
        { sku: 'TEA-1', quantity: 2, unitPriceMinor: 450 },
        { sku: 'MUG-1', quantity: 1, unitPriceMinor: 1200 },
      ],
    });
    expect(order.cancel('payment declined: no')).toBe(true);
    expect({ ...OrderEventsMapper.cancelled(order) }).toEqual({ orderId: orderRow.id, reason: 'payment declined: no' });
    expect(Object.keys(OrderMapper.toPersistence(order))).not.toContain(NEW_COLUMN);
  });

  it('catalog: the contract answer (catalog.get-products) and the HTTP body are the documented fields', () => {
    const product = ProductMapper.toDomain(withNewColumn({ sku: 'TEA-1', name: 'Tea', priceMinor: 450, currency: 'EUR', createdAt } as ProductEntity));
    expect(ProductAnswersMapper.catalogProduct(product)).toEqual({ sku: 'TEA-1', name: 'Tea', priceMinor: 450, currency: 'EUR' });
    expect(ProductAnswersMapper.props(product)).toEqual({ sku: 'TEA-1', name: 'Tea', priceMinor: 450, currency: 'EUR' });
  });

  it('inventory: stock and reservations', () => {
    const item = StockMapper.toDomain(withNewColumn({ sku: 'TEA-1', onHand: 5, reserved: 2, updatedAt: createdAt } as StockItemEntity));
    expect(toStockView(item)).toEqual({ sku: 'TEA-1', onHand: 5, reserved: 2, available: 3 });
    const reservation = ReservationMapper.toDomain(
      withNewColumn({ orderId: orderRow.id, lines: [withNewColumn({ sku: 'TEA-1', quantity: 2 })], status: 'HELD', owner: 'c', createdAt, updatedAt: createdAt } as ReservationEntity),
    );
    expect(reservation.toJSON()).toEqual({ orderId: orderRow.id, lines: [{ sku: 'TEA-1', quantity: 2 }], status: 'HELD' });
  });

  it('payments: the listed payments and the published outcome', () => {
    const payment = PaymentMapper.toDomain(
      withNewColumn({ id: orderRow.id, orderId: orderRow.id, amountMinor: 900, currency: 'EUR', status: 'DECLINED', declineReason: 'no', createdAt } as PaymentEntity),
    );
    expect(PaymentAnswersMapper.props(payment)).toEqual({
      id: orderRow.id,
      orderId: orderRow.id,
      amountMinor: 900,
      currency: 'EUR',
      status: 'DECLINED',
      declineReason: 'no',
    });
    expect(keysOf(PaymentAnswersMapper.outcome(payment))).not.toContain(NEW_COLUMN);
    expect(keysOf(PaymentAnswersMapper.outcome(payment))).not.toContain('createdAt');
  });
});

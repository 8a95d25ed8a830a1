export { OrderPlaced } from './order-placed.event';
export type { PlacedOrderLine } from './order-placed.event';
export { OrderConfirmed } from './order-confirmed.event';
export { OrderCancelled, ORDER_CANCELLED_REASON_MAX_LENGTH } from './order-cancelled.event';

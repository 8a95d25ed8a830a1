export { OrderPlaced } from './order-placed.event';
export type { PlacedOrderLine } from './order-placed.event';
export { OrderConfirmed } from './order-confirmed.event';
export { OrderCancelled } from './order-cancelled.event';

/** `OrderingUnitOfWork` (application/ports/ordering.unit-of-work.ts): repositories bound to one transaction. */
export const ORDERING_UNIT_OF_WORK = Symbol('ORDERING_UNIT_OF_WORK');
/** `PlacementRepository` (application/ports/placement.repository.ts) on the pool, for `begin`. */
export const PLACEMENT_REPOSITORY = Symbol('PLACEMENT_REPOSITORY');
/** `OrderReads` (application/ports/order-reads.ts). */
export const ORDER_READS = Symbol('ORDER_READS');

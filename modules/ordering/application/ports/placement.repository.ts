/**
 * Orders being placed: a placement is recorded before stock is reserved in inventory and ends
 * when the order is stored or its reservation released (see place-order.handler.ts and
 * placement-recovery.ts).
 */
export interface PlacementRepository {
  /** Records the intent before any stock is reserved; committed at once (outside a unit of work). */
  begin(orderId: string): Promise<void>;
  /** Ends the placement in the unit of work; false if recovery took it over meanwhile. */
  finish(orderId: string): Promise<boolean>;
  /** Placements older than `staleMs`, locked (skipping those another instance holds) for the unit of work. */
  lockStale(staleMs: number, limit: number): Promise<string[]>;
}

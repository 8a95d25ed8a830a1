import type { ScopeOf, UnitOfWork } from '@seams/kernel/persistence';
import type { OrderRepository } from '../../domain/order.repository';
import type { PlacementRepository } from './placement.repository';

/** Ordering's repositories, bound to one transaction. */
export interface OrderingRepositories {
  readonly orders: OrderRepository;
  readonly placements: Pick<PlacementRepository, 'finish' | 'lockStale'>;
}

/** Ordering's unit of work (bound to `ORDERING_UNIT_OF_WORK`). */
export type OrderingUnitOfWork = UnitOfWork<OrderingRepositories>;
export type OrderingScope = ScopeOf<OrderingUnitOfWork>;

import { CreateOrders1732464000000 } from './1732464000000-create-orders';
import { CreatePlacements1732550000000 } from './1732550000000-create-placements';
import { WidenCancellationReason1732800000000 } from './1732800000000-widen-cancellation-reason';

/** Ordering's migrations, oldest first; they touch the `ordering` schema only. */
export const orderingMigrations = [CreateOrders1732464000000, CreatePlacements1732550000000, WidenCancellationReason1732800000000];

import { CreateStock1732464000000 } from './1732464000000-create-stock';
import { ReservationOwner1732700000000 } from './1732700000000-reservation-owner';

/** Inventory's migrations, oldest first; they touch the `inventory` schema only. */
export const inventoryMigrations = [CreateStock1732464000000, ReservationOwner1732700000000];

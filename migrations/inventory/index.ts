import { CreateStock1732464000000 } from './1732464000000-create-stock';

/** Inventory's migrations, oldest first; they touch the `inventory` schema only. */
export const inventoryMigrations = [CreateStock1732464000000];

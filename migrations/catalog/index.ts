import { CreateProducts1732464000000 } from './1732464000000-create-products';

/** Catalog's migrations, oldest first; they touch the `catalog` schema only. */
export const catalogMigrations = [CreateProducts1732464000000];

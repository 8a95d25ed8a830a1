import { Injectable } from '@nestjs/common';
import type { ModuleDatabase } from './module-database';

/** Every module database opened in this process, for health checks. */
@Injectable()
export class DatabaseRegistry {
  private readonly databases = new Map<string, ModuleDatabase>();

  add(database: ModuleDatabase): void {
    this.databases.set(database.module, database);
  }

  all(): readonly ModuleDatabase[] {
    return [...this.databases.values()];
  }
}

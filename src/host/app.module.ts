import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CatalogModule } from '../../modules/catalog/catalog.module';
import { InventoryModule } from '../../modules/inventory/inventory.module';
import { OrderingModule } from '../../modules/ordering/ordering.module';
import { PaymentsModule } from '../../modules/payments/payments.module';
import { DatabaseModule, type DatabaseSettings } from '../kernel/persistence';
import { SeamModule } from '../kernel/seam';
import { HealthController } from './health.controller';

/** Every bounded module of the shop. The host is the only code that knows this list. */
export const MODULES = [CatalogModule, InventoryModule, OrderingModule, PaymentsModule];

export interface HostOptions {
  readonly database: DatabaseSettings;
}

/** The composition root: the kernel, plus the modules this process runs. */
@Module({})
export class AppModule {
  static forRoot(options: HostOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [SeamModule, DatabaseModule.forRoot(options.database), TerminusModule, ...MODULES],
      controllers: [HealthController],
    };
  }
}

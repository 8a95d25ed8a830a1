import { Module } from '@nestjs/common';
import { PersistenceModule } from '../../src/kernel/persistence';
import { catalogMigrations } from '../../migrations/catalog';
import { GetProductHandler } from './application/get-product/get-product.handler';
import { GetProductsHandler } from './application/get-products/get-products.handler';
import { RegisterProductHandler } from './application/register-product/register-product.handler';
import { ProductsController } from './http/products.controller';
import { ProductEntity } from './infrastructure/product.entity';
import { ProductRepository } from './infrastructure/product.repository';

const httpControllers = [ProductsController];
const commandHandlers = [RegisterProductHandler];
const queryHandlers = [GetProductHandler, GetProductsHandler];
const eventHandlers: never[] = [];
const repositories = [ProductRepository];

/** Catalog: products, their names and prices. Publishes `catalog.get-products.v1`. */
@Module({
  imports: [
    PersistenceModule.forModule({ module: 'catalog', entities: [ProductEntity], migrations: catalogMigrations }),
  ],
  controllers: httpControllers,
  providers: [...commandHandlers, ...queryHandlers, ...eventHandlers, ...repositories],
})
export class CatalogModule {}

import { Module } from '@nestjs/common';
import { PersistenceModule, provideRepository } from '@seams/kernel/persistence';
import { catalogMigrations } from '../../migrations/catalog';
import { GetProductHandler } from './application/get-product/get-product.handler';
import { GetProductsHandler } from './application/get-products/get-products.handler';
import { GetProductsV2Handler } from './application/get-products/get-products-v2.handler';
import { ListProductsHandler } from './application/list-products/list-products.handler';
import { RegisterProductHandler } from './application/register-product/register-product.handler';
import { ProductsController } from './http/products.controller';
import { ProductEntity } from './infrastructure/product.entity';
import { TypeOrmProductRepository } from './infrastructure/product.repository';
import { PRODUCT_REPOSITORY } from './catalog.di-tokens';

const httpControllers = [ProductsController];
const commandHandlers = [RegisterProductHandler];
const queryHandlers = [GetProductHandler, GetProductsHandler, GetProductsV2Handler, ListProductsHandler];
const eventHandlers: never[] = [];
const repositories = [provideRepository(PRODUCT_REPOSITORY, (manager) => new TypeOrmProductRepository(manager))];

/** Catalog: products, their names and prices. Serves `catalog.get-products.v1` and `.v2` side by side. */
@Module({
  imports: [
    PersistenceModule.forModule({ module: 'catalog', entities: [ProductEntity], migrations: catalogMigrations }),
  ],
  controllers: httpControllers,
  providers: [...commandHandlers, ...queryHandlers, ...eventHandlers, ...repositories],
})
export class CatalogModule {}

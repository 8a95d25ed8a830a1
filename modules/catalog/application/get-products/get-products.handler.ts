import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type CatalogProduct, GetProducts } from '../../contract';
import { PRODUCT_REPOSITORY } from '../../catalog.di-tokens';
import type { ProductRepository } from '../../domain/product.repository';
import { ProductAnswersMapper } from '../product-answers.mapper';

@QueryHandler(GetProducts)
export class GetProductsHandler implements IQueryHandler<GetProducts, readonly CatalogProduct[]> {
  constructor(@Inject(PRODUCT_REPOSITORY) private readonly products: ProductRepository) {}

  async execute({ skus }: GetProducts): Promise<readonly CatalogProduct[]> {
    const found = await this.products.findBySkus(skus);
    return found.map(ProductAnswersMapper.catalogProduct);
  }
}

import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type CatalogLookup, GetProductsV2 } from '../../contract';
import { PRODUCT_REPOSITORY } from '../../catalog.di-tokens';
import type { ProductRepository } from '../../domain/product.repository';
import { ProductAnswersMapper } from '../product-answers.mapper';

@QueryHandler(GetProductsV2)
export class GetProductsV2Handler implements IQueryHandler<GetProductsV2, CatalogLookup> {
  constructor(@Inject(PRODUCT_REPOSITORY) private readonly products: ProductRepository) {}

  async execute({ skus }: GetProductsV2): Promise<CatalogLookup> {
    const found = (await this.products.findBySkus(skus)).map(ProductAnswersMapper.catalogProduct);
    const known = new Set(found.map((product) => product.sku));
    return { products: found, unknownSkus: skus.filter((sku) => !known.has(sku)) };
  }
}

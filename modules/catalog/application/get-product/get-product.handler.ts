import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ProductNotFoundError } from '../../domain/catalog.errors';
import type { ProductProps } from '../../domain/product';
import { PRODUCT_REPOSITORY } from '../../catalog.di-tokens';
import type { ProductRepository } from '../../domain/product.repository';
import { ProductAnswersMapper } from '../product-answers.mapper';
import { GetProduct } from './get-product.query';

@QueryHandler(GetProduct)
export class GetProductHandler implements IQueryHandler<GetProduct, ProductProps> {
  constructor(@Inject(PRODUCT_REPOSITORY) private readonly products: ProductRepository) {}

  async execute({ sku }: GetProduct): Promise<ProductProps> {
    const product = await this.products.findBySku(sku);
    if (!product) throw new ProductNotFoundError(sku);
    return ProductAnswersMapper.props(product);
  }
}

import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { PRODUCT_REPOSITORY } from '../../catalog.di-tokens';
import type { ProductRepository } from '../../domain/product.repository';
import { ProductAnswersMapper } from '../product-answers.mapper';
import { ListProducts, type ProductPage } from './list-products.query';

@QueryHandler(ListProducts)
export class ListProductsHandler implements IQueryHandler<ListProducts, ProductPage> {
  constructor(@Inject(PRODUCT_REPOSITORY) private readonly products: ProductRepository) {}

  async execute({ limit, after }: ListProducts): Promise<ProductPage> {
    // One more than asked tells whether another page follows, without a count.
    const found = await this.products.listAfter(after, limit + 1);
    return { items: found.slice(0, limit).map(ProductAnswersMapper.props), more: found.length > limit };
  }
}

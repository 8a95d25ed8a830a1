import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ProductNotFoundError } from '../../domain/catalog.errors';
import type { ProductProps } from '../../domain/product';
import { ProductRepository } from '../../infrastructure/product.repository';
import { GetProduct } from './get-product.query';

@QueryHandler(GetProduct)
export class GetProductHandler implements IQueryHandler<GetProduct, ProductProps> {
  constructor(private readonly products: ProductRepository) {}

  async execute({ sku }: GetProduct): Promise<ProductProps> {
    const product = await this.products.findBySku(sku);
    if (!product) throw new ProductNotFoundError(sku);
    return product.toJSON();
  }
}

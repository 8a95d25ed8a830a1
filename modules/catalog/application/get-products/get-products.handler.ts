import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type CatalogProduct, GetProducts } from '../../contract';
import { ProductRepository } from '../../infrastructure/product.repository';

@QueryHandler(GetProducts)
export class GetProductsHandler implements IQueryHandler<GetProducts, readonly CatalogProduct[]> {
  constructor(private readonly products: ProductRepository) {}

  async execute({ skus }: GetProducts): Promise<readonly CatalogProduct[]> {
    const found = await this.products.findBySkus(skus);
    return found.map((product) => product.toJSON());
  }
}

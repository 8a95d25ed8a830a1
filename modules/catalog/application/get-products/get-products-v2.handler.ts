import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type CatalogLookup, GetProductsV2 } from '../../contract';
import { ProductRepository } from '../../infrastructure/product.repository';

@QueryHandler(GetProductsV2)
export class GetProductsV2Handler implements IQueryHandler<GetProductsV2, CatalogLookup> {
  constructor(private readonly products: ProductRepository) {}

  async execute({ skus }: GetProductsV2): Promise<CatalogLookup> {
    const found = (await this.products.findBySkus(skus)).map((product) => product.toJSON());
    const known = new Set(found.map((product) => product.sku));
    return { products: found, unknownSkus: skus.filter((sku) => !known.has(sku)) };
  }
}

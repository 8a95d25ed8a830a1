import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Product, type ProductProps } from '../../domain/product';
import { PRODUCT_REPOSITORY } from '../../catalog.di-tokens';
import type { ProductRepository } from '../../domain/product.repository';
import { ProductAnswersMapper } from '../product-answers.mapper';
import { RegisterProduct } from './register-product.command';

@CommandHandler(RegisterProduct)
export class RegisterProductHandler implements ICommandHandler<RegisterProduct, ProductProps> {
  constructor(@Inject(PRODUCT_REPOSITORY) private readonly products: ProductRepository) {}

  async execute({ product }: RegisterProduct): Promise<ProductProps> {
    const created = Product.create(product);
    await this.products.add(created);
    return ProductAnswersMapper.props(created);
  }
}

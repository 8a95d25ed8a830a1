import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Product, type ProductProps } from '../../domain/product';
import { ProductRepository } from '../../infrastructure/product.repository';
import { RegisterProduct } from './register-product.command';

@CommandHandler(RegisterProduct)
export class RegisterProductHandler implements ICommandHandler<RegisterProduct, ProductProps> {
  constructor(private readonly products: ProductRepository) {}

  async execute({ product }: RegisterProduct): Promise<ProductProps> {
    const created = Product.create(product);
    await this.products.add(created);
    return created.toJSON();
  }
}

import { Command } from '@nestjs/cqrs';
import type { ProductProps } from '../../domain/product';

/** Internal to catalog: only its own HTTP route sends it. */
export class RegisterProduct extends Command<ProductProps> {
  constructor(readonly product: ProductProps) {
    super();
  }
}

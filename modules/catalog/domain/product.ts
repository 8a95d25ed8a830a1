import { CURRENCY_PATTERN, CURRENCY_RULE, MAX_PRICE_MINOR, SKU_PATTERN, SKU_RULE } from '../contract';
import { InvalidProductError } from './catalog.errors';

export { CURRENCY_PATTERN, MAX_PRICE_MINOR, SKU_PATTERN };

export interface ProductProps {
  readonly sku: string;
  readonly name: string;
  readonly priceMinor: number;
  readonly currency: string;
}

/** A product of the catalog: its sku is its identity; prices are whole minor units. */
export class Product {
  private constructor(private readonly props: ProductProps) {}

  static create(props: ProductProps): Product {
    if (!SKU_PATTERN.test(props.sku)) {
      throw new InvalidProductError(`sku "${props.sku}" ${SKU_RULE}`);
    }
    const name = props.name.trim();
    if (name.length === 0 || name.length > 200) {
      throw new InvalidProductError('name must have 1-200 characters');
    }
    if (!Number.isInteger(props.priceMinor) || props.priceMinor < 0 || props.priceMinor > MAX_PRICE_MINOR) {
      throw new InvalidProductError(`priceMinor must be a whole number from 0 to ${MAX_PRICE_MINOR}`);
    }
    if (!CURRENCY_PATTERN.test(props.currency)) {
      throw new InvalidProductError(`currency "${props.currency}" ${CURRENCY_RULE}`);
    }
    return new Product({ ...props, name });
  }

  /** Rebuilds a product that was valid when stored. */
  static restore(props: ProductProps): Product {
    return new Product(props);
  }

  get sku(): string {
    return this.props.sku;
  }

  toJSON(): ProductProps {
    return { ...this.props };
  }
}

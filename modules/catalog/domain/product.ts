import { InvalidProductError } from './catalog.errors';

export const SKU_PATTERN = /^[A-Z0-9][A-Z0-9-]{0,63}$/;
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;
/** Prices are stored as PostgreSQL `integer`. */
export const MAX_PRICE_MINOR = 2_147_483_647;

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
      throw new InvalidProductError(`sku "${props.sku}" must be 1-64 upper-case letters, digits or dashes`);
    }
    const name = props.name.trim();
    if (name.length === 0 || name.length > 200) {
      throw new InvalidProductError('name must have 1-200 characters');
    }
    if (!Number.isInteger(props.priceMinor) || props.priceMinor < 0 || props.priceMinor > MAX_PRICE_MINOR) {
      throw new InvalidProductError(`priceMinor must be a whole number from 0 to ${MAX_PRICE_MINOR}`);
    }
    if (!CURRENCY_PATTERN.test(props.currency)) {
      throw new InvalidProductError(`currency "${props.currency}" must be an ISO 4217 code such as EUR`);
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

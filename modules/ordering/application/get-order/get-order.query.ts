import { Query } from '@nestjs/cqrs';
import type { OrderView } from '../ports/order-reads';

/** Internal to ordering: one order for its HTTP route. */
export class GetOrder extends Query<OrderView> {
  constructor(readonly orderId: string) {
    super();
  }
}

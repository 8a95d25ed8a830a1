import { Query } from '@nestjs/cqrs';
import type { OrderRecord } from '../../infrastructure/order.repository';

/** Internal to ordering: one order for its HTTP route. */
export class GetOrder extends Query<OrderRecord> {
  constructor(readonly orderId: string) {
    super();
  }
}

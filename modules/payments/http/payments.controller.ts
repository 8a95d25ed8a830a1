import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, Authenticated } from '@seams/kernel/http';
import { type Infer, z } from '@seams/kernel/primitives';
import { PAYMENTS_ROLES } from '../payments.roles';
import { ListPayments } from '../application/list-payments/list-payments.query';
import { listPaymentsQuery, type PaymentBody, paymentBody } from './payment.dto';

@ApiTags('payments')
@Authenticated(PAYMENTS_ROLES.admin)
@Controller({ path: 'payments', version: '1' })
export class PaymentsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: "List an order's payment attempts (never more than one; admin)" })
  @ApiOkResponse({ description: 'The attempts, none while the order waits for payment', standardSchema: z.array(paymentBody).max(1) })
  @ApiProblems(400, 503)
  list(@Query({ schema: listPaymentsQuery }) query: Infer<typeof listPaymentsQuery>): Promise<readonly PaymentBody[]> {
    return this.queries.execute(new ListPayments(query.orderId));
  }
}

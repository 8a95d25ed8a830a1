import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, Authenticated } from '@seams/kernel/http';
import { PAYMENTS_ROLES } from '../payments.roles';
import { ListPayments } from '../application/list-payments/list-payments.query';
import { ListPaymentsQueryDto, PaymentDto } from './payment.dto';

@ApiTags('payments')
@Authenticated(PAYMENTS_ROLES.admin)
@Controller({ path: 'payments', version: '1' })
export class PaymentsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: "List an order's payment attempts (never more than one; admin)" })
  @ApiOkResponse({ type: [PaymentDto] })
  @ApiProblems(400)
  list(@Query() query: ListPaymentsQueryDto): Promise<PaymentDto[]> {
    return this.queries.execute(new ListPayments(query.orderId));
  }
}

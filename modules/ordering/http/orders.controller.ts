import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiProblems, Authenticated, uuidParam } from '../../../src/kernel/http';
import { currentPrincipal, ROLES, userHasRole } from '../../../src/kernel/security';
import { OrderNotFoundError } from '../domain/ordering.errors';
import { GetOrder } from '../application/get-order/get-order.query';
import { PlaceOrder } from '../application/place-order/place-order.command';
import { OrderDto, PlacedOrderDto, PlaceOrderDto } from './order.dto';

@ApiTags('ordering')
@Authenticated()
@Controller({ path: 'orders', version: '1' })
export class OrdersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Authenticated(ROLES.customer, ROLES.admin)
  @ApiOperation({
    summary: 'Place an order for the signed-in user',
    description:
      'Prices the lines from the catalog and reserves their stock; the order is PENDING until payment ' +
      'settles it (CONFIRMED or CANCELLED). The customer is the token\'s subject. 422: a sku the catalog does not know; ' +
      '409: not enough stock.',
  })
  @ApiCreatedResponse({ type: PlacedOrderDto })
  @ApiProblems(400, 409, 422)
  async place(@Body() body: PlaceOrderDto, @Res({ passthrough: true }) response: Response): Promise<PlacedOrderDto> {
    const order = await this.commands.execute(new PlaceOrder(subjectOf(), body.lines));
    response.location(`/v1/orders/${order.id}`);
    return { id: order.id, status: order.status, totalMinor: order.totalMinor, currency: order.currency };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read an order and its status (your own; an admin reads any)' })
  @ApiOkResponse({ type: OrderDto })
  @ApiProblems(400, 404)
  async get(@Param('id', uuidParam('id')) id: string): Promise<OrderDto> {
    const order: OrderDto = await this.queries.execute(new GetOrder(id));
    // Someone else's order is answered as if it did not exist: its id tells nothing.
    if (!userHasRole(currentPrincipal(), ROLES.admin) && order.customerId !== subjectOf()) throw new OrderNotFoundError(id);
    return order;
  }
}

/** The signed-in user's subject (the guard has verified the token before any handler runs). */
function subjectOf(): string {
  const principal = currentPrincipal();
  if (principal?.kind !== 'user') throw new Error('no signed-in user in the request context');
  return principal.subject;
}

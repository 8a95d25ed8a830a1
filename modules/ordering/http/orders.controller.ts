import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiProblems, Authenticated, uuidParam } from '@seams/kernel/http';
import type { Infer } from '@seams/kernel/primitives';
import { currentPrincipal, UnauthenticatedError, userHasRole } from '@seams/kernel/security';
import { ORDERING_ROLES } from '../ordering.roles';
import { OrderNotFoundError } from '../domain/ordering.errors';
import { GetOrder } from '../application/get-order/get-order.query';
import { PlaceOrder } from '../application/place-order/place-order.command';
import type { OrderView } from '../application/ports/order-reads';
import { type OrderBody, orderBody, type OrderV2Body, orderV2Body, type PlacedOrderBody, placedOrderBody, placeOrderBody } from './order.dto';
import { OrderResponseMapper } from './order.mapper';

/** When `GET /v1/orders/{id}` was deprecated, and when it goes away. */
export const V1_ORDER_DEPRECATED = new Date('2026-11-24T00:00:00Z');
export const V1_ORDER_SUNSET = new Date('2027-06-30T00:00:00Z');

@ApiTags('ordering')
@Authenticated()
@Controller({ path: 'orders', version: '1' })
export class OrdersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Authenticated(ORDERING_ROLES.customer, ORDERING_ROLES.admin)
  @ApiOperation({
    summary: 'Place an order for the signed-in user',
    description:
      'Prices the lines from the catalog and reserves their stock; the order is PENDING until payment ' +
      'settles it (CONFIRMED or CANCELLED). The customer is the token\'s subject. 422: a sku the catalog does not know; ' +
      '409: not enough stock. 503: the catalog or inventory cannot be reached (or a database is down); 504: they did not answer in time.',
  })
  @ApiCreatedResponse({
    description: 'The order, PENDING; `Location` names it',
    standardSchema: placedOrderBody,
    headers: { Location: { description: 'The order: /v1/orders/{id}', schema: { type: 'string' } } },
  })
  @ApiProblems(400, 409, 422, 503, 504)
  async place(@Body({ schema: placeOrderBody }) body: Infer<typeof placeOrderBody>, @Res({ passthrough: true }) response: Response): Promise<PlacedOrderBody> {
    const order = await this.commands.execute(new PlaceOrder(subjectOf(), body.lines));
    response.location(`/v1/orders/${order.id}`);
    return OrderResponseMapper.placed(order);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Read an order and its status (your own; an admin reads any). Deprecated: use GET /v2/orders/{id}',
    description: `Answers with \`Deprecation\`, \`Sunset\` (${V1_ORDER_SUNSET.toUTCString()}) and a \`Link\` to its successor.`,
    deprecated: true,
  })
  @ApiOkResponse({
    description: 'The order',
    standardSchema: orderBody,
    headers: {
      Deprecation: { description: 'RFC 9745: when this version was deprecated (`@` and a Unix time)', schema: { type: 'string' } },
      Sunset: { description: 'RFC 8594: when it goes away', schema: { type: 'string' } },
      Link: { description: 'Its successor, rel="successor-version"', schema: { type: 'string' } },
    },
  })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiProblems(400, 404, 503)
  async get(@Param('id', uuidParam('id')) id: string, @Res({ passthrough: true }) response: Response): Promise<OrderBody> {
    const order = OrderResponseMapper.v1(await readOwnOrder(this.queries, id));
    // RFC 9745 (Deprecation), RFC 8594 (Sunset): clients see the date and where to go.
    response.setHeader('Deprecation', `@${Math.floor(V1_ORDER_DEPRECATED.getTime() / 1000)}`);
    response.setHeader('Sunset', V1_ORDER_SUNSET.toUTCString());
    response.setHeader('Link', `</v2/orders/${id}>; rel="successor-version"`);
    return order;
  }
}

/** Version 2 of reading an order: what v1 says, plus each line's total and the item count. */
@ApiTags('ordering')
@Authenticated()
@Controller({ path: 'orders', version: '2' })
export class OrdersV2Controller {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id')
  @ApiOperation({ summary: 'Read an order (your own; an admin reads any), with line totals and the item count' })
  @ApiOkResponse({ description: 'The order', standardSchema: orderV2Body })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiProblems(400, 404, 503)
  async get(@Param('id', uuidParam('id')) id: string): Promise<OrderV2Body> {
    return OrderResponseMapper.v2(await readOwnOrder(this.queries, id));
  }
}

/** The order, if the signed-in user may see it; someone else's is answered as if it did not exist (its id tells nothing). */
async function readOwnOrder(queries: QueryBus, id: string): Promise<OrderView> {
  const order = await queries.execute(new GetOrder(id));
  if (!userHasRole(currentPrincipal(), ORDERING_ROLES.admin) && order.customerId !== subjectOf()) throw new OrderNotFoundError(id);
  return order;
}

/** The signed-in user's subject (the guard has verified the token before any handler runs). */
function subjectOf(): string {
  const principal = currentPrincipal();
  if (principal?.kind !== 'user') throw new UnauthenticatedError('Placing and reading orders needs a signed-in user');
  return principal.subject;
}

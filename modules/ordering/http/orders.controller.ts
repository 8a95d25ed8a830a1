import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiProblems, uuidParam } from '../../../src/kernel/http';
import { GetOrder } from '../application/get-order/get-order.query';
import { PlaceOrder } from '../application/place-order/place-order.command';
import { OrderDto, PlacedOrderDto, PlaceOrderDto } from './order.dto';

@ApiTags('ordering')
@Controller({ path: 'orders', version: '1' })
export class OrdersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Place an order',
    description:
      'Prices the lines from the catalog and reserves their stock; the order is PENDING until payment ' +
      'settles it (CONFIRMED or CANCELLED). 422: a sku the catalog does not know; 409: not enough stock.',
  })
  @ApiCreatedResponse({ type: PlacedOrderDto })
  @ApiProblems(400, 409, 422)
  async place(@Body() body: PlaceOrderDto, @Res({ passthrough: true }) response: Response): Promise<PlacedOrderDto> {
    const order = await this.commands.execute(new PlaceOrder(body.customerId, body.lines));
    response.location(`/v1/orders/${order.id}`);
    return { id: order.id, status: order.status, totalMinor: order.totalMinor, currency: order.currency };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read an order and its status' })
  @ApiOkResponse({ type: OrderDto })
  @ApiProblems(400, 404)
  get(@Param('id', uuidParam('id')) id: string): Promise<OrderDto> {
    return this.queries.execute(new GetOrder(id));
  }
}

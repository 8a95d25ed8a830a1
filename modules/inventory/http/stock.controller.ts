import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, Authenticated } from '@seams/kernel/http';
import type { Infer } from '@seams/kernel/primitives';
import { INVENTORY_ROLES } from '../inventory.roles';
import { GetStock } from '../application/get-stock/get-stock.query';
import { SetStock } from '../application/set-stock/set-stock.command';
import { setStockBody, skuParam, type StockBody, stockBody } from './stock.dto';

@ApiTags('inventory')
@Authenticated()
@Controller({ path: 'inventory/stock', version: '1' })
export class StockController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Put(':sku')
  @Authenticated(INVENTORY_ROLES.admin)
  @ApiOperation({
    summary: 'Set the units on hand of a sku (creates its stock record when new; admin)',
    description: '409: fewer units than are reserved for orders.',
  })
  @ApiOkResponse({ description: 'The stock after the change', standardSchema: stockBody })
  @ApiProblems(400, 409, 503)
  set(@Param('sku', { schema: skuParam }) sku: string, @Body({ schema: setStockBody }) body: Infer<typeof setStockBody>): Promise<StockBody> {
    return this.commands.execute(new SetStock(sku, body.onHand));
  }

  @Get(':sku')
  @ApiOperation({ summary: 'Read the stock of a sku' })
  @ApiOkResponse({ description: 'The stock', standardSchema: stockBody })
  @ApiProblems(400, 404, 503)
  get(@Param('sku', { schema: skuParam }) sku: string): Promise<StockBody> {
    return this.queries.execute(new GetStock(sku));
  }
}

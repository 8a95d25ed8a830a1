import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, Authenticated } from '@seams/kernel/http';
import { INVENTORY_ROLES } from '../inventory.roles';
import { GetStock } from '../application/get-stock/get-stock.query';
import { SetStock } from '../application/set-stock/set-stock.command';
import { SetStockDto, SkuParamDto, StockDto } from './stock.dto';

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
  @ApiOperation({ summary: 'Set the units on hand of a sku (creates its stock record when new; admin)' })
  @ApiOkResponse({ type: StockDto })
  @ApiProblems(400, 409)
  set(@Param() { sku }: SkuParamDto, @Body() body: SetStockDto): Promise<StockDto> {
    return this.commands.execute(new SetStock(sku, body.onHand));
  }

  @Get(':sku')
  @ApiOperation({ summary: 'Read the stock of a sku' })
  @ApiOkResponse({ type: StockDto })
  @ApiProblems(400, 404)
  get(@Param() { sku }: SkuParamDto): Promise<StockDto> {
    return this.queries.execute(new GetStock(sku));
  }
}

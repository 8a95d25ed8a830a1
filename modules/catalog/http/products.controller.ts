import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, Authenticated } from '@seams/kernel/http';
import { CATALOG_ROLES } from '../catalog.roles';
import { GetProduct } from '../application/get-product/get-product.query';
import { RegisterProduct } from '../application/register-product/register-product.command';
import { ProductDto, RegisterProductDto, SkuParamDto } from './product.dto';

@ApiTags('catalog')
@Authenticated()
@Controller({ path: 'catalog/products', version: '1' })
export class ProductsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Authenticated(CATALOG_ROLES.admin)
  @ApiOperation({ summary: 'Register a product (admin)' })
  @ApiCreatedResponse({ type: ProductDto })
  @ApiProblems(400, 409)
  register(@Body() body: RegisterProductDto): Promise<ProductDto> {
    return this.commands.execute(new RegisterProduct({ ...body }));
  }

  @Get(':sku')
  @ApiOperation({ summary: 'Read a product by sku' })
  @ApiOkResponse({ type: ProductDto })
  @ApiProblems(400, 404)
  get(@Param() { sku }: SkuParamDto): Promise<ProductDto> {
    return this.queries.execute(new GetProduct(sku));
  }
}

import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, Authenticated } from '@seams/kernel/http';
import type { Infer } from '@seams/kernel/primitives';
import { CATALOG_ROLES } from '../catalog.roles';
import { GetProduct } from '../application/get-product/get-product.query';
import { ListProducts } from '../application/list-products/list-products.query';
import { RegisterProduct } from '../application/register-product/register-product.command';
import { cursorOf, listProductsQuery, PAGE_LIMIT_MAX, type ProductBody, productBody, type ProductPageBody, productPageBody, registerProductBody, skuParam } from './product.dto';

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
  @ApiOperation({ summary: 'Register a product (admin)', description: '409: a product with this sku exists already.' })
  @ApiCreatedResponse({ description: 'The product as registered', standardSchema: productBody })
  @ApiProblems(400, 409, 503)
  register(@Body({ schema: registerProductBody }) body: Infer<typeof registerProductBody>): Promise<ProductBody> {
    return this.commands.execute(new RegisterProduct({ ...body }));
  }

  @Get()
  @ApiOperation({
    summary: 'List products, a page at a time, in sku order',
    description:
      `Keyset pagination: \`limit\` (1-${PAGE_LIMIT_MAX}) products after \`cursor\`, the \`nextCursor\` of the page before. ` +
      'Following `nextCursor` until it is null gives every product exactly once; a product registered meanwhile shows up ' +
      'if its sku sorts after the page being read.',
  })
  @ApiOkResponse({ description: 'One page', standardSchema: productPageBody })
  @ApiProblems(400, 503)
  async list(@Query({ schema: listProductsQuery }) query: Infer<typeof listProductsQuery>): Promise<ProductPageBody> {
    const page = await this.queries.execute(new ListProducts(query.limit, query.cursor));
    const last = page.items.at(-1);
    return { items: page.items, nextCursor: page.more && last ? cursorOf(last.sku) : null };
  }

  @Get(':sku')
  @ApiOperation({ summary: 'Read a product by sku' })
  @ApiOkResponse({ description: 'The product', standardSchema: productBody })
  @ApiProblems(400, 404, 503)
  get(@Param('sku', { schema: skuParam }) sku: string): Promise<ProductBody> {
    return this.queries.execute(new GetProduct(sku));
  }
}

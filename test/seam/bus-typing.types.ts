import { CommandBus, QueryBus } from '@nestjs/cqrs';
import '@seams/kernel/seam';
import { RegisterProduct } from '../../modules/catalog/application/register-product/register-product.command';
import { GetProducts } from '../../modules/catalog/contract';
/**
 * Type-level test (checked by `npm run typecheck`, never run): the kernel's Command/Query carry no
 * NestJS class, yet the @nestjs/cqrs buses still infer what a message answers.
 */
declare const commands: CommandBus;
declare const queries: QueryBus;
async function check() {
  const a: { sku: string } = await commands.execute(new RegisterProduct({ sku: 'A', name: 'n', priceMinor: 1, currency: 'EUR' }));
  const b: readonly { sku: string }[] = await queries.execute(new GetProducts([]));
  // @ts-expect-error the answer is not a number
  const c: number = await queries.execute(new GetProducts([]));
  return [a, b, c];
}
void check;

/**
 * A walk through the shop written against the typed client that openapi-typescript generates
 * from the live document (`./schema`, made by test/api/typed-client.spec.ts into a temp folder,
 * where this file is copied and compiled with `tsc --strict`). Every field read or sent here is
 * checked against the document: if the document lost one, this does not compile.
 */
import createClient from 'openapi-fetch';
import type { paths } from './schema';

async function main(): Promise<void> {
  const [baseUrl, adminToken, sku] = process.argv.slice(2);
  const client = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${adminToken}` } });

  const created = await client.POST('/v1/catalog/products', { body: { sku, name: 'Typed tea', priceMinor: 450, currency: 'EUR' } });
  if (!created.data) throw new Error(`register: ${created.response.status} ${JSON.stringify(created.error)}`);
  const price: number = created.data.priceMinor;

  const stock = await client.PUT('/v1/inventory/stock/{sku}', { params: { path: { sku } }, body: { onHand: 5 } });
  if (!stock.data) throw new Error(`stock: ${stock.response.status} ${JSON.stringify(stock.error)}`);
  const available: number = stock.data.available;

  const placed = await client.POST('/v1/orders', { body: { lines: [{ sku, quantity: 2 }] } });
  if (!placed.data) throw new Error(`place: ${placed.response.status} ${JSON.stringify(placed.error)}`);
  const id: string = placed.data.id;

  const read = await client.GET('/v2/orders/{id}', { params: { path: { id } } });
  if (!read.data) throw new Error(`read: ${read.response.status} ${JSON.stringify(read.error)}`);
  const order = read.data;
  const status: 'PENDING' | 'CONFIRMED' | 'CANCELLED' = order.status;
  const lineTotals: number[] = order.lines.map((line) => line.lineTotalMinor);
  const reason: string | null = order.cancellationReason;

  const page = await client.GET('/v1/catalog/products', { params: { query: { limit: 1 } } });
  if (!page.data) throw new Error(`list: ${page.response.status} ${JSON.stringify(page.error)}`);
  const next: string | null = page.data.nextCursor;

  process.stdout.write(
    `${JSON.stringify({ price, available, id, status, lineTotals, itemCount: order.itemCount, totalMinor: order.totalMinor, reason, listed: page.data.items.length, next: next !== null })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

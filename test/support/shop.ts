// @uses-modules catalog, inventory, ordering, payments
import type TestAgent from 'supertest/lib/agent';
import { customerBearer } from './auth';
import { eventually } from './test-app';

/**
 * Small helpers that drive the shop through its public HTTP API only. `http` is one agent for
 * every route, or a function giving the agent of the process that serves a module's routes.
 */
export function shop(agent: TestAgent | ((module: string) => TestAgent)) {
  const of = typeof agent === 'function' ? agent : () => agent;
  const catalog = () => of('catalog');
  const inventory = () => of('inventory');
  const ordering = () => of('ordering');
  const payments = () => of('payments');
  return {
    async product(sku: string, priceMinor: number, currency = 'EUR'): Promise<void> {
      await catalog().post('/v1/catalog/products').send({ sku, name: `Product ${sku}`, priceMinor, currency }).expect(201);
    },
    async stock(sku: string, onHand: number): Promise<void> {
      await inventory().put(`/v1/inventory/stock/${sku}`).send({ onHand }).expect(200);
    },
    async stockOf(sku: string): Promise<{ onHand: number; reserved: number; available: number }> {
      return (await inventory().get(`/v1/inventory/stock/${sku}`).expect(200)).body;
    },
    /** Places an order as the customer `customerId` (the subject of the token it sends). */
    order(lines: { sku: string; quantity: number }[], customerId = 'customer-1') {
      return ordering().post('/v1/orders').set('authorization', customerBearer(customerId)).send({ lines });
    },
    /** Reads an order as the admin (who may read any). */
    async orderOf(id: string): Promise<{ status: string; [key: string]: unknown }> {
      return (await ordering().get(`/v1/orders/${id}`).expect(200)).body;
    },
    /** Waits until the order has left PENDING, and returns it. */
    settled(id: string): Promise<{ status: string; [key: string]: unknown }> {
      return eventually(
        async () => (await ordering().get(`/v1/orders/${id}`).expect(200)).body,
        (order: { status: string }) => order.status !== 'PENDING',
      );
    },
    async paymentsOf(orderId: string): Promise<{ status: string; amountMinor: number }[]> {
      return (await payments().get('/v1/payments').query({ orderId }).expect(200)).body;
    },
  };
}

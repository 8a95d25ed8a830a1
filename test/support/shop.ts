import type TestAgent from 'supertest/lib/agent';
import { eventually } from './test-app';

/** Small helpers that drive the shop through its public HTTP API only. */
export function shop(http: TestAgent) {
  return {
    async product(sku: string, priceMinor: number, currency = 'EUR'): Promise<void> {
      await http.post('/v1/catalog/products').send({ sku, name: `Product ${sku}`, priceMinor, currency }).expect(201);
    },
    async stock(sku: string, onHand: number): Promise<void> {
      await http.put(`/v1/inventory/stock/${sku}`).send({ onHand }).expect(200);
    },
    async stockOf(sku: string): Promise<{ onHand: number; reserved: number; available: number }> {
      return (await http.get(`/v1/inventory/stock/${sku}`).expect(200)).body;
    },
    order(lines: { sku: string; quantity: number }[], customerId = 'customer-1') {
      return http.post('/v1/orders').send({ customerId, lines });
    },
    async orderOf(id: string): Promise<{ status: string; [key: string]: unknown }> {
      return (await http.get(`/v1/orders/${id}`).expect(200)).body;
    },
    /** Waits until the order has left PENDING, and returns it. */
    settled(id: string): Promise<{ status: string; [key: string]: unknown }> {
      return eventually(
        async () => (await http.get(`/v1/orders/${id}`).expect(200)).body,
        (order: { status: string }) => order.status !== 'PENDING',
      );
    },
    async paymentsOf(orderId: string): Promise<{ status: string; amountMinor: number }[]> {
      return (await http.get('/v1/payments').query({ orderId }).expect(200)).body;
    },
  };
}

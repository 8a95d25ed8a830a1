import { randomUUID } from 'node:crypto';
import { Verifier } from '@pact-foundation/pact';
import { DataSource } from 'typeorm';
import * as catalogContract from '../../modules/catalog/contract';
import * as inventoryContract from '../../modules/inventory/contract';
import { ReserveStock } from '../../modules/inventory/contract';
import { RequestContexts, Seam } from '@seams/kernel/seam';
import { kindOf, type MessageClass } from '@seams/kernel/primitives';
import { messageOf, replyOf, type SeamReplyContent, type SeamRequestContent } from '@seams/kernel/testing';
import { customerBearer, tokenFor } from '../support/auth';
import type { Cluster } from '../support/cluster';
import { eventually } from '../support/test-app';
import { readPact } from './pacts';

/**
 * Verifying the shop's pacts with Pact's own verifier, through the providers' real handlers and
 * database on a cluster (test/support/cluster.ts): whichever modules run in the monolith or in
 * hosts, of whichever build. The verifier's message proxy calls into the monolith's seam for a
 * command or query (so a remote provider answers over the seam), and makes an event by the
 * real flow (an order placed over HTTP), reading it from the provider's outbox. Provider states
 * set data up through the provider's own routes and commands (inventory's also clears its
 * reservations, in its own schema). Used by providers.spec.ts and by `npm run deploy:check`.
 */
export const CONTRACTS: Record<string, Readonly<Record<string, unknown>>> = { catalog: catalogContract, inventory: inventoryContract };
export const PROVIDERS = ['catalog', 'inventory', 'ordering', 'payments'] as const;
/** Payments declines orders over this (its own setting), so the states can make either outcome. */
export const DECLINE_ABOVE = 1000;

export type Change = (description: string, content: unknown) => unknown;

export interface Verification {
  readonly ok: boolean;
  /** The verifier's report: each failure names the pact's consumer and provider, and the interaction. */
  readonly report: string;
}

function userContext<T>(work: () => Promise<T>): Promise<T> {
  const token = tokenFor({ sub: 'pact-verifier', roles: ['customer'] });
  return RequestContexts.run({ correlationId: `pact-${randomUUID()}`, identity: `Bearer ${token}`, principal: { kind: 'user', subject: 'pact-verifier', roles: ['customer'] } }, work);
}

/** A provider verifier over one cluster: states, and the messages each interaction asks for. */
export class ProviderUnderTest {
  private rows!: DataSource;
  /** What the provider answered each command or query interaction, by description (the last verification's). */
  readonly replies = new Map<string, SeamReplyContent>();

  constructor(readonly cluster: Cluster) {}

  async open(): Promise<void> {
    this.rows = await new DataSource({ type: 'postgres', url: this.cluster.database.url }).initialize();
  }

  async close(): Promise<void> {
    await this.rows?.destroy();
  }

  /** Verifies `files` (pact files naming `provider`) against the cluster's `provider`. */
  async verify(provider: string, files: readonly string[], change?: Change): Promise<Verification> {
    const messageProviders: Record<string, (message: unknown) => Promise<unknown>> = {};
    for (const file of files) {
      for (const interaction of readPact(file).interactions) {
        messageProviders[interaction.description] =
          interaction.type === 'Synchronous/Messages'
            ? async (message) => {
                const reply = await this.answer(provider, (message as { content: SeamRequestContent }).content);
                this.replies.set(interaction.description, reply);
                return change ? change(interaction.description, reply) : reply;
              }
            : async () => {
                const event = await this.produce(interaction.metadata!.message!, interaction.description);
                return { __pactMessageMetadata: { message: interaction.metadata!.message }, message: change ? change(interaction.description, event) : event };
              };
      }
    }
    const result = await new Verifier({
      provider,
      providerBaseUrl: 'http://127.0.0.1',
      pactUrls: [...files],
      logLevel: 'error',
      stateHandlers: this.states(),
      messageProviders,
    } as never)
      .verifyProvider()
      .then(
        () => ({ ok: true, report: '' }),
        (error: unknown) => ({ ok: false, report: error instanceof Error ? error.message : String(error) }),
      );
    return result;
  }

  /** A command or query of `provider`, sent through the monolith's seam for a signed-in customer: its reply. */
  private answer(provider: string, request: SeamRequestContent): Promise<SeamReplyContent> {
    const message = messageOf(CONTRACTS[provider], request);
    const seam = this.cluster.monolith.get(Seam);
    const kind = kindOf(message.constructor as unknown as MessageClass);
    return userContext(() => replyOf(() => (kind === 'query' ? seam.ask(message as never) : seam.send(message as never))));
  }

  /** An event of ordering or payments, made by the real flow: an order placed over HTTP, then the event read from the provider's outbox. */
  private async produce(wire: string, description: string): Promise<unknown> {
    const quantity = /declined|cancelled/.test(description) ? 3 : 2; // 3 x 450 is over payments' limit
    const placed = await this.cluster
      .http('ordering')
      .post('/v1/orders')
      .set('authorization', customerBearer('pact-customer'))
      .send({ lines: [{ sku: 'TEA-1', quantity }] })
      .expect(201);
    const orderId = (placed.body as { id: string }).id;
    const module = wire.split('.')[0];
    const rows = await eventually(
      async () => (await this.rows.query(`SELECT payload FROM "${module}".seams_outbox WHERE name = $1 AND payload->>'orderId' = $2`, [wire, orderId])) as { payload: unknown }[],
      (found) => found.length > 0,
      30_000,
    );
    return rows[0].payload;
  }

  private states(): Record<string, (params?: unknown) => Promise<undefined>> {
    const stock = (onHand: number) => async () => {
      // Inventory's own schema: no reservation left from an earlier interaction.
      await this.rows.query('DELETE FROM inventory.reservations');
      await this.rows.query(`DELETE FROM inventory.stock_items WHERE sku = 'TEA-1'`);
      await this.cluster.http('inventory').put('/v1/inventory/stock/TEA-1').send({ onHand }).expect(200);
      return undefined;
    };
    const listed = async () => {
      const created = await this.cluster.http('catalog').post('/v1/catalog/products').send({ sku: 'TEA-1', name: 'Green tea', priceMinor: 450, currency: 'EUR' });
      if (![201, 409].includes(created.status)) throw new Error(`could not list TEA-1: ${created.status} ${JSON.stringify(created.body)}`);
      return undefined;
    };
    // An order can be placed: the product listed, stock on hand (through their own routes).
    const orderable = async () => {
      await listed();
      await this.cluster.http('inventory').put('/v1/inventory/stock/TEA-1').send({ onHand: 1_000_000 }).expect(200);
      return undefined;
    };
    return {
      'product TEA-1 is listed at 450 EUR': listed,
      'TEA-1 has 10 units on hand': stock(10),
      'TEA-1 has 1 unit on hand': stock(1),
      'an order holds 2 units of TEA-1': async (params) => {
        await stock(10)();
        const { orderId } = params as { orderId: string };
        await userContext(() => this.cluster.monolith.get(Seam).send(new ReserveStock(orderId, [{ sku: 'TEA-1', quantity: 2 }])));
        return undefined;
      },
      'an order of 2 x TEA-1 at 200 EUR can be placed': orderable,
      'an order of 900 EUR was placed': orderable,
      'an order of 900 EUR was placed, over the payments limit': orderable,
      'an order of 2 x TEA-1 was paid': orderable,
      'an order of 2 x TEA-1 had its payment declined': orderable,
    };
  }
}


import { Client } from 'pg';
import { MANIFESTS } from '../../src/host/manifests';
import { OrderConfirmed } from '../../modules/ordering/contract';
import { MessageRegistry } from '@seams/kernel/seam';
import { type Cluster, startCluster } from '../support/cluster';
import { shop } from '../support/shop';
import { eventually } from '../support/test-app';

/**
 * Every module that subscribes to `ordering.order-confirmed.v1` (read from the registry, so a
 * module made with `npm run module:new -- <name> --subscribe ordering.order-confirmed.v1` is
 * included without editing this file) gets every confirmed order exactly once: with all
 * modules in one process, and with each subscriber in its own host process over TCP.
 *
 * Per subscriber: one inbox record per confirmation, `seams_events_handled_total` equal to the
 * number of confirmed orders on the process that runs it, and, where it keeps one, one row per
 * order in its `handled_events` table (module:new's subscribers record there). Inventory also
 * commits each reservation once: the stock leaves the warehouse once per order.
 */
const WIRE = OrderConfirmed.wire;
const SUBSCRIBERS = new MessageRegistry(MANIFESTS).subscribersOf(WIRE);
const ORDERS = 3;

describe.each([
  ['all modules in one process', [] as string[]],
  ...SUBSCRIBERS.map((module) => [`${module} in its own process`, [module]] as [string, string[]]),
])(`every subscriber of ${WIRE} with %s`, (_, remote) => {
  let cluster: Cluster;
  let db: Client;

  beforeAll(async () => {
    cluster = await startCluster({ remote });
    db = new Client({ connectionString: cluster.database.url });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await cluster?.close();
  });

  const handledTotal = async (module: string): Promise<number> => {
    const text = (await cluster.http(module).get('/metrics').expect(200)).text;
    const line = text
      .split('\n')
      .find((each) => each.startsWith('seams_events_handled_total{') && each.includes(`module="${module}"`) && each.includes(`message="${WIRE}"`));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  };
  const handledEventsTable = async (module: string): Promise<boolean> =>
    (await db.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'handled_events'`, [module])).rowCount === 1;

  it('delivers every confirmed order to each subscribing module exactly once', async () => {
    expect(SUBSCRIBERS).toContain('inventory');
    const s = shop((module) => cluster.http(module));
    await s.product('SUB-1', 300);
    await s.stock('SUB-1', 10);
    const ids: string[] = [];
    for (let i = 0; i < ORDERS; i++) ids.push((await s.order([{ sku: 'SUB-1', quantity: 1 }]).expect(201)).body.id);
    for (const id of ids) expect((await s.settled(id)).status).toBe('CONFIRMED');

    // One confirmation per order left ordering's outbox.
    const { rows: events } = await db.query<{ id: string; orderId: string }>(
      `SELECT id, payload->>'orderId' AS "orderId" FROM ordering.seams_outbox WHERE name = $1 AND payload->>'orderId' = ANY($2)`,
      [WIRE, ids],
    );
    expect(events.map((event) => event.orderId).sort()).toEqual([...ids].sort());
    const eventIds = events.map((event) => event.id);

    for (const module of SUBSCRIBERS) {
      // Wait for the effect, then check it happened once.
      await eventually(() => handledTotal(module), (count) => count >= ORDERS, 20_000);
      const inbox = await db.query<{ event_id: string }>(`SELECT event_id FROM "${module}".seams_inbox WHERE event_id = ANY($1)`, [eventIds]);
      expect({ module, inbox: inbox.rows.map((row) => row.event_id).sort() }).toEqual({ module, inbox: [...eventIds].sort() });
      expect({ module, handled: await handledTotal(module) }).toEqual({ module, handled: ORDERS });
      if (await handledEventsTable(module)) {
        const { rows } = await eventually(
          () => db.query<{ orderId: string; count: number }>(
            `SELECT payload->>'orderId' AS "orderId", count(*)::int AS count FROM "${module}".handled_events
              WHERE name = $1 AND payload->>'orderId' = ANY($2) GROUP BY 1 ORDER BY 1`,
            [WIRE, ids],
          ),
          (result) => result.rows.length === ORDERS,
        );
        expect({ module, rows }).toEqual({ module, rows: [...ids].sort().map((orderId) => ({ orderId, count: 1 })) });
      }
    }

    // Inventory committed each reservation once: the units left the warehouse once per order.
    const stock = await eventually(() => s.stockOf('SUB-1'), (item) => item.reserved === 0);
    expect(stock).toEqual({ sku: 'SUB-1', onHand: 10 - ORDERS, reserved: 0, available: 10 - ORDERS });
  });
});

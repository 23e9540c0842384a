import type { Currency, OrderStatus, StarsFulfillmentData } from '@dropgate/contract';
import type { Db, Tx } from '../../platform/db/index.ts';
import { assert } from '../../platform/errors.ts';
import type { Minor } from '../../platform/money.ts';

export interface Order {
  id: number;
  shopId: number;
  merchantId: number;
  transactionId: string;
  offerId: number;
  productName: string;
  offerName: string;
  count: number;
  price: Minor;
  currency: Currency;
  usdPerUnit: string;
  amountUsd: Minor;
  sandbox: boolean;
  returnsKey: boolean;
  status: OrderStatus;
  message: string | null;
  deliveredKey: Buffer | null;
  customerEmail: string | null;
  gameUserId: string | null;
  gameServerId: string | null;
  refundRequestedAt: Date | null;
  refundRequestReason: string | null;
  supplierId: number | null;
  supplierProductId: string | null;
  supplierCost: Minor | null;
  supplierCostCurrency: Currency | null;
  supplierCostUsd: Minor | null;
  supplierTxnId: string | null;
  upstreamRef: string | null;
  reviewReason: string | null;
  protocol: Protocol;
  /** What was charged, in the offer's currency: the price, or the CodeGames partner price. */
  chargedPrice: Minor;
  /** Telegram Stars: how many, at which TON/USD rate, and what the delivery said (else null). */
  starsAmount: number | null;
  tonUsdRate: string | null;
  fulfillmentData: StarsFulfillmentData | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The merchant API an order came in by. */
export type Protocol = 'partner' | 'codegames';

export interface OrderEvent {
  id: number;
  fromStatus: OrderStatus | null;
  toStatus: OrderStatus;
  actor: string;
  reason: string | null;
  createdAt: Date;
}

const ORDER_COLUMNS = `id, shop_id AS "shopId", merchant_id AS "merchantId", transaction_id AS "transactionId",
  offer_id AS "offerId", product_name AS "productName", offer_name AS "offerName", count, price, currency,
  trim_scale(usd_per_unit)::text AS "usdPerUnit", amount_usd AS "amountUsd", sandbox, returns_key AS "returnsKey",
  status, message, delivered_key AS "deliveredKey", customer_email AS "customerEmail",
  game_user_id AS "gameUserId", game_server_id AS "gameServerId", refund_requested_at AS "refundRequestedAt",
  refund_request_reason AS "refundRequestReason", supplier_id AS "supplierId",
  supplier_product_id AS "supplierProductId", supplier_cost AS "supplierCost",
  supplier_cost_currency AS "supplierCostCurrency", supplier_cost_usd AS "supplierCostUsd",
  supplier_txn_id AS "supplierTxnId", upstream_ref AS "upstreamRef", review_reason AS "reviewReason",
  protocol, charged_price AS "chargedPrice", stars_amount AS "starsAmount",
  trim_scale(ton_usd_rate)::text AS "tonUsdRate", fulfillment_data AS "fulfillmentData", created_at AS "createdAt", updated_at AS "updatedAt"`;

export interface PlaceOrderInput {
  shopId: number;
  merchantId: number;
  offerId: number;
  price: Minor;
  transactionId: string;
  customerEmail: string | null;
  gameUserId: string | null;
  gameServerId: string | null;
  protocol: Protocol;
  /** Telegram Stars only: the hub's quote and the tolerance around it. */
  stars: StarsTerms | null;
}

/** A Telegram Stars order's terms: `quote` is null when no trustworthy TON/USD rate exists. */
export interface StarsTerms {
  amount: number;
  /** USD cents. */
  quote: Minor | null;
  /** USD cents the submitted price may differ from the quote. */
  tolerance: Minor;
  usdPerTon: string | null;
}

export type PlaceOutcome =
  | 'CREATED' | 'DUPLICATE' | 'OFFER_NOT_FOUND' | 'WRONG_PRICE' | 'QUOTE_UNAVAILABLE'
  | 'RATE_MISSING' | 'INSUFFICIENT_BALANCE';

export interface PlacedOrder {
  outcome: PlaceOutcome;
  orderId: number | null;
  status: OrderStatus | null;
  message: string | null;
  deliveredKey: Buffer | null;
  productName: string | null;
  offerName: string | null;
  count: number | null;
  price: Minor | null;
  currency: Currency | null;
  returnsKey: boolean | null;
  sandbox: boolean | null;
  createdAt: Date | null;
}

/** The statement create-order issues: exported so the benchmark's baseline runs exactly this SQL. */
export const PLACE_ORDER_SQL = `SELECT outcome, order_id AS "orderId", status, message, delivered_key AS "deliveredKey",
  product_name AS "productName", offer_name AS "offerName", count, price, currency,
  returns_key AS "returnsKey", sandbox, created_at AS "createdAt"
  FROM place_order($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`;

/**
 * The statement a batch of create-orders issues (see functions/place_orders.sql): place_order's 13
 * parameters as 13 arrays, element i of each for order i; one row per order, `ordinal` its
 * 1-based position. Exported next to PLACE_ORDER_SQL for the benchmark.
 */
export const PLACE_ORDERS_SQL = `SELECT ordinal, outcome, order_id AS "orderId", status, message, delivered_key AS "deliveredKey",
  product_name AS "productName", offer_name AS "offerName", count, price, currency,
  returns_key AS "returnsKey", sandbox, created_at AS "createdAt"
  FROM place_orders($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`;

/** place_order's parameters, in its order. */
function placeOrderValues(input: PlaceOrderInput): unknown[] {
  return [input.shopId, input.merchantId, input.offerId, input.price, input.transactionId,
    input.customerEmail, input.gameUserId, input.gameServerId, input.protocol,
    input.stars?.amount ?? null, input.stars?.quote ?? null, input.stars?.tolerance ?? null, input.stars?.usdPerTon ?? null];
}

export async function placeOrder(db: Db, input: PlaceOrderInput): Promise<PlacedOrder> {
  const { rows } = await db.query<PlacedOrder>({ name: 'orders.place', text: PLACE_ORDER_SQL, values: placeOrderValues(input) });
  return rows[0]!;
}

/** Several orders in one statement, each all-or-nothing on its own; the results in the inputs' order. */
export async function placeOrders(db: Db, inputs: readonly PlaceOrderInput[]): Promise<PlacedOrder[]> {
  const perOrder = inputs.map(placeOrderValues);
  // The transpose: one array per parameter, one element per order.
  const values = perOrder[0]!.map((_, parameter) => perOrder.map((order) => order[parameter]));
  const { rows } = await db.query<PlacedOrder & { ordinal: number }>({ name: 'orders.place-batch', text: PLACE_ORDERS_SQL, values });
  const byOrdinal = new Map(rows.map(({ ordinal, ...placed }) => [ordinal, placed]));
  return inputs.map((input, i) => {
    const placed = byOrdinal.get(i + 1);
    assert(placed !== undefined, `place_orders answered no row for order ${i + 1} (transactionId ${input.transactionId})`);
    return placed;
  });
}

export async function findOrder(db: Db, id: number): Promise<Order | undefined> {
  const { rows } = await db.query<Order>({ name: 'orders.by-id', text: `SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, values: [id] });
  return rows[0];
}

/** These orders, in one read, by id (an id that does not exist is absent). */
export async function findOrders(db: Db, ids: readonly number[]): Promise<Map<number, Order>> {
  const { rows } = await db.query<Order>({ name: 'orders.by-ids', text: `SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ANY($1::bigint[])`, values: [ids] });
  return new Map(rows.map((order) => [order.id, order]));
}

/** A shop's order by its transactionId. */
export interface TransactionRef {
  shopId: number;
  transactionId: string;
}

/** The orders of these shops' transactionIds, in one read, by the ref given (one not found is absent). */
export async function findShopOrdersByTransaction(db: Db, refs: readonly TransactionRef[]): Promise<Map<TransactionRef, Order>> {
  const { rows } = await db.query<Order>({
    name: 'orders.by-transactions',
    text: `SELECT ${ORDER_COLUMNS} FROM orders
            WHERE (shop_id, transaction_id) IN (SELECT * FROM unnest($1::bigint[], $2::text[]))`,
    values: [refs.map((r) => r.shopId), refs.map((r) => r.transactionId)],
  });
  const found = new Map(rows.map((order) => [`${order.shopId}:${order.transactionId}`, order]));
  return new Map(refs.flatMap((ref) => {
    const order = found.get(`${ref.shopId}:${ref.transactionId}`);
    return order ? [[ref, order] as const] : [];
  }));
}

export async function findOrderByTransaction(db: Db, shopId: number, transactionId: string): Promise<Order | undefined> {
  const { rows } = await db.query<Order>({
    name: 'orders.by-transaction',
    text: `SELECT ${ORDER_COLUMNS} FROM orders WHERE shop_id = $1 AND transaction_id = $2`,
    values: [shopId, transactionId],
  });
  return rows[0];
}

export async function findOrderIdByTransaction(db: Db, shopId: number, transactionId: string): Promise<number | undefined> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM orders WHERE shop_id = $1 AND transaction_id = $2', [shopId, transactionId]);
  return rows[0]?.id;
}

/** Moves the order from `from` to `to` if it is still in `from`; appends the event. */
export async function updateStatus(
  tx: Tx,
  change: { orderId: number; from: OrderStatus; to: OrderStatus; actor: string; reason: string | null; message?: string | null },
): Promise<Order | undefined> {
  const { rows } = await tx.query<Order>(
    `UPDATE orders SET status = $3, updated_at = now(), message = coalesce($4, message)
      WHERE id = $1 AND status = $2 RETURNING ${ORDER_COLUMNS}`,
    [change.orderId, change.from, change.to, change.message ?? null],
  );
  if (rows[0]) {
    await tx.query(
      'INSERT INTO order_events (order_id, from_status, to_status, actor, reason) VALUES ($1, $2, $3, $4, $5)',
      [change.orderId, change.from, change.to, change.actor, change.reason],
    );
  }
  return rows[0];
}

export async function markRefundRequested(db: Db, orderId: number, reason: string | null): Promise<Order | undefined> {
  const { rows } = await db.query<Order>(
    `UPDATE orders SET refund_requested_at = coalesce(refund_requested_at, now()),
            refund_request_reason = coalesce(refund_request_reason, $2), updated_at = now()
      WHERE id = $1 AND status = 'COMPLETED' RETURNING ${ORDER_COLUMNS}`,
    [orderId, reason],
  );
  return rows[0];
}

export async function listEvents(db: Db, orderId: number): Promise<OrderEvent[]> {
  const { rows } = await db.query<OrderEvent>(
    `SELECT id, from_status AS "fromStatus", to_status AS "toStatus", actor, reason, created_at AS "createdAt"
       FROM order_events WHERE order_id = $1 ORDER BY id`,
    [orderId],
  );
  return rows;
}

export interface SupplierAttempt {
  supplierId: number;
  supplierProductId: string;
  cost: Minor;
  costCurrency: Currency;
  supplierTxnId: string;
  upstreamRef: string | null;
}

/** Records which source is fulfilling a PROCESSING order (cost in USD at today's rate, for margin). */
export async function recordSupplierAttempt(tx: Tx, orderId: number, attempt: SupplierAttempt): Promise<void> {
  await tx.query(
    `UPDATE orders SET supplier_id = $2, supplier_product_id = $3, supplier_cost = $4::bigint, supplier_cost_currency = $5::text,
            supplier_cost_usd = (SELECT round($4::bigint * usd_per_unit)::bigint FROM fx_rates WHERE currency = $5::text),
            supplier_txn_id = $6, upstream_ref = coalesce($7, upstream_ref), updated_at = now()
      WHERE id = $1 AND status = 'PROCESSING'`,
    [orderId, attempt.supplierId, attempt.supplierProductId, attempt.cost, attempt.costCurrency, attempt.supplierTxnId, attempt.upstreamRef],
  );
}

/** The supplier's own id for the order, once it is known (used to poll its status). */
export async function recordUpstreamRef(tx: Tx, orderId: number, upstreamRef: string): Promise<void> {
  await tx.query('UPDATE orders SET upstream_ref = $2 WHERE id = $1', [orderId, upstreamRef]);
}

/** What a Telegram Stars delivery said, shown to the merchant as fulfillmentData. */
export async function setFulfillmentData(tx: Tx, orderId: number, data: StarsFulfillmentData): Promise<void> {
  await tx.query("UPDATE orders SET fulfillment_data = $2 WHERE id = $1 AND status = 'PROCESSING'", [orderId, JSON.stringify(data)]);
}

export async function setDeliveredKey(tx: Tx, orderId: number, sealedKey: Buffer): Promise<void> {
  await tx.query("UPDATE orders SET delivered_key = $2 WHERE id = $1 AND status = 'PROCESSING'", [orderId, sealedKey]);
}

/** Puts a PROCESSING order in front of the operator (or takes it back out, with null). */
export async function setReviewReason(tx: Tx, orderId: number, reason: string | null): Promise<void> {
  await tx.query("UPDATE orders SET review_reason = $2, updated_at = now() WHERE id = $1 AND status = 'PROCESSING'", [orderId, reason]);
}

export async function listInReview(db: Db, limit: number): Promise<Order[]> {
  const { rows } = await db.query<Order>(
    `SELECT ${ORDER_COLUMNS} FROM orders WHERE review_reason IS NOT NULL AND status = 'PROCESSING' ORDER BY id LIMIT $1`,
    [limit],
  );
  return rows;
}

export async function findOrdersByTransaction(db: Db, transactionId: string, limit: number): Promise<Order[]> {
  const { rows } = await db.query<Order>(
    `SELECT ${ORDER_COLUMNS} FROM orders WHERE transaction_id = $1 ORDER BY id LIMIT $2`,
    [transactionId, limit],
  );
  return rows;
}

// ---- lists for people (the console and the cabinet) ----

export interface OrderFilter {
  /** The cabinet always sets this: a merchant's lists never leave its own orders. */
  merchantId?: number | undefined;
  shopId?: number | undefined;
  offerId?: number | undefined;
  status?: OrderStatus | undefined;
  /** Waiting for the operator (manual review). */
  review?: boolean | undefined;
  /** The merchant's transactionId exactly (Partner API transactionId, CodeGames txn_id). */
  transactionId?: string | undefined;
  /** Any id at all: orderId, transactionId / txn_id, our id upstream, the supplier's id. */
  search?: string | undefined;
  /** Keyset cursor: only orders with a smaller id (the page after the one that ended there). */
  before?: number | undefined;
}

/**
 * One page of orders, newest first, by keyset (id below the cursor) so that page 1,000 costs what
 * page 1 does. Every filter has an index in id order (migration 0007); the search is an OR of
 * equalities on indexed columns (a BitmapOr). Returns up to `limit` orders and the next cursor.
 */
export async function listOrders(db: Db, filter: OrderFilter, limit: number): Promise<{ orders: Order[]; nextBefore: number | null }> {
  const where: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => `$${values.push(value)}`;
  if (filter.merchantId !== undefined) where.push(`merchant_id = ${param(filter.merchantId)}`);
  if (filter.shopId !== undefined) where.push(`shop_id = ${param(filter.shopId)}`);
  if (filter.offerId !== undefined) where.push(`offer_id = ${param(filter.offerId)}`);
  if (filter.status !== undefined) where.push(`status = ${param(filter.status)}`);
  if (filter.review) where.push(`review_reason IS NOT NULL AND status = 'PROCESSING'`);
  if (filter.transactionId !== undefined) where.push(`transaction_id = ${param(filter.transactionId)}`);
  if (filter.search !== undefined) {
    const text = param(filter.search);
    const byId = /^\d{1,15}$/.test(filter.search) ? `id = ${param(Number(filter.search))} OR ` : '';
    where.push(`(${byId}transaction_id = ${text} OR supplier_txn_id = ${text} OR upstream_ref = ${text})`);
  }
  if (filter.before !== undefined) where.push(`id < ${param(filter.before)}`);
  const { rows } = await db.query<Order>(
    `SELECT ${ORDER_COLUMNS} FROM orders ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY id DESC LIMIT ${param(limit + 1)}`,
    values,
  );
  const more = rows.length > limit;
  const orders = more ? rows.slice(0, limit) : rows;
  return { orders, nextBefore: more ? orders.at(-1)!.id : null };
}

export interface HourlyOrders {
  hour: Date;
  orders: number;
  completed: number;
  /** USD debited for orders that are COMPLETED now. */
  revenueUsd: Minor;
  /** Revenue less supplier cost, over completed orders whose supplier cost is known. */
  marginUsd: Minor;
}

/** Orders per hour over the last `hours` (the dashboard): one range scan of orders_by_created. */
export async function ordersPerHour(db: Db, hours: number): Promise<HourlyOrders[]> {
  const { rows } = await db.query<HourlyOrders>(
    `SELECT date_trunc('hour', created_at) AS hour, count(*)::bigint AS orders,
            count(*) FILTER (WHERE status = 'COMPLETED')::bigint AS completed,
            coalesce(sum(amount_usd) FILTER (WHERE status = 'COMPLETED'), 0)::bigint AS "revenueUsd",
            coalesce(sum(amount_usd - supplier_cost_usd) FILTER (WHERE status = 'COMPLETED' AND supplier_cost_usd IS NOT NULL), 0)::bigint AS "marginUsd"
       FROM orders WHERE created_at >= now() - make_interval(hours => $1)
      GROUP BY 1 ORDER BY 1`,
    [hours],
  );
  return rows;
}

export type MarginGrouping = 'supplier' | 'product' | 'day';

export interface MarginRow {
  key: string;
  orders: number;
  revenueUsd: Minor;
  costUsd: Minor;
  marginUsd: Minor;
}

const MARGIN_KEYS: Record<MarginGrouping, string> = {
  supplier: 'supplier_id::text',
  product: 'product_name',
  day: "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
};

/**
 * Revenue, supplier cost and margin (USD, at each order's own rates) of completed orders that a
 * supplier fulfilled, grouped; within [from, to) when given.
 */
export async function margins(db: Db, by: MarginGrouping, range: { from: Date | undefined; to: Date | undefined }): Promise<MarginRow[]> {
  const { rows } = await db.query<MarginRow>(
    `SELECT ${MARGIN_KEYS[by]} AS key, count(*)::bigint AS orders, sum(amount_usd)::bigint AS "revenueUsd",
            sum(supplier_cost_usd)::bigint AS "costUsd", sum(amount_usd - supplier_cost_usd)::bigint AS "marginUsd"
       FROM orders
      WHERE status = 'COMPLETED' AND supplier_cost_usd IS NOT NULL
        AND ($1::timestamptz IS NULL OR created_at >= $1) AND ($2::timestamptz IS NULL OR created_at < $2)
      GROUP BY 1 ORDER BY 1`,
    [range.from ?? null, range.to ?? null],
  );
  return rows;
}

/** Orders the operator should look at: waiting on a supplier, and in manual review. */
export async function waitingCounts(db: Db): Promise<{ waitingOnSuppliers: number; inReview: number }> {
  const { rows } = await db.query<{ waitingOnSuppliers: number; inReview: number }>(
    `SELECT count(*) FILTER (WHERE review_reason IS NULL)::bigint AS "waitingOnSuppliers",
            count(*) FILTER (WHERE review_reason IS NOT NULL)::bigint AS "inReview"
       FROM orders WHERE status = 'PROCESSING'`,
  );
  return rows[0]!;
}

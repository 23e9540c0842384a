-- place_orders: several orders accepted in ONE statement, so one round trip and one commit (one
-- WAL flush) for all of them. The hub's order batcher (src/modules/orders/batcher.ts) sends the
-- orders that arrived while its previous statement was in flight: a busy merchant's orders queue
-- on its account row through COMMIT, so one order per transaction caps that merchant at one commit
-- flush per order; a batch pays the flush once.
--
-- Each parameter is an array with one element per order, element i of every array being order i's
-- parameter of place_order (same names, pluralised). Each order is place_order() unchanged, called
-- in the order given, in a subtransaction of its own (BEGIN ... EXCEPTION), so each order is still
-- all-or-nothing on its own:
--   * DG402 (a concurrent order spent the balance between place_order's check and its debit) rolls
--     back that order alone: INSUFFICIENT_BALANCE;
--   * DG409 (a concurrent create with the same transactionId won the unique slot) rolls back that
--     order alone: DUPLICATE, naming the order that won (committed, so visible to this statement's
--     next query). A transactionId repeated inside one batch needs no exception: place_order's own
--     duplicate check sees the earlier order of the batch;
--   * any other error fails the whole statement, like a single place_order (the caller then
--     retries the orders one by one, or fails them all when the database is unavailable).
-- The hub sorts a batch by merchant id, so account rows (each taken last by its orders, held to
-- COMMIT) are locked in ascending order by every batch and two batches cannot deadlock on them.
--
-- One row per order, with its 1-based position in the arrays (ordinal) and place_order_result's
-- fields. The columns are spelled out rather than typed place_order_result: place_order.sql drops
-- and remakes that type, which a function returning it would forbid.
CREATE FUNCTION place_orders(
  p_shop_ids bigint[], p_merchant_ids bigint[], p_offer_ids bigint[], p_prices bigint[], p_transaction_ids text[],
  p_customer_emails text[], p_game_user_ids text[], p_game_server_ids text[], p_protocols text[],
  p_stars_amounts integer[], p_stars_quotes bigint[], p_stars_tolerances bigint[], p_ton_usd_rates numeric[]
) RETURNS TABLE (
  ordinal integer, outcome text, order_id bigint, status text, message text, delivered_key bytea, product_name text,
  offer_name text, count integer, price bigint, currency text, returns_key boolean, sandbox boolean, created_at timestamptz
) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  v_orders integer := coalesce(cardinality(p_shop_ids), 0);
BEGIN
  IF EXISTS (SELECT FROM unnest(ARRAY[cardinality(p_merchant_ids), cardinality(p_offer_ids), cardinality(p_prices),
      cardinality(p_transaction_ids), cardinality(p_customer_emails), cardinality(p_game_user_ids),
      cardinality(p_game_server_ids), cardinality(p_protocols), cardinality(p_stars_amounts), cardinality(p_stars_quotes),
      cardinality(p_stars_tolerances), cardinality(p_ton_usd_rates)]) AS n WHERE n IS DISTINCT FROM v_orders) THEN
    RAISE EXCEPTION 'place_orders: every array must have % elements, one per order', v_orders USING ERRCODE = '22023';
  END IF;

  FOR i IN 1 .. v_orders LOOP
    ordinal := i;
    BEGIN
      SELECT r.* INTO outcome, order_id, status, message, delivered_key, product_name, offer_name, count, price,
                      currency, returns_key, sandbox, created_at
        FROM place_order(p_shop_ids[i], p_merchant_ids[i], p_offer_ids[i], p_prices[i], p_transaction_ids[i],
                         p_customer_emails[i], p_game_user_ids[i], p_game_server_ids[i], p_protocols[i],
                         p_stars_amounts[i], p_stars_quotes[i], p_stars_tolerances[i], p_ton_usd_rates[i]) r;
    EXCEPTION
      WHEN SQLSTATE 'DG402' THEN
        SELECT 'INSUFFICIENT_BALANCE', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
          INTO outcome, order_id, status, message, delivered_key, product_name, offer_name, count, price,
               currency, returns_key, sandbox, created_at;
      WHEN SQLSTATE 'DG409' THEN
        SELECT 'DUPLICATE', o.id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
          INTO outcome, order_id, status, message, delivered_key, product_name, offer_name, count, price,
               currency, returns_key, sandbox, created_at
          FROM orders o WHERE o.shop_id = p_shop_ids[i] AND o.transaction_id = p_transaction_ids[i];
    END;
    RETURN NEXT;
  END LOOP;
END $$;

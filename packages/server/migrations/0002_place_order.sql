-- place_order: accepting an order is ONE statement, so ONE round trip and ONE transaction.
-- It owns the whole money path of a create-order call: idempotency, access, price, FX, debit,
-- stock key, order row, ledger row and order events. Outcomes other than CREATED change nothing.
--
-- Concurrency, by construction:
--   * the accounts row is the per-merchant lock: UPDATE ... WHERE balance >= amount cannot overspend;
--   * keys are claimed FOR UPDATE SKIP LOCKED, and stock_keys.order_id is UNIQUE;
--   * a racing duplicate transactionId hits UNIQUE (shop_id, transaction_id); the loser raises
--     DG409, which rolls back its debit and key claim, and the caller answers TRANSACTION_DUPLICATE.

CREATE TYPE place_order_result AS (
  -- CREATED | DUPLICATE | OFFER_NOT_FOUND | GAME_USER_ID_REQUIRED | WRONG_PRICE | RATE_MISSING | INSUFFICIENT_BALANCE
  outcome       text,
  order_id      bigint,  -- the new order, or the existing one for DUPLICATE
  -- the rest describe the new order (CREATED only), so the caller needs no second round trip
  status        text,
  message       text,
  delivered_key bytea,
  product_name  text,
  offer_name    text,
  count         integer,
  price         bigint,
  currency      text,
  returns_key   boolean,
  sandbox       boolean,
  created_at    timestamptz
);

CREATE FUNCTION place_order(
  p_shop_id bigint, p_merchant_id bigint, p_offer_id bigint, p_price bigint, p_transaction_id text,
  p_customer_email text, p_game_user_id text, p_game_server_id text
) RETURNS place_order_result LANGUAGE plpgsql AS $$
DECLARE
  v_offer    offers%ROWTYPE;
  v_rate     numeric;
  v_amount   bigint := 0;
  v_balance  bigint;
  v_order_id bigint;
  v_key_id   bigint;
  v_key      bytea;
  v_status   text := 'COMPLETED';
  v_reason   text;
  v_result   place_order_result;
BEGIN
  SELECT id INTO v_order_id FROM orders WHERE shop_id = p_shop_id AND transaction_id = p_transaction_id;
  IF FOUND THEN v_result.outcome := 'DUPLICATE'; v_result.order_id := v_order_id; RETURN v_result; END IF;

  SELECT o.* INTO v_offer FROM offers o
   WHERE o.id = p_offer_id
     AND (o.visible_to_all OR EXISTS (SELECT 1 FROM offer_access a WHERE a.offer_id = o.id AND a.merchant_id = p_merchant_id));
  IF NOT FOUND THEN v_result.outcome := 'OFFER_NOT_FOUND'; RETURN v_result; END IF;
  IF v_offer.requires_game_user_id AND p_game_user_id IS NULL THEN v_result.outcome := 'GAME_USER_ID_REQUIRED'; RETURN v_result; END IF;
  IF v_offer.price <> p_price THEN v_result.outcome := 'WRONG_PRICE'; RETURN v_result; END IF;

  SELECT usd_per_unit INTO v_rate FROM fx_rates WHERE currency = v_offer.currency;
  IF NOT FOUND AND NOT v_offer.sandbox THEN v_result.outcome := 'RATE_MISSING'; RETURN v_result; END IF;
  v_rate := coalesce(v_rate, 0);

  v_order_id := nextval(pg_get_serial_sequence('orders', 'id'));

  IF v_offer.sandbox THEN
    v_reason := 'sandbox offer: generated test key, no debit';
  ELSE
    -- Price and rate are both per minor unit, so this is USD cents. round() on a positive numeric
    -- is half-up; the smallest charge is one cent, so no purchase is ever free.
    v_amount := greatest(1, round(v_offer.price * v_rate))::bigint;
    UPDATE accounts SET balance = balance - v_amount
     WHERE merchant_id = p_merchant_id AND balance >= v_amount
     RETURNING balance INTO v_balance;
    IF NOT FOUND THEN v_result.outcome := 'INSUFFICIENT_BALANCE'; RETURN v_result; END IF;

    SELECT id, sealed INTO v_key_id, v_key FROM stock_keys
     WHERE offer_id = p_offer_id AND order_id IS NULL
     ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF FOUND THEN
      v_reason := 'stock key assigned';
    ELSE
      v_status := 'CANCELED';
      v_reason := 'Out of stock';
    END IF;
  END IF;

  INSERT INTO orders (id, shop_id, merchant_id, transaction_id, offer_id, product_name, offer_name, count,
                      price, currency, usd_per_unit, amount_usd, sandbox, returns_key, status, message,
                      delivered_key, customer_email, game_user_id, game_server_id)
  VALUES (v_order_id, p_shop_id, p_merchant_id, p_transaction_id, p_offer_id, v_offer.product_name,
          v_offer.offer_name, v_offer.count, v_offer.price, v_offer.currency, v_rate, v_amount,
          v_offer.sandbox, v_offer.returns_key, v_status, CASE WHEN v_status = 'CANCELED' THEN v_reason END,
          v_key, p_customer_email, p_game_user_id, p_game_server_id)
  ON CONFLICT (shop_id, transaction_id) DO NOTHING;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'transactionId % is already used by shop %', p_transaction_id, p_shop_id USING ERRCODE = 'DG409';
  END IF;

  IF v_key_id IS NOT NULL THEN
    UPDATE stock_keys SET order_id = v_order_id WHERE id = v_key_id;
  END IF;

  INSERT INTO order_events (order_id, from_status, to_status, actor, reason)
  VALUES (v_order_id, NULL, 'SUBMITTED', 'shop:' || p_shop_id, NULL),
         (v_order_id, 'SUBMITTED', v_status, 'system', v_reason);

  IF NOT v_offer.sandbox THEN
    INSERT INTO ledger_entries (merchant_id, type, amount, balance_after, order_id, description)
    VALUES (p_merchant_id, 'PURCHASE', -v_amount, v_balance, v_order_id,
            'API Purchase - ' || v_offer.product_name || ' ' || v_offer.offer_name);
    IF v_status = 'CANCELED' THEN
      UPDATE accounts SET balance = balance + v_amount WHERE merchant_id = p_merchant_id RETURNING balance INTO v_balance;
      INSERT INTO ledger_entries (merchant_id, type, amount, balance_after, order_id, description)
      VALUES (p_merchant_id, 'REFUND', v_amount, v_balance, v_order_id, 'Refund - order ' || v_order_id || ': ' || v_reason);
    END IF;
  END IF;

  v_result := ROW('CREATED', v_order_id, v_status, CASE WHEN v_status = 'CANCELED' THEN v_reason END, v_key,
             v_offer.product_name, v_offer.offer_name, v_offer.count, v_offer.price, v_offer.currency,
             v_offer.returns_key, v_offer.sandbox, now());
  RETURN v_result;
END $$;

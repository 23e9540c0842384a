-- Supplier network: upstream suppliers, each offer's ordered sources, and the fulfilment queue.

-- suppliers (module: suppliers) ---------------------------------------------------------------
CREATE TABLE suppliers (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind              text NOT NULL CHECK (kind IN ('codegames', 'gamesdrop')),
  name              text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
  base_url          text NOT NULL,
  token_sealed      bytea,                  -- AES-256-GCM like stock keys; never shown
  timeout_ms        integer NOT NULL DEFAULT 10000 CHECK (timeout_ms BETWEEN 100 AND 600000),
  status_interval_s integer NOT NULL DEFAULT 120 CHECK (status_interval_s BETWEEN 1 AND 86400),
  status_attempts   integer NOT NULL DEFAULT 100 CHECK (status_attempts BETWEEN 1 AND 10000),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

-- An offer's upstream sources, tried in position order after own stock.
CREATE TABLE offer_sources (
  offer_id            bigint NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
  position            integer NOT NULL,
  supplier_id         bigint NOT NULL REFERENCES suppliers (id),
  supplier_product_id text NOT NULL CHECK (length(supplier_product_id) BETWEEN 1 AND 200),
  cost                bigint NOT NULL CHECK (cost > 0),
  cost_currency       text NOT NULL CHECK (cost_currency IN ('KZT', 'USD', 'EUR', 'RUB')),
  PRIMARY KEY (offer_id, position)
);

-- orders: what fulfilled them and how ---------------------------------------------------------
ALTER TABLE orders
  ADD COLUMN supplier_id         bigint REFERENCES suppliers (id),
  ADD COLUMN supplier_product_id text,
  ADD COLUMN supplier_cost       bigint,
  ADD COLUMN supplier_cost_currency text,
  ADD COLUMN supplier_cost_usd   bigint, -- the cost in USD at the rate of the day: margin = amount_usd - this
  ADD COLUMN supplier_txn_id     text,   -- the id we sent upstream (idempotency key there)
  ADD COLUMN upstream_ref        text,   -- the supplier's own id for it
  ADD COLUMN review_reason       text;   -- set while the order waits for the operator

CREATE INDEX orders_in_review ON orders (id) WHERE review_reason IS NOT NULL AND status = 'PROCESSING';

-- fulfilment (module: fulfillment) ------------------------------------------------------------
-- One row per order waiting on a supplier: its next action and when. A worker claims due rows
-- (FOR UPDATE SKIP LOCKED) by pushing due_at to the end of its lease and bumping `lease`; so
-- any number of hub instances share the work, a crashed worker's job comes due again when its
-- lease runs out, and a stale worker's late writes (lease no longer matches) are ignored.
--   place:   not yet sent to the source at source_index (the merchant may still cancel)
--   placing: claimed to be sent; found again after a crash, its outcome is unknown: poll it
--   poll:    sent with an unknown outcome; check its status `attempts` times so far
CREATE TABLE fulfilment_jobs (
  order_id     bigint PRIMARY KEY REFERENCES orders (id),
  source_index integer NOT NULL CHECK (source_index >= 0),
  phase        text NOT NULL CHECK (phase IN ('place', 'placing', 'poll')),
  attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  due_at       timestamptz NOT NULL,
  lease        integer NOT NULL DEFAULT 0,
  last_outcome text,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fulfilment_jobs_due ON fulfilment_jobs (due_at);

-- place_order, now with the supplier path: an offer out of stock that has upstream sources is
-- accepted as PROCESSING (the debit held in draftBalance) and its first fulfilment job is queued
-- in the same statement. The PURCHASE description now names the order, for reconciliation.
-- Everything else is as in 0002.
CREATE OR REPLACE FUNCTION place_order(
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
    ELSIF EXISTS (SELECT 1 FROM offer_sources WHERE offer_id = p_offer_id) THEN
      v_status := 'PROCESSING';
      v_reason := 'waiting on a supplier';
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
  IF v_status = 'PROCESSING' THEN
    INSERT INTO fulfilment_jobs (order_id, source_index, phase, due_at) VALUES (v_order_id, 0, 'place', now());
  END IF;

  INSERT INTO order_events (order_id, from_status, to_status, actor, reason)
  VALUES (v_order_id, NULL, 'SUBMITTED', 'shop:' || p_shop_id, NULL),
         (v_order_id, 'SUBMITTED', v_status, 'system', v_reason);

  IF NOT v_offer.sandbox THEN
    INSERT INTO ledger_entries (merchant_id, type, amount, balance_after, order_id, description)
    VALUES (p_merchant_id, 'PURCHASE', -v_amount, v_balance, v_order_id,
            'API Purchase - ' || v_offer.product_name || ' ' || v_offer.offer_name || ' (order ' || v_order_id || ')');
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

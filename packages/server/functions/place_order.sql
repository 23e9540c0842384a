-- place_order: accepting an order is ONE statement, so ONE round trip and ONE transaction.
-- It owns the money path of a create-order call, for both merchant protocols: idempotency, price
-- (or the Telegram Stars quote), FX, stock key or supplier job, order row, order events, debit and
-- ledger rows. Outcomes other than CREATED change nothing. What does not touch money is decided
-- before, by the checkout module: which offer the shop may buy (the catalog's access list) and
-- whether the player may receive it (presence and format of the player id).
--
-- In order:
--   * the duplicate check comes first, so a retried transactionId always answers
--     TRANSACTION_DUPLICATE, whatever the catalog or the rate did meanwhile;
--   * offer 0 is sold only as Telegram Stars (p_stars_amount set), and Stars only as offer 0.
--     For Stars the hub passes its quote (USD cents from the live TON rate; NULL when no
--     trustworthy rate exists) and the tolerance: the submitted price must be within it, and the
--     order is charged the quote;
--   * CodeGames orders (p_protocol 'codegames') are charged offer_partner_price, the price less
--     the merchant's commission; Partner API orders the price;
--   * where the order is fulfilled from is offer_supply's rule: a stock key, claimed here; else an
--     upstream source: the order is accepted as PROCESSING (the debit held: added to the account's
--     held, the draftBalance, by the same UPDATE that debits it) and its first fulfilment job is
--     queued in the same statement; else it is refused before any debit:
--     recorded CANCELED "Out of stock" (an order the merchant can look up, idempotent like any
--     other) with amount_usd 0, no ledger row and nothing queued.
--
-- Concurrency, by construction:
--   * The merchant's account lock is taken last. Everything that does not need it comes first
--     (key claim, order row, events, job); the debit and its ledger rows come last, right before
--     commit, so a busy merchant's orders wait on each other for the debit and the commit only
--     (the bench's hot-merchant scenario). A balance read without a lock refuses the common
--     INSUFFICIENT_BALANCE cheaply before anything is written; the guarded debit at the end
--     decides: UPDATE ... WHERE balance >= amount cannot overspend. A concurrent order that spent
--     the balance in between raises DG402, which rolls the statement back whole (order, key
--     claim, events) and the caller answers INSUFFICIENT_BALANCE.
--   * Deadlock-free: the account row is the last lock taken, and stock keys are claimed
--     FOR UPDATE SKIP LOCKED (stock_keys.order_id is UNIQUE besides).
--   * A racing duplicate transactionId hits UNIQUE (shop_id, transaction_id): the loser raises
--     DG409, which rolls back its key claim, and the caller answers TRANSACTION_DUPLICATE.

-- Its result: one row, so the caller needs no second round trip. Only place_order uses it, so it
-- is remade with the function (the runner has dropped the function already).
DROP TYPE IF EXISTS place_order_result;
CREATE TYPE place_order_result AS (
  -- CREATED | DUPLICATE | OFFER_NOT_FOUND | WRONG_PRICE | QUOTE_UNAVAILABLE | RATE_MISSING
  -- | INSUFFICIENT_BALANCE
  outcome       text,
  order_id      bigint,  -- the new order, or the existing one for DUPLICATE
  -- the rest describe the new order (CREATED only)
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
  p_customer_email text, p_game_user_id text, p_game_server_id text, p_protocol text,
  p_stars_amount integer, p_stars_quote bigint, p_stars_tolerance bigint, p_ton_usd_rate numeric
) RETURNS place_order_result LANGUAGE plpgsql AS $$
DECLARE
  v_offer    record;  -- the offer's row, and its product's name as product_name
  v_rate     numeric;
  v_amount   bigint := 0;
  v_balance  bigint;
  v_order_id bigint;
  v_supply   record;
  v_key_id   bigint;
  v_key      bytea;
  v_status   text := 'COMPLETED';
  v_reason   text;
  v_charge   bigint;
  v_result   place_order_result;
BEGIN
  SELECT id INTO v_order_id FROM orders WHERE shop_id = p_shop_id AND transaction_id = p_transaction_id;
  IF FOUND THEN v_result.outcome := 'DUPLICATE'; v_result.order_id := v_order_id; RETURN v_result; END IF;

  SELECT o.*, p.name AS product_name INTO v_offer FROM offers o JOIN products p ON p.id = o.product_id WHERE o.id = p_offer_id;
  -- Offer 0 is sold only as Telegram Stars, and Telegram Stars only as offer 0.
  IF NOT FOUND THEN v_result.outcome := 'OFFER_NOT_FOUND'; RETURN v_result; END IF;
  IF (v_offer.id = 0) <> (p_stars_amount IS NOT NULL) THEN v_result.outcome := 'OFFER_NOT_FOUND'; RETURN v_result; END IF;
  IF p_stars_amount IS NULL THEN
    IF v_offer.price <> p_price THEN v_result.outcome := 'WRONG_PRICE'; RETURN v_result; END IF;
  ELSE
    IF p_stars_quote IS NULL THEN v_result.outcome := 'QUOTE_UNAVAILABLE'; RETURN v_result; END IF;
    IF abs(p_price - p_stars_quote) > p_stars_tolerance THEN v_result.outcome := 'WRONG_PRICE'; RETURN v_result; END IF;
    -- The order's snapshot: what was charged, and how many stars.
    v_offer.price := p_stars_quote;
    v_offer.offer_name := p_stars_amount || ' Stars';
  END IF;

  SELECT usd_per_unit INTO v_rate FROM fx_rates WHERE currency = v_offer.currency;
  IF NOT FOUND AND NOT v_offer.sandbox THEN v_result.outcome := 'RATE_MISSING'; RETURN v_result; END IF;
  v_rate := coalesce(v_rate, 0);

  -- What this protocol charges, in the offer's currency: the Partner API the price, CodeGames the
  -- partner price (the price less the merchant's commission).
  v_charge := CASE WHEN p_protocol = 'codegames' THEN offer_partner_price(v_offer.id, p_merchant_id) ELSE v_offer.price END;

  v_order_id := nextval(pg_get_serial_sequence('orders', 'id'));

  IF v_offer.sandbox THEN
    v_reason := 'sandbox offer: generated test key, no debit';
  ELSE
    v_amount := usd_amount(v_charge, v_rate);
    -- A read, no lock: refuses what the balance cannot cover before anything is written. The
    -- guarded debit at the end decides; this only keeps the common refusal cheap.
    SELECT balance INTO v_balance FROM accounts WHERE merchant_id = p_merchant_id;
    IF NOT FOUND OR v_balance < v_amount THEN v_result.outcome := 'INSUFFICIENT_BALANCE'; RETURN v_result; END IF;

    v_supply := offer_supply(p_offer_id, true);
    v_key_id := v_supply.key_id;
    v_key := v_supply.sealed;
    CASE v_supply.route
      WHEN 'stock' THEN v_reason := 'stock key assigned';
      WHEN 'supplier' THEN v_status := 'PROCESSING'; v_reason := 'waiting on a supplier';
      -- Nothing can fulfil it: refused before any debit, so it records nothing debited.
      ELSE v_status := 'CANCELED'; v_reason := 'Out of stock'; v_amount := 0;
    END CASE;
  END IF;

  INSERT INTO orders (id, shop_id, merchant_id, transaction_id, offer_id, product_name, offer_name, count,
                      price, currency, usd_per_unit, amount_usd, sandbox, returns_key, status, message,
                      delivered_key, customer_email, game_user_id, game_server_id, protocol, charged_price,
                      stars_amount, ton_usd_rate)
  VALUES (v_order_id, p_shop_id, p_merchant_id, p_transaction_id, p_offer_id, v_offer.product_name,
          v_offer.offer_name, v_offer.count, v_offer.price, v_offer.currency, v_rate, v_amount,
          v_offer.sandbox, v_offer.returns_key, v_status, CASE WHEN v_status = 'CANCELED' THEN v_reason END,
          v_key, p_customer_email, p_game_user_id, p_game_server_id, p_protocol, v_charge,
          p_stars_amount, p_ton_usd_rate)
  ON CONFLICT (shop_id, transaction_id) DO NOTHING;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'transactionId % is already used by shop %', p_transaction_id, p_shop_id USING ERRCODE = 'DG409';
  END IF;

  IF v_key_id IS NOT NULL THEN
    UPDATE stock_keys SET order_id = v_order_id WHERE id = v_key_id;
    -- Keys go lowest id first, so taking the highest unclaimed one may have emptied the stock:
    -- the offer changed for the catalog feed (updatedSince). Concurrent orders each see the
    -- others' keys as unclaimed, and the one holding the highest key marks it; at worst a key
    -- held by an order that rolls back makes a mark too many, never one too few.
    -- The next key in the claim's order (its range on offer_id included, offer_supply.sql), not
    -- EXISTS: an EXISTS loses its order, and the generic plan then scans the whole stock table
    -- from its start, through every key already sold.
    IF (SELECT k.id FROM stock_keys k
         WHERE k.offer_id BETWEEN p_offer_id AND p_offer_id AND k.order_id IS NULL AND k.id > v_key_id
         ORDER BY k.offer_id, k.id LIMIT 1) IS NULL THEN
      UPDATE offers SET updated_at = now() WHERE id = p_offer_id;
    END IF;
  END IF;
  IF v_status = 'PROCESSING' THEN
    INSERT INTO fulfilment_jobs (order_id, source_index, phase, due_at) VALUES (v_order_id, 0, 'place', now());
  END IF;

  INSERT INTO order_events (order_id, from_status, to_status, actor, reason)
  VALUES (v_order_id, NULL, 'SUBMITTED', 'shop:' || p_shop_id, NULL),
         (v_order_id, 'SUBMITTED', v_status, 'system', v_reason);

  -- The money last: the account row, the one lock every order of this merchant queues on, is held
  -- from here to commit only. A concurrent order may have spent the balance since the read above:
  -- DG402 then undoes the whole statement (order, key claim, events) and the caller answers
  -- INSUFFICIENT_BALANCE, as before. An order refused for want of a source debits nothing.
  -- A PROCESSING order's amount goes on hold in the same UPDATE (no statement, no lock more); one
  -- that completed at once was never in flight once committed, so it holds nothing.
  IF NOT v_offer.sandbox AND v_status <> 'CANCELED' THEN
    UPDATE accounts SET balance = balance - v_amount,
                        held = held + CASE WHEN v_status = 'PROCESSING' THEN v_amount ELSE 0 END
     WHERE merchant_id = p_merchant_id AND balance >= v_amount
     RETURNING balance INTO v_balance;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'merchant % cannot cover % cents', p_merchant_id, v_amount USING ERRCODE = 'DG402';
    END IF;
    INSERT INTO ledger_entries (merchant_id, type, amount, balance_after, order_id, description)
    VALUES (p_merchant_id, 'PURCHASE', -v_amount, v_balance, v_order_id,
            'API Purchase - ' || v_offer.product_name || ' ' || v_offer.offer_name || ' (order ' || v_order_id || ')');
  END IF;

  v_result := ROW('CREATED', v_order_id, v_status, CASE WHEN v_status = 'CANCELED' THEN v_reason END, v_key,
             v_offer.product_name, v_offer.offer_name, v_offer.count, v_offer.price, v_offer.currency,
             v_offer.returns_key, v_offer.sandbox, now());
  RETURN v_result;
END $$;

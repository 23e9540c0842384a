-- Signed webhooks per shop (docs/webhooks.md): endpoints, the events they are told about, and one
-- delivery per event and endpoint. The outbox is filled by triggers on order_events and
-- ledger_entries, so every path that changes an order or debits an account (place_order, the
-- transitions, refunds) enqueues its webhooks in its own transaction, and none can forget to.
-- Delivery runs on graphile-worker (its own schema, migrated by the hub's job runner at start).

-- endpoints (module: webhooks) ----------------------------------------------------------------
-- The secret is sealed with the hub's key vault (HMAC needs it in clear), never hashed. During a
-- rotation the previous secret signs too, until previous_secret_until.
CREATE TABLE webhook_endpoints (
  id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  shop_id               bigint NOT NULL REFERENCES shops (id),
  url                   text NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
  events                text[] NOT NULL CHECK (cardinality(events) >= 1 AND events <@ ARRAY['order.processing', 'order.completed', 'order.canceled', 'order.refunded', 'balance.low']),
  include_keys          boolean NOT NULL DEFAULT false,
  -- balance.low: a debit that takes the balance from at least this to below it (USD cents)
  balance_low_threshold bigint CHECK (balance_low_threshold > 0),
  -- deliveries in flight at once for this endpoint (each order's events still go one by one)
  concurrency           integer NOT NULL DEFAULT 4 CHECK (concurrency BETWEEN 1 AND 32),
  secret                bytea NOT NULL,
  previous_secret       bytea,
  previous_secret_until timestamptz,
  status                text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'DISABLED')),
  disabled_reason       text,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_by_shop ON webhook_endpoints (shop_id) WHERE status = 'ACTIVE';

-- What happened, once per change (whatever the number of endpoints). seq numbers one order's
-- events 1, 2, 3…; balance.low has no order and no seq.
CREATE TABLE webhook_events (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id bigint NOT NULL REFERENCES merchants (id),
  shop_id     bigint REFERENCES shops (id),
  order_id    bigint REFERENCES orders (id),
  seq         integer,
  type        text NOT NULL,
  -- order events: the status the order reached; balance.low: the balance after the debit (cents)
  status      text,
  balance     bigint,
  threshold   bigint,
  test        boolean NOT NULL DEFAULT false,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (order_id, seq)
);

-- One event to one endpoint. lane: what is delivered in order ('order:<id>', or 'balance').
CREATE TABLE webhook_deliveries (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id           uuid NOT NULL REFERENCES webhook_events (id),
  endpoint_id        bigint NOT NULL REFERENCES webhook_endpoints (id),
  lane               text NOT NULL,
  status             text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
  attempts           integer NOT NULL DEFAULT 0,
  next_attempt_at    timestamptz NOT NULL DEFAULT now(),
  last_attempt_at    timestamptz,
  last_response_code integer,
  last_latency_ms    integer,
  last_error         text,
  delivered_at       timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (endpoint_id, lane, id) WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, id DESC);

-- Hub instances running jobs, and their graphile-worker ids: a crashed instance's jobs stay locked
-- for hours in graphile-worker; the others unlock them once its heartbeat is stale (platform/jobs).
CREATE TABLE job_runners (
  id           text PRIMARY KEY,
  worker_ids   text[] NOT NULL DEFAULT '{}',
  heartbeat_at timestamptz NOT NULL DEFAULT now()
);

-- The triggers below queue through webhooks_fan_out and webhooks_schedule (functions/): plpgsql
-- resolves them when a trigger runs, after the runner has applied the stored functions.

-- An order reaching PROCESSING, COMPLETED, CANCELED or REFUND is an event for the shop's
-- endpoints that asked for it. The order row is locked by the transition (or was just
-- inserted), so max(seq) + 1 cannot race.
CREATE FUNCTION webhooks_on_order_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_type      text := CASE NEW.to_status WHEN 'PROCESSING' THEN 'order.processing' WHEN 'COMPLETED' THEN 'order.completed'
                                         WHEN 'CANCELED' THEN 'order.canceled' WHEN 'REFUND' THEN 'order.refunded' END;
  v_order     record;
  v_endpoints bigint[];
  v_event     uuid;
BEGIN
  IF v_type IS NULL THEN RETURN NULL; END IF;
  SELECT shop_id, merchant_id INTO v_order FROM orders WHERE id = NEW.order_id;
  SELECT array_agg(id ORDER BY id) INTO v_endpoints FROM webhook_endpoints
   WHERE shop_id = v_order.shop_id AND status = 'ACTIVE' AND v_type = ANY (events);
  IF v_endpoints IS NULL THEN RETURN NULL; END IF;
  INSERT INTO webhook_events (merchant_id, shop_id, order_id, seq, type, status)
  VALUES (v_order.merchant_id, v_order.shop_id, NEW.order_id,
          (SELECT coalesce(max(seq), 0) + 1 FROM webhook_events WHERE order_id = NEW.order_id), v_type, NEW.to_status)
  RETURNING id INTO v_event;
  PERFORM webhooks_fan_out(v_event, 'order:' || NEW.order_id, v_endpoints);
  RETURN NULL;
END $$;
CREATE TRIGGER order_events_webhooks AFTER INSERT ON order_events FOR EACH ROW EXECUTE FUNCTION webhooks_on_order_event();

-- A debit that takes the balance across an endpoint's threshold (from at or above to below) is a
-- balance.low event for that endpoint; deposits and refunds never are.
CREATE FUNCTION webhooks_on_debit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_endpoint record;
  v_event    uuid;
BEGIN
  FOR v_endpoint IN
    SELECT e.id, e.shop_id, e.balance_low_threshold FROM webhook_endpoints e JOIN shops s ON s.id = e.shop_id
     WHERE s.merchant_id = NEW.merchant_id AND e.status = 'ACTIVE' AND 'balance.low' = ANY (e.events)
       AND NEW.balance_after < e.balance_low_threshold AND NEW.balance_after - NEW.amount >= e.balance_low_threshold
  LOOP
    INSERT INTO webhook_events (merchant_id, shop_id, type, balance, threshold)
    VALUES (NEW.merchant_id, v_endpoint.shop_id, 'balance.low', NEW.balance_after, v_endpoint.balance_low_threshold)
    RETURNING id INTO v_event;
    PERFORM webhooks_fan_out(v_event, 'balance', ARRAY[v_endpoint.id]);
  END LOOP;
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_entries_webhooks AFTER INSERT ON ledger_entries FOR EACH ROW WHEN (NEW.type = 'PURCHASE')
  EXECUTE FUNCTION webhooks_on_debit();

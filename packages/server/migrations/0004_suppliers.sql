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

-- place_order (functions/place_order.sql) accepts an offer out of stock that has sources as
-- PROCESSING and queues its first job in this table, in the same statement.

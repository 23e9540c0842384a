-- Upstream catalogs: each supplier's own offers as its last applied sync saw them, the syncs
-- themselves (with the rows of a sync held for the operator's confirmation), and whether each
-- offer source is still sold upstream. Module: suppliers.

-- How a supplier's catalog is read and guarded ------------------------------------------------
ALTER TABLE suppliers
  -- CodeGames has no catalog call: its catalog is a `check` of each product id listed here.
  ADD COLUMN catalog_product_ids text[] NOT NULL DEFAULT '{}'
    CHECK (cardinality(catalog_product_ids) <= 10000),
  -- A sync that would mark more than this share of the present catalog gone changes nothing
  -- and waits for the operator's confirmation.
  ADD COLUMN catalog_max_missing_percent integer NOT NULL DEFAULT 20
    CHECK (catalog_max_missing_percent BETWEEN 0 AND 100),
  -- A sync every this many seconds, as a job on the queue (graphile-worker); NULL: by hand only.
  ADD COLUMN catalog_sync_interval_s integer CHECK (catalog_sync_interval_s BETWEEN 1 AND 604800);

-- A supplier's catalog: one row per upstream offer ever seen. A row is written only when what
-- the upstream says about it changes, so a sync with no change writes none. While the offer is
-- listed (gone_at IS NULL) it was last seen by the supplier's last applied sync; once gone,
-- last_seen_at keeps when that was.
CREATE TABLE supplier_offers (
  supplier_id         bigint NOT NULL REFERENCES suppliers (id),
  upstream_id         text NOT NULL CHECK (length(upstream_id) BETWEEN 1 AND 200),
  upstream_product_id text,
  product_name        text NOT NULL,
  offer_name          text NOT NULL,
  category            text,
  platform_code       text,
  region_code         text,
  region_name         text,
  cost                bigint NOT NULL CHECK (cost >= 0),
  cost_currency       text NOT NULL CHECK (cost_currency IN ('KZT', 'USD', 'EUR', 'RUB')),
  in_stock            boolean NOT NULL,
  first_seen_at       timestamptz NOT NULL DEFAULT now(),
  changed_at          timestamptz NOT NULL DEFAULT now(),
  gone_at             timestamptz,
  last_seen_at        timestamptz,
  PRIMARY KEY (supplier_id, upstream_id)
);
CREATE INDEX supplier_offers_by_name ON supplier_offers (supplier_id, lower(product_name), upstream_id);

-- Every sync: started by a person, key or the schedule; its outcome and counts.
--   running: reading the upstream;   applied: its changes are in supplier_offers;
--   failed: the read failed or the upstream answered garbage, nothing changed;
--   held: too much of the catalog would go, nothing changed, its rows wait in supplier_sync_rows
--         for the operator: confirmed (then applied) or discarded.
CREATE TABLE supplier_syncs (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  supplier_id     bigint NOT NULL REFERENCES suppliers (id),
  status          text NOT NULL CHECK (status IN ('running', 'applied', 'failed', 'held', 'confirmed', 'discarded')),
  started_by      text NOT NULL,
  started_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz,
  seen            integer NOT NULL DEFAULT 0,
  added           integer NOT NULL DEFAULT 0,
  changed         integer NOT NULL DEFAULT 0,
  gone            integer NOT NULL DEFAULT 0,
  missing_percent numeric(5, 2),
  error           text
);
CREATE INDEX supplier_syncs_by_supplier ON supplier_syncs (supplier_id, id DESC);

-- The rows a sync read, kept until it is applied or discarded. Unlogged: cheap to write, and a
-- crash loses only what a new sync reads again (a held sync whose rows are gone cannot be confirmed).
-- A row with no product_name is a sold-out mark (CodeGames PRODUCT_OUT_OF_STOCK): nothing else known.
CREATE UNLOGGED TABLE supplier_sync_rows (
  sync_id             bigint NOT NULL,
  upstream_id         text NOT NULL,
  upstream_product_id text,
  product_name        text,
  offer_name          text,
  category            text,
  platform_code       text,
  region_code         text,
  region_name         text,
  cost                bigint,
  cost_currency       text,
  in_stock            boolean NOT NULL,
  PRIMARY KEY (sync_id, upstream_id)
);

-- An offer source whose upstream offer is gone or out of stock is not tried (offer_supply):
-- an offer left with none answers inStock: false and refuses orders before any debit.
ALTER TABLE offer_sources ADD COLUMN available boolean NOT NULL DEFAULT true;

-- Offers priced from their upstream cost (made by an import): the rule they were priced by. When
-- the sync sees their source's cost move, their price follows (the rule, at the FX rates of then).
CREATE TABLE offer_pricing (
  offer_id       bigint PRIMARY KEY REFERENCES offers (id) ON DELETE CASCADE,
  supplier_id    bigint NOT NULL REFERENCES suppliers (id),
  margin_percent numeric(7, 2) NOT NULL,
  fixed          bigint NOT NULL DEFAULT 0 CHECK (fixed >= 0),
  rounding       text NOT NULL CHECK (rounding IN ('cent', 'unit', 'ninety-nine'))
);
CREATE INDEX offer_pricing_by_supplier ON offer_pricing (supplier_id, offer_id);

-- Every price an offer had, from when (module: catalog). Orders keep their own snapshot.
CREATE TABLE offer_price_history (
  offer_id   bigint NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
  price      bigint NOT NULL,
  currency   text NOT NULL,
  reason     text NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX offer_price_history_by_offer ON offer_price_history (offer_id, changed_at);

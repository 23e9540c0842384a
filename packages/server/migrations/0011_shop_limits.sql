-- Per-shop limits on the merchant APIs (docs/api.md#rate-limits-and-ip-allowlists): a request
-- rate and an IP allowlist, set by the operator (module: shop-limits).

-- What the operator set for a shop. No row: the deployment's default rate and any address.
CREATE TABLE shop_limits (
  shop_id      bigint PRIMARY KEY REFERENCES shops (id),
  -- Requests per window (DROPGATE_RATE_LIMIT_WINDOW_S); null: the deployment's default.
  rate_limit   integer CHECK (rate_limit BETWEEN 1 AND 10000000),
  -- The networks the shop's calls may come from; empty: any address.
  ip_allowlist cidr[] NOT NULL DEFAULT '{}' CHECK (cardinality(ip_allowlist) <= 100),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- The shared counter of each shop's current window: instances reserve shares of the window's
-- budget from it (modules/shop-limits/rate-limiter.ts). Windows are numbered on the database's
-- clock, the one clock every instance shares. Unlogged: a counter lost in a crash only restarts
-- a window, and no commit waits for its WAL.
CREATE UNLOGGED TABLE shop_rate_windows (
  shop_id      bigint NOT NULL,
  window_start bigint NOT NULL,
  -- Requests asked for in the window by every instance (it may pass the limit: asks are counted, grants are not).
  asked        bigint NOT NULL,
  PRIMARY KEY (shop_id, window_start)
);

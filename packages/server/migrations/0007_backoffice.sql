-- The back-office (operator console, merchant cabinet): merchant users, browser sessions, the
-- sign-in throttle, the audit of key reveals, and the indexes the console's lists and searches
-- need to stay fast with millions of orders (docs/backoffice.md has the measurements).

-- access (module: access) ---------------------------------------------------------------------
-- People who sign in to the merchant cabinet. The password is an scrypt hash with its parameters
-- ("scrypt$N$r$p$salt$hash"), so they can be raised later without invalidating old hashes.
CREATE TABLE web_users (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  merchant_id     bigint NOT NULL REFERENCES merchants (id),
  email           text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  password_hash   text NOT NULL,
  password_set_at timestamptz NOT NULL DEFAULT now(),
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX web_users_by_merchant ON web_users (merchant_id);

-- A signed-in browser. Only SHA-256 of the session token and of its CSRF token are stored.
-- An operator session records a tag of the operator token it was opened with: when the
-- deployment's operator token changes, every operator session ends with it.
CREATE TABLE web_sessions (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash     bytea NOT NULL UNIQUE,
  csrf_hash      bytea NOT NULL,
  role           text NOT NULL CHECK (role IN ('operator', 'merchant')),
  user_id        bigint REFERENCES web_users (id) ON DELETE CASCADE,
  merchant_id    bigint REFERENCES merchants (id),
  credential_tag bytea,
  ip             text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  CHECK ((role = 'merchant') = (user_id IS NOT NULL AND merchant_id IS NOT NULL)),
  CHECK ((role = 'operator') = (credential_tag IS NOT NULL))
);
CREATE INDEX web_sessions_by_user ON web_sessions (user_id);
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);

-- Sign-in attempts per key ("account:<email>", "ip:<address>") in fixed windows, shared by every
-- hub instance. A row counts attempts not yet released (a success releases its own).
CREATE TABLE sign_in_throttle (
  key          text NOT NULL,
  window_start timestamptz NOT NULL,
  attempts     integer NOT NULL CHECK (attempts >= 0),
  PRIMARY KEY (key, window_start)
);
CREATE INDEX sign_in_throttle_age ON sign_in_throttle (window_start);

-- key reveals (module: key-reveals) -----------------------------------------------------------
-- Every time a person is shown a key outside the Partner API (a stock key in the console, an
-- order's key in the console or the cabinet). Append-only, like the ledger.
CREATE TABLE key_reveals (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stock_key_id bigint REFERENCES stock_keys (id),
  order_id     bigint REFERENCES orders (id),
  actor        text NOT NULL,
  ip           text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (stock_key_id IS NOT NULL OR order_id IS NOT NULL)
);
CREATE INDEX key_reveals_by_stock_key ON key_reveals (stock_key_id) WHERE stock_key_id IS NOT NULL;
CREATE INDEX key_reveals_by_order ON key_reveals (order_id) WHERE order_id IS NOT NULL;
CREATE TRIGGER key_reveals_append_only BEFORE UPDATE OR DELETE ON key_reveals
  FOR EACH ROW EXECUTE FUNCTION reject_mutation();
CREATE TRIGGER key_reveals_no_truncate BEFORE TRUNCATE ON key_reveals
  FOR EACH STATEMENT EXECUTE FUNCTION reject_mutation();

-- lists and searches (modules: orders, inventory) ---------------------------------------------
-- Keyset pages are "newest first, id below the cursor": each filter has an index in that order.
CREATE INDEX orders_by_status ON orders (status, id DESC);
CREATE INDEX orders_by_shop ON orders (shop_id, id DESC);
-- Search by any id: the merchant's transactionId (either protocol), ours upstream, the supplier's.
CREATE INDEX orders_by_transaction ON orders (transaction_id);
CREATE INDEX orders_by_supplier_txn ON orders (supplier_txn_id) WHERE supplier_txn_id IS NOT NULL;
CREATE INDEX orders_by_upstream_ref ON orders (upstream_ref) WHERE upstream_ref IS NOT NULL;
-- The dashboard's last 24 hours.
CREATE INDEX orders_by_created ON orders (created_at);
-- An offer's keys, newest first (the available-only partial index cannot list sold keys).
CREATE INDEX stock_keys_by_offer ON stock_keys (offer_id, id DESC);

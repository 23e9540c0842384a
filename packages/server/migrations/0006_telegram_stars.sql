-- Telegram Stars: the product behind the telegram_stars_<N> offers, the orders' delivery data,
-- the users who wrote to the hub's bot, and a rate limiter shared by every hub instance.

-- catalog: offer 0 is the Telegram Stars product ------------------------------------------------
-- Merchants address it as "telegram_stars_<N>" (N stars, 1-2500); numeric offer ids start at 1
-- on every API, so 0 can never be reached, changed or stocked as an ordinary offer. Its price is
-- not used: each order is priced from the TON/USD rate and the quote is passed to place_order.
-- Its only source is the Telegram Stars provider, attached at boot from the configuration.
ALTER TABLE offers DROP CONSTRAINT offers_id_check;
ALTER TABLE offers ADD CONSTRAINT offers_id_check CHECK (id >= 0);
INSERT INTO offers (id, product_name, offer_name, count, price, currency, returns_key, requires_game_user_id)
VALUES (0, 'Telegram Stars', 'Stars', 1, 1, 'USD', false, true);

-- suppliers: the stars provider is a supplier of its own kind, one per deployment ----------------
ALTER TABLE suppliers DROP CONSTRAINT suppliers_kind_check;
ALTER TABLE suppliers ADD CONSTRAINT suppliers_kind_check CHECK (kind IN ('codegames', 'gamesdrop', 'telegram_stars'));
CREATE UNIQUE INDEX suppliers_one_telegram_stars ON suppliers (kind) WHERE kind = 'telegram_stars';

-- orders: how many stars, at which rate, and what the delivery said ------------------------------
ALTER TABLE orders
  ADD COLUMN stars_amount     integer CHECK (stars_amount BETWEEN 1 AND 2500),
  ADD COLUMN ton_usd_rate     numeric(24, 12) CHECK (ton_usd_rate > 0),  -- USD per TON the quote used
  ADD COLUMN fulfillment_data jsonb,                                     -- shown to the merchant as fulfillmentData
  ADD CONSTRAINT orders_stars_shape CHECK (
    (offer_id = 0) = (stars_amount IS NOT NULL) AND (stars_amount IS NULL) = (ton_usd_rate IS NULL));

-- telegram (module: telegram) ------------------------------------------------------------------
-- The users who wrote to the hub's bot: the only way to learn a username's numeric id.
-- Usernames move between accounts, so they are not unique here: the latest seen wins.
CREATE TABLE telegram_users (
  id            bigint PRIMARY KEY CHECK (id > 0),
  username      text,
  first_name    text NOT NULL,
  photo_file_id text,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX telegram_users_by_username ON telegram_users (lower(username), last_seen_at DESC) WHERE username IS NOT NULL;

-- A time-slot limiter shared by every hub instance (platform/db/slot-limiter.ts): each call to a
-- rate-limited upstream claims the next slot, spaced evenly, on the database's one clock.
CREATE TABLE rate_limit_slots (
  name      text PRIMARY KEY,
  next_slot timestamptz NOT NULL
);

-- The CodeGames-compatible merchant API: commissions, and the protocol an order came in by.

-- catalog: a commission per offer (percent), overridable per merchant ---------------------------
ALTER TABLE offers ADD COLUMN commission_percent numeric(5, 2) NOT NULL DEFAULT 0
  CHECK (commission_percent >= 0 AND commission_percent < 100);

CREATE TABLE offer_commissions (
  offer_id    bigint NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
  merchant_id bigint NOT NULL REFERENCES merchants (id),
  percent     numeric(5, 2) NOT NULL CHECK (percent >= 0 AND percent < 100),
  PRIMARY KEY (offer_id, merchant_id)
);

-- The partner price (the price less this merchant's commission) is offer_partner_price,
-- functions/offer_partner_price.sql: `check` shows it and place_order charges it.

-- orders: which protocol placed it, and what was charged in the offer's currency ----------------
ALTER TABLE orders
  ADD COLUMN protocol      text NOT NULL DEFAULT 'partner' CHECK (protocol IN ('partner', 'codegames')),
  ADD COLUMN charged_price bigint;
UPDATE orders SET charged_price = price; -- every order before this was a Partner API order
ALTER TABLE orders ALTER COLUMN charged_price SET NOT NULL;

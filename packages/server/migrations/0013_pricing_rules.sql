-- Pricing rules stored per scope, and what each offer priced from an upstream cost follows.
-- Module: suppliers.

-- A rule's scope: a supplier (supplier_id alone), a category of that supplier's catalog
-- (supplier_id and category, compared in any case), or one of the hub's products (product_id
-- alone, whichever supplier the offer buys from). The most specific applies: product, then
-- category, then supplier.
CREATE TABLE pricing_rules (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  supplier_id    bigint REFERENCES suppliers (id),
  category       text CHECK (length(category) BETWEEN 1 AND 100),
  product_id     bigint REFERENCES products (id),
  margin_percent numeric(7, 2) NOT NULL CHECK (margin_percent > -100),
  fixed          bigint NOT NULL DEFAULT 0 CHECK (fixed >= 0),
  rounding       text NOT NULL CHECK (rounding IN ('cent', 'unit', 'ninety-nine')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((product_id IS NULL) = (supplier_id IS NOT NULL)),
  CHECK (category IS NULL OR supplier_id IS NOT NULL)
);
-- One rule per scope.
CREATE UNIQUE INDEX pricing_rules_one_per_scope
  ON pricing_rules (coalesce(supplier_id, 0), coalesce(lower(category), ''), coalesce(product_id, 0));

-- An offer priced from its cost either has its own rule (given when it was imported: all three
-- columns set) or follows the stored rules (all three NULL).
ALTER TABLE offer_pricing
  ALTER COLUMN margin_percent DROP NOT NULL,
  ALTER COLUMN fixed DROP NOT NULL,
  ALTER COLUMN fixed DROP DEFAULT,
  ALTER COLUMN rounding DROP NOT NULL,
  ADD CONSTRAINT offer_pricing_own_rule_whole
    CHECK ((margin_percent IS NULL) = (fixed IS NULL) AND (fixed IS NULL) = (rounding IS NULL)),
  -- The operator lets the rule price this offer under its cost (default: the cost is the floor).
  ADD COLUMN allow_below_cost boolean NOT NULL DEFAULT false;

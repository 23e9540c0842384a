-- suppliers (module: suppliers) -----------------------------------------------------------------
-- A GamesDrop-compatible upstream may also deliver Telegram Stars (it sells telegram_stars_<N>).
-- The operator marks it, and says whether it is tried before or after the stars provider: the
-- Stars product (offer 0) then has it among its sources, in that order, and failover runs
-- between them as between any offer's sources.
ALTER TABLE suppliers
  ADD COLUMN stars_source text CHECK (stars_source IN ('before-provider', 'after-provider')),
  ADD CONSTRAINT suppliers_stars_source_gamesdrop CHECK (stars_source IS NULL OR kind = 'gamesdrop');

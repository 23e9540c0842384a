-- What a catalog offer is like right now, beyond its row: whether an order could be fulfilled
-- (offer_supply's rule; the sandbox always), the FX rate of its currency, and the USD a
-- Partner API order would be debited (usd_amount; nothing for the sandbox). find-one and the
-- catalog feed show these; place_order decides by the same rules when it sells.
-- A single SELECT in SQL, so the planner inlines it: the feed asks it of a page of 1,000 offers.
CREATE FUNCTION offer_now(p_offer_id bigint) RETURNS TABLE (in_stock boolean, usd_per_unit numeric, debit_usd bigint)
LANGUAGE sql STABLE AS $$
  SELECT o.sandbox OR (offer_supply(o.id, false)).route <> 'none',
         f.usd_per_unit,
         CASE WHEN o.sandbox THEN 0 ELSE usd_amount(o.price, f.usd_per_unit) END
    FROM offers o LEFT JOIN fx_rates f ON f.currency = o.currency
   WHERE o.id = p_offer_id
$$;

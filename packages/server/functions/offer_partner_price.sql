-- The CodeGames partner_price: the offer's price less this merchant's commission (its override in
-- offer_commissions, else the offer's commission_percent), rounded half-up to the minor unit.
-- The one definition, used by `check` (to show it) and by place_order (to charge it), so they
-- cannot disagree.
CREATE FUNCTION offer_partner_price(p_offer_id bigint, p_merchant_id bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT round(o.price * (100 - coalesce(c.percent, o.commission_percent)) / 100)::bigint
    FROM offers o LEFT JOIN offer_commissions c ON c.offer_id = o.id AND c.merchant_id = p_merchant_id
   WHERE o.id = p_offer_id
$$;

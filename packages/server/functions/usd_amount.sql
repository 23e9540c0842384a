-- What an amount in an offer's currency costs in USD cents at a rate (USD per unit; both per
-- minor unit): rounded half-up (round() on a positive numeric), at least one cent, so no
-- purchase is ever free. NULL without a rate. The one statement of the rule: place_order
-- debits it, and find-one and the catalog feed show it before anyone buys.
-- NULL spelled out rather than STRICT: greatest() ignores NULLs, so a STRICT function around it
-- cannot be inlined, and run as a function call it was half the cost of find-one's query.
CREATE FUNCTION usd_amount(p_minor bigint, p_usd_per_unit numeric) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN p_minor IS NULL OR p_usd_per_unit IS NULL THEN NULL
              ELSE greatest(1, round(p_minor * p_usd_per_unit))::bigint END
$$;

-- What an amount in an offer's currency costs in USD cents at a rate (USD per unit; both per
-- minor unit): rounded half-up (round() on a positive numeric), at least one cent, so no
-- purchase is ever free. NULL without a rate. The one statement of the rule: place_order
-- debits it, and find-one and the catalog feed show it before anyone buys.
CREATE FUNCTION usd_amount(p_minor bigint, p_usd_per_unit numeric) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT greatest(1, round(p_minor * p_usd_per_unit))::bigint
$$;

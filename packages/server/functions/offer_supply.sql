-- Where an order for an offer is fulfilled from: a key of its own stock, else its upstream
-- suppliers, else nowhere. The one statement of that rule, for its two callers: place_order
-- claims the key it finds (p_claim: FOR UPDATE SKIP LOCKED, so concurrent orders never wait on
-- each other's key) and the CodeGames check only asks (could an order be fulfilled now?).
-- route: 'stock' (key_id and sealed set), 'supplier' or 'none'. The sandbox offer never asks.
-- A source counts while its upstream offer is sold (available: the upstream catalog sync says).
CREATE FUNCTION offer_supply(p_offer_id bigint, p_claim boolean, OUT route text, OUT key_id bigint, OUT sealed bytea)
LANGUAGE plpgsql AS $$
BEGIN
  IF p_claim THEN
    -- The offer as a range, not "=": an equality makes offer_id a constant the planner drops
    -- from the ORDER BY, and ordered by id alone it may walk the primary key and filter, through
    -- every key sold and every other offer's key below this one's first unclaimed key (68 ms a
    -- claim in the bench, and growing). Ordered by (offer_id, id), only the index of unclaimed
    -- keys gives the order.
    SELECT k.id, k.sealed INTO key_id, sealed FROM stock_keys k
     WHERE k.offer_id BETWEEN p_offer_id AND p_offer_id AND k.order_id IS NULL
     ORDER BY k.offer_id, k.id LIMIT 1 FOR UPDATE SKIP LOCKED;
  ELSE
    -- Written as the claim, so the plan reads the index of unclaimed keys: without an order the
    -- generic plan scans the whole table for an offer that has none.
    SELECT k.id INTO key_id FROM stock_keys k
     WHERE k.offer_id BETWEEN p_offer_id AND p_offer_id AND k.order_id IS NULL
     ORDER BY k.offer_id, k.id LIMIT 1;
  END IF;
  IF key_id IS NOT NULL THEN
    route := 'stock';
  ELSIF EXISTS (SELECT 1 FROM offer_sources s WHERE s.offer_id = p_offer_id AND s.available) THEN
    route := 'supplier';
  ELSE
    route := 'none';
  END IF;
END $$;

-- draftBalance kept on the account (a two-phase hold, as TigerBeetle keeps one), so reading a
-- merchant's funds is one primary-key read instead of a sum over its in-flight orders. `held` is
-- the sum of amount_usd of the merchant's orders in SUBMITTED or PROCESSING: place_order adds an
-- order accepted as PROCESSING in the UPDATE that debits it, and every transition out of those
-- states takes it off in its own transaction (docs/ledger.md; the audit checks the equality).
ALTER TABLE accounts ADD COLUMN held bigint NOT NULL DEFAULT 0 CHECK (held >= 0);

-- The backfill: the in-flight orders as they are at commit. The ALTER above already keeps new
-- orders out (place_order reads the account); SHARE waits for status changes under way and holds
-- off new ones until commit, so none lands between the sum and the commit.
LOCK TABLE orders IN SHARE MODE;
UPDATE accounts a SET held = f.total
  FROM (SELECT merchant_id, sum(amount_usd) AS total FROM orders
         WHERE status IN ('SUBMITTED', 'PROCESSING') GROUP BY merchant_id) f
 WHERE f.merchant_id = a.merchant_id;

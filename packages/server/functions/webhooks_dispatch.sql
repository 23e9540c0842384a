-- webhooks_dispatch: takes up to p_limit rows of the webhook outbox and queues one delivery job
-- per lane they name (webhooks_schedule), in one transaction: a row leaves the outbox only with
-- its job queued. SKIP LOCKED lets every hub instance dispatch at once without waiting on another.
-- Returns how many rows it took (p_limit: there may be more).
CREATE FUNCTION webhooks_dispatch(p_limit integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_endpoints bigint[];
  v_lanes     text[];
  v_taken     integer;
BEGIN
  WITH taken AS (
    DELETE FROM webhook_outbox
     WHERE ctid = ANY (ARRAY(SELECT ctid FROM webhook_outbox LIMIT p_limit FOR UPDATE SKIP LOCKED))
    RETURNING endpoint_id, lane
  )
  SELECT array_agg(endpoint_id), array_agg(lane), sum(rows) INTO v_endpoints, v_lanes, v_taken
    FROM (SELECT endpoint_id, lane, count(*) AS rows FROM taken GROUP BY endpoint_id, lane) AS lanes;
  IF v_endpoints IS NOT NULL THEN
    PERFORM webhooks_schedule(v_endpoints, v_lanes, NULL, 'preserve_run_at');
  END IF;
  RETURN coalesce(v_taken, 0);
END $$;

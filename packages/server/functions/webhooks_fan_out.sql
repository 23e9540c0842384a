-- webhooks_fan_out: one delivery of an event to each endpoint, and its lane in the outbox, in the
-- caller's transaction (the order-event and debit triggers, a test event, a redelivery). The job
-- that sends it is queued by webhooks_dispatch, after this transaction commits.
CREATE FUNCTION webhooks_fan_out(p_event uuid, p_lane text, p_endpoints bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_deliveries (event_id, endpoint_id, lane) SELECT p_event, e, p_lane FROM unnest(p_endpoints) AS e;
  INSERT INTO webhook_outbox (endpoint_id, lane) SELECT e, p_lane FROM unnest(p_endpoints) AS e;
END $$;

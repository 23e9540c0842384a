-- webhooks_fan_out: one delivery of an event to each endpoint, and each one's job, in the
-- caller's transaction (the order-event and debit triggers, a test event, a redelivery).
CREATE FUNCTION webhooks_fan_out(p_event uuid, p_lane text, p_endpoints bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_deliveries (event_id, endpoint_id, lane) SELECT p_event, e, p_lane FROM unnest(p_endpoints) AS e;
  PERFORM webhooks_schedule(e, p_lane, NULL, 'preserve_run_at') FROM unnest(p_endpoints) AS e;
END $$;

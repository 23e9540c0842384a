-- webhooks_schedule: queues (or re-times) the delivery job of one endpoint's lane (docs/webhooks.md).
-- The job key makes one waiting job per lane; the queue name serializes the lane, and hashing
-- lanes over the endpoint's `concurrency` queues bounds what runs at once for it. New events keep
-- a lane's backoff (p_mode 'preserve_run_at'); the worker's own retry sets it ('replace').
-- plpgsql, so graphile_worker is resolved when it runs: the hub's job runner makes that schema at
-- start, and migrations never call this.
CREATE FUNCTION webhooks_schedule(p_endpoint bigint, p_lane text, p_run_at timestamptz, p_mode text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM graphile_worker.add_job(
    'webhooks.deliver',
    json_build_object('endpointId', p_endpoint, 'lane', p_lane),
    queue_name => 'webhooks:' || p_endpoint || ':' || (abs(hashtext(p_lane)) % (SELECT concurrency FROM webhook_endpoints WHERE id = p_endpoint)),
    run_at => p_run_at,
    job_key => 'webhooks:' || p_endpoint || ':' || p_lane,
    job_key_mode => p_mode);
END $$;

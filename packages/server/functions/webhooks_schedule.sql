-- webhooks_schedule: queues (or re-times) the delivery jobs of endpoints' lanes, one graphile-worker
-- call for them all (docs/webhooks.md). The job key makes one waiting job per lane; the queue name
-- serializes the lane, and hashing lanes over the endpoint's `concurrency` queues bounds what runs
-- at once for it. New events keep a lane's backoff (p_mode 'preserve_run_at'); the worker's own
-- retry sets it ('replace'). plpgsql, so graphile_worker is resolved when it runs: the hub's job
-- runner makes that schema at start, and migrations never call this.
CREATE FUNCTION webhooks_schedule(p_endpoints bigint[], p_lanes text[], p_run_at timestamptz, p_mode text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- HAVING: no lanes, no call (add_jobs would still NOTIFY).
  PERFORM graphile_worker.add_jobs(
            array_agg(ROW(
              'webhooks.deliver', json_build_object('endpointId', l.endpoint_id, 'lane', l.lane),
              'webhooks:' || l.endpoint_id || ':' || (abs(hashtext(l.lane)) % e.concurrency),
              p_run_at, NULL, 'webhooks:' || l.endpoint_id || ':' || l.lane, NULL, NULL)::graphile_worker.job_spec),
            job_key_preserve_run_at => p_mode = 'preserve_run_at')
     FROM unnest(p_endpoints, p_lanes) AS l (endpoint_id, lane) JOIN webhook_endpoints e ON e.id = l.endpoint_id
   HAVING count(*) > 0;
END $$;

-- The webhook outbox (docs/webhooks.md#delivery): a change's transaction writes its event and
-- deliveries, and here the lanes that now have something to send; the job runner hands them to
-- graphile-worker in batches (functions/webhooks_dispatch.sql). Queuing the job in the change's own
-- transaction cost about 1 ms of database CPU per event and serialized the commits of every order
-- on graphile-worker's NOTIFY (docs/benchmarks.md#webhooks); a row here costs one heap insert.
-- No index and no key: the only reader takes and deletes a batch of whatever rows there are.
CREATE TABLE webhook_outbox (
  endpoint_id bigint NOT NULL,
  lane        text NOT NULL
);

-- Lanes already queued the old way keep their jobs; nothing to move.

-- The tables whose claims read an index from its low end, where the rows already claimed sit:
-- the unclaimed keys of an offer (place_order takes the lowest id) and the due fulfilment jobs
-- (the worker takes the earliest due_at). A sold key or a rescheduled job leaves a dead entry
-- there until a vacuum removes it, and every claim steps over every dead entry: 1,000,000 keys
-- sold and not yet vacuumed cost each order some 3,800 index pages, 4 ms (docs/benchmarks.md).
-- PostgreSQL's default waits for a fifth of the table to be dead, which for a stock of millions
-- is hundreds of thousands of entries. A fixed threshold keeps the dead run short at any size.
-- And a vacuum must clean the indexes: by default (index_cleanup auto) it skips them when the
-- dead rows sit on under 2% of the table's pages, which a fixed threshold on a large table always
-- meets (keys are sold in id order, so their rows are contiguous): the heap was vacuumed, the
-- index entries stayed, and every order stepped over all of them, more with every key sold (the
-- bench saw the database's CPU per order grow fivefold over three 10 s rounds).
ALTER TABLE stock_keys SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000, vacuum_index_cleanup = on);
ALTER TABLE fulfilment_jobs SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000, vacuum_index_cleanup = on);

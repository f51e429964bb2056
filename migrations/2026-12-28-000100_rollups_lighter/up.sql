-- Two changes to the reports' daily roll-ups (2026-12-27-000100_report_rollups).
--
-- 1. The days an order touched since the watermark are found from its status history, not from
--    `orders.updated_at`: every change to an order (placement, payment, a move, a change of its
--    lines, a cancellation, an expiry) writes a history line dated by its transaction. The B-tree
--    on `orders.updated_at` cost every placement and every status change one more insert at the
--    index's right edge, where all of them land at once; the history is insert-only and written
--    in time order, so a BRIN index finds its recent lines from a few pages and costs an insert
--    almost nothing. `orders.updated_at` stays (the kitchen's recall list reads it).
DROP INDEX orders_updated_idx;
CREATE INDEX order_status_history_created_brin ON order_status_history USING brin (created_at)
    WITH (pages_per_range = 32);

-- 2. Kitchen, delivery and pickup times: one row per shop, day and measure, its histogram of whole
--    seconds as two arrays in seconds order (`seconds[i]` took `counts[i]` sales), added up by the
--    API. A year of the chain is then about 5,500 rows instead of about a million.
ALTER TABLE rollup_times RENAME TO rollup_times_by_second;
ALTER INDEX rollup_times_pkey RENAME TO rollup_times_by_second_pkey;
ALTER TABLE rollup_times_by_second RENAME CONSTRAINT rollup_times_shop_id_fkey TO rollup_times_by_second_shop_id_fkey;
CREATE TABLE rollup_times (
    shop_id UUID NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    measure TEXT NOT NULL,
    seconds INTEGER[] NOT NULL,
    counts INTEGER[] NOT NULL,
    PRIMARY KEY (shop_id, day, measure),
    CHECK (cardinality(seconds) = cardinality(counts) AND cardinality(seconds) > 0)
);
INSERT INTO rollup_times (shop_id, day, measure, seconds, counts)
SELECT shop_id, day, measure, array_agg(seconds ORDER BY seconds), array_agg(n ORDER BY seconds)
FROM rollup_times_by_second
GROUP BY shop_id, day, measure;
DROP TABLE rollup_times_by_second;

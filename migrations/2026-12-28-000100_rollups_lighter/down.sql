ALTER TABLE rollup_times RENAME TO rollup_times_arrays;
ALTER INDEX rollup_times_pkey RENAME TO rollup_times_arrays_pkey;
ALTER TABLE rollup_times_arrays RENAME CONSTRAINT rollup_times_shop_id_fkey TO rollup_times_arrays_shop_id_fkey;
CREATE TABLE rollup_times (
    shop_id UUID NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    measure TEXT NOT NULL,
    seconds INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (shop_id, day, measure, seconds)
);
INSERT INTO rollup_times (shop_id, day, measure, seconds, n)
SELECT a.shop_id, a.day, a.measure, x.seconds, x.n
FROM rollup_times_arrays a CROSS JOIN LATERAL unnest(a.seconds, a.counts) AS x(seconds, n);
DROP TABLE rollup_times_arrays;

DROP INDEX order_status_history_created_brin;
CREATE INDEX orders_updated_idx ON orders (updated_at);

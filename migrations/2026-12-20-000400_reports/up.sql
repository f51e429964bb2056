-- Reports find the sales of a period by their placement (the history entry into `placed` from
-- nothing or from `pending_payment`), so that entry is indexed by time.
CREATE INDEX order_status_history_placed_idx ON order_status_history (created_at) INCLUDE (order_id)
    WHERE to_status = 'placed' AND from_status IS DISTINCT FROM 'placed';

ALTER TABLE order_status_history
    DROP COLUMN refund_method,
    DROP COLUMN amount_cents,
    DROP COLUMN reason,
    DROP COLUMN event;

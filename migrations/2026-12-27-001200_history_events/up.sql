-- What each line of an order's history is, as a type rather than English words in `note`: a
-- status move, the online payment, a change of the order, a failed delivery, the expiry of an
-- unpaid order, a refund (its amount and how it went back); and `reason`, what a person typed
-- (why an order was cancelled, why a delivery failed, why money was given back). `note` stays
-- the short words the shop feed and the logs show.
ALTER TABLE order_status_history
    ADD COLUMN event TEXT NOT NULL DEFAULT 'moved'
        CHECK (event IN ('moved', 'paid', 'modified', 'delivery_failed', 'expired', 'refunded')),
    ADD COLUMN reason TEXT CHECK (length(reason) <= 1000),
    ADD COLUMN amount_cents INTEGER CHECK (amount_cents > 0),
    ADD COLUMN refund_method TEXT CHECK (refund_method IN ('online', 'cash', 'card')),
    ADD CHECK ((event = 'refunded') = (amount_cents IS NOT NULL AND refund_method IS NOT NULL));

-- Lines written before: their kind from the words the server wrote them with.
UPDATE order_status_history SET event = 'modified' WHERE note = 'modified';
UPDATE order_status_history SET event = 'paid' WHERE note = 'paid online';
UPDATE order_status_history SET event = 'expired' WHERE note = 'not paid in time' AND actor_id IS NULL;
UPDATE order_status_history
   SET event = 'delivery_failed', reason = nullif(btrim(substr(note, length('delivery failed: ') + 1)), '')
 WHERE note LIKE 'delivery failed: %';
UPDATE order_status_history
   SET event = 'refunded',
       amount_cents = (substring(note FROM '^refunded ([0-9]+)\.')::int * 100
                       + substring(note FROM '^refunded [0-9]+\.([0-9]{2}) ')::int),
       refund_method = substring(note FROM '^refunded [0-9]+\.[0-9]{2} [A-Z]{3} \(([a-z]+)\): '),
       reason = nullif(substring(note FROM '^refunded [0-9]+\.[0-9]{2} [A-Z]{3} \([a-z]+\): (.*)$'), 'refund by a manager')
 WHERE note ~ '^refunded [0-9]+\.[0-9]{2} [A-Z]{3} \((online|cash|card)\): ';
UPDATE order_status_history SET reason = note
 WHERE event = 'moved' AND to_status = 'cancelled' AND actor_id IS NOT NULL AND note IS NOT NULL;

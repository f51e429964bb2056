DROP FUNCTION place_order(bigint, jsonb, jsonb, uuid[], bigint[]);
DROP FUNCTION shop_event_notify(shop_events);

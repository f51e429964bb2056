DROP INDEX recipe_items_ingredient_idx;
CREATE INDEX recipe_items_ingredient_idx ON recipe_items (ingredient_id);

CREATE OR REPLACE FUNCTION stock_levels_crossed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    shop UUID;
BEGIN
    FOR shop IN
        SELECT DISTINCT n.shop_id
        FROM old_stock o JOIN new_stock n USING (shop_id, ingredient_id)
        WHERE o.quantity <> n.quantity
          AND (EXISTS (SELECT 1 FROM recipe_items r WHERE r.ingredient_id = n.ingredient_id
                         AND r.quantity > LEAST(o.quantity, n.quantity)
                         AND r.quantity <= GREATEST(o.quantity, n.quantity))
               OR EXISTS (SELECT 1 FROM ingredients i WHERE i.id = n.ingredient_id AND i.can_be_extra
                         AND GREATEST(i.extra_quantity, 1) > LEAST(o.quantity, n.quantity)
                         AND GREATEST(i.extra_quantity, 1) <= GREATEST(o.quantity, n.quantity)))
        ORDER BY 1
    LOOP
        PERFORM bump_shop_menu_version(shop);
    END LOOP;
    RETURN NULL;
END $$;

-- place_order() of migration 2026-12-29-000100.
DROP FUNCTION place_order(bigint, bigint, jsonb, jsonb, uuid[], bigint[]);
CREATE FUNCTION place_order(catalog_version bigint, shop_version bigint, new_order jsonb,
                            new_lines jsonb, ingredient_ids uuid[], quantities bigint[])
RETURNS TABLE (outcome text, number integer, created_at timestamptz, shortages jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    v_order_id uuid := (new_order->>'id')::uuid;
    v_shop_id uuid := (new_order->>'shop_id')::uuid;
    v_actor_id uuid := (new_order->>'created_by')::uuid;
    order_status text := new_order->>'status';
    current_version bigint;
    current_shop_version bigint;
    order_number integer;
    missing jsonb;
    crossed uuid[];
    event shop_events;
BEGIN
    -- 1. Prices from a cached catalog hold only while the catalog is that version (the share
    --    lock keeps it so until this order commits); the shop as the API checked it (row, hours,
    --    closures, pauses) from its menu state only while the shop's menu version is that one (a
    --    change since: the API checks again from the tables). Both read in one statement.
    IF place_order.catalog_version IS NOT NULL THEN
        SELECT c.version, (SELECT v.version FROM shop_menu_versions v WHERE v.shop_id = v_shop_id)
          INTO current_version, current_shop_version
          FROM catalog_version c FOR SHARE OF c;
        IF current_version IS DISTINCT FROM place_order.catalog_version THEN
            RETURN QUERY SELECT 'stale_catalog'::text, NULL::integer, NULL::timestamptz, NULL::jsonb;
            RETURN;
        END IF;
    ELSIF place_order.shop_version IS NOT NULL THEN
        SELECT v.version INTO current_shop_version FROM shop_menu_versions v
         WHERE v.shop_id = v_shop_id;
    END IF;
    IF place_order.shop_version IS NOT NULL
       AND current_shop_version IS DISTINCT FROM place_order.shop_version THEN
        RETURN QUERY SELECT 'stale_shop'::text, NULL::integer, NULL::timestamptz, NULL::jsonb;
        RETURN;
    END IF;

    -- 2. What nobody else waits for: the lines, their modifications and the first history entry
    --    (their keys to the order are checked at commit).
    INSERT INTO order_lines (id, order_id, position, product_id, product_name, size_code, size_label,
                             quantity, unit_price_cents, line_total_cents)
    SELECT l.id, v_order_id, l.position, l.product_id, l.product_name, l.size_code, l.size_label,
           l.quantity, l.unit_price_cents, l.line_total_cents
      FROM jsonb_to_recordset(new_lines) AS l(id uuid, position integer, product_id uuid,
           product_name text, size_code text, size_label text, quantity integer,
           unit_price_cents integer, line_total_cents integer);
    IF jsonb_path_exists(new_lines, '$[*].modifications[*]') THEN
        INSERT INTO order_line_modifications (order_line_id, ingredient_id, ingredient_name, kind,
                                              price_cents)
        SELECT l.id, m.ingredient_id, m.ingredient_name, m.kind, m.price_cents
          FROM jsonb_to_recordset(new_lines) AS l(id uuid, modifications jsonb),
               jsonb_to_recordset(l.modifications) AS m(ingredient_id uuid, ingredient_name text,
               kind text, price_cents integer);
    END IF;
    INSERT INTO order_status_history (order_id, from_status, to_status, actor_id)
    VALUES (v_order_id, NULL, order_status, v_actor_id);

    -- 3. The shop's counter: the order's number. Locked from here to the commit.
    UPDATE shop_order_counters c SET next_number = c.next_number + 1
     WHERE c.shop_id = v_shop_id
    RETURNING c.next_number - 1 INTO order_number;

    -- 4. The stock rows the order needs, locked in ingredient-id order, then checked: every
    --    ingredient short is named (a shop without a line for it has none of it).
    --    (One statement: the CTE locks every row it reads, in its order, before the check reads
    --    them all.)
    WITH locked AS MATERIALIZED (
        SELECT s.ingredient_id, s.quantity FROM stock s
         WHERE s.shop_id = v_shop_id AND s.ingredient_id = ANY(place_order.ingredient_ids)
         ORDER BY s.ingredient_id FOR UPDATE
    )
    SELECT jsonb_agg(jsonb_build_object('ingredient_id', n.ingredient_id, 'name', i.name,
                     'unit', i.unit, 'needed', n.quantity, 'available', COALESCE(s.quantity, 0))
                     ORDER BY n.ingredient_id)
      INTO missing
      FROM unnest(place_order.ingredient_ids, place_order.quantities) AS n(ingredient_id, quantity)
      JOIN ingredients i ON i.id = n.ingredient_id
      LEFT JOIN locked s ON s.ingredient_id = n.ingredient_id
     WHERE COALESCE(s.quantity, 0) < n.quantity;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'out_of_stock' USING DETAIL = missing::text;
    END IF;

    -- 5. The order itself, and its announcement on the shop's feed (NOTIFY is delivered at
    --    commit only).
    INSERT INTO orders (id, shop_id, number, customer_id, created_by, status, fulfilment,
                        payment_method, customer_name, customer_phone, customer_email,
                        delivery_line1, delivery_line2, delivery_postal_code, delivery_city,
                        delivery_instructions, notes, subtotal_cents, delivery_fee_cents,
                        total_cents, currency, expires_at)
    SELECT v_order_id, v_shop_id, order_number, o.customer_id, v_actor_id, order_status, o.fulfilment,
           o.payment_method, o.customer_name, o.customer_phone, o.customer_email,
           o.delivery_line1, o.delivery_line2, o.delivery_postal_code, o.delivery_city,
           o.delivery_instructions, o.notes, o.subtotal_cents, o.delivery_fee_cents,
           o.total_cents, o.currency, o.expires_at
      FROM jsonb_to_record(new_order) AS o(customer_id uuid, fulfilment text, payment_method text,
           customer_name text, customer_phone text, customer_email text, delivery_line1 text,
           delivery_line2 text, delivery_postal_code text, delivery_city text,
           delivery_instructions text, notes text, subtotal_cents integer,
           delivery_fee_cents integer, total_cents integer, currency text, expires_at timestamptz);
    INSERT INTO shop_events (shop_id, kind, order_id, number, status)
    VALUES (v_shop_id, 'order_placed', v_order_id, order_number, order_status)
    RETURNING * INTO event;
    PERFORM shop_event_notify(event);

    -- 6. The stock taken, as one row for the whole order (its ingredients and their deltas side
    --    by side; stock_ledger shows it as one movement per ingredient, and the stock stays the
    --    sum of the ledger), and the ingredients whose stock went through a level a recipe or an
    --    extra needs: those can change the menu, so the shop's feed hears of them.
    WITH taken AS (
        UPDATE stock s SET quantity = s.quantity - n.quantity, updated_at = now()
          FROM unnest(place_order.ingredient_ids, place_order.quantities) AS n(ingredient_id, quantity)
         WHERE s.shop_id = v_shop_id AND s.ingredient_id = n.ingredient_id
        RETURNING s.ingredient_id, n.quantity, s.quantity + n.quantity AS old, s.quantity AS new
    ), moved AS (
        INSERT INTO order_stock_takes (order_id, shop_id, ingredient_ids, deltas, actor_id)
        SELECT v_order_id, v_shop_id, array_agg(t.ingredient_id ORDER BY t.ingredient_id),
               array_agg(-t.quantity ORDER BY t.ingredient_id), v_actor_id
          FROM taken t
        HAVING count(*) > 0
    )
    SELECT array_agg(t.ingredient_id ORDER BY t.ingredient_id) INTO crossed
      FROM taken t
     WHERE EXISTS (SELECT 1 FROM recipe_items r WHERE r.ingredient_id = t.ingredient_id
                     AND r.quantity > t.new AND r.quantity <= t.old)
        OR EXISTS (SELECT 1 FROM ingredients i WHERE i.id = t.ingredient_id AND i.can_be_extra
                     AND GREATEST(i.extra_quantity, 1) > t.new
                     AND GREATEST(i.extra_quantity, 1) <= t.old);
    IF crossed IS NOT NULL THEN
        INSERT INTO shop_events (shop_id, kind, ingredient_ids)
        VALUES (v_shop_id, 'stock_changed', crossed)
        RETURNING * INTO event;
        PERFORM shop_event_notify(event);
    END IF;

    RETURN QUERY SELECT 'placed'::text, order_number, now(), NULL::jsonb;
END $$;

-- search_page on large catalogs (issue 17, measured with EXPLAIN ANALYZE on 10,000 generated
-- products, q=pizza matching all of them): it joined every match to `products` and sorted all
-- of them, descriptions and ingredient lists included, before keeping one page (a 4 MB sort
-- spilled to disk, two thirds of the statement). The page is now picked by a top-N sort of the
-- narrow rows, and only its products' texts are read. Same rows, same order, same ranks.
CREATE OR REPLACE FUNCTION search_page(search_text TEXT, category_key TEXT, only_vegetarian BOOLEAN,
                            without_allergens TEXT[], page_size BIGINT, page_offset BIGINT,
                            for_shop UUID)
    RETURNS TABLE (kind TEXT, product_id UUID, score FLOAT8, rank BIGINT, facet TEXT, count BIGINT,
                   category_id UUID, currency TEXT, name_marked TEXT, description_marked TEXT,
                   ingredient_names TEXT[], ingredients_marked TEXT[])
    LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
    tolerant tsquery := search_query(search_text, TRUE);
    exact tsquery := search_query(search_text, FALSE);
    in_name tsquery := search_query(search_text, TRUE, 'A');
    normalized TEXT := search_normalize(search_text);
    -- Any one of the words (in any of its forms): what a highlight marks.
    any_word tsquery := replace(tolerant::text, ' & ', ' | ')::tsquery;
    wanted_category UUID;
    wanted_slug TEXT;
    shop_currency TEXT;
BEGIN
    IF category_key IS NOT NULL THEN
        SELECT c.id, c.slug INTO wanted_category, wanted_slug
        FROM categories c
        WHERE CASE WHEN category_key ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                   THEN c.id = category_key::uuid
                   ELSE c.slug = category_key END;
    END IF;
    IF for_shop IS NOT NULL THEN
        SELECT s.currency INTO shop_currency FROM shops s WHERE s.id = for_shop;
    END IF;
    RETURN QUERY SELECT 'scope'::text, NULL::uuid, NULL::float8, NULL::int8, wanted_slug,
                        NULL::int8, wanted_category, shop_currency, NULL::text, NULL::text,
                        NULL::text[], NULL::text[];
    IF tolerant IS NULL
       OR (category_key IS NOT NULL AND wanted_category IS NULL)
       OR (for_shop IS NOT NULL AND shop_currency IS NULL) THEN
        RETURN;
    END IF;
    RETURN QUERY
    WITH matches AS MATERIALIZED (
        SELECT d.product_id, d.category_slug, d.vegetarian, d.category_position, d.position, d.name,
               coalesce(ts_rank(d.document, exact), 0)::float8
               + 0.3::float8 * ts_rank(d.document, tolerant)
               + CASE WHEN d.document @@ in_name
                      THEN 2 * similarity(normalized, d.normalized_name) ELSE 0 END AS score
        FROM search_documents d
        WHERE d.document @@ tolerant
          AND d.active
          AND (wanted_category IS NULL OR d.category_id = wanted_category)
          AND (only_vegetarian IS NULL OR d.vegetarian = only_vegetarian)
          AND NOT (d.allergens && without_allergens)
    ), ranked AS MATERIALIZED (
        -- The page's products only, by a top-N sort of the narrow rows (the menu order breaking
        -- ties, the id last: a total order, so pages never overlap).
        SELECT m.product_id, m.score, m.name
        FROM matches m
        ORDER BY m.score DESC, m.category_position, m.position, m.name, m.product_id
        LIMIT page_size OFFSET page_offset
    ), page AS MATERIALIZED (
        -- Their texts, read for those products alone.
        SELECT r.product_id, r.score, r.name, p.description, d.ingredient_names,
               page_offset + row_number() OVER (ORDER BY r.score DESC, d.category_position,
                                                         d.position, r.name, r.product_id) AS rank
        FROM ranked r
        JOIN search_documents d ON d.product_id = r.product_id
        JOIN products p ON p.id = r.product_id
    ), bodies AS MATERIALIZED (
        -- Each distinct text once: most pizzas share their mozzarella.
        SELECT DISTINCT b.body
        FROM page pg
        CROSS JOIN LATERAL (SELECT pg.name UNION ALL SELECT pg.description
                            UNION ALL SELECT unnest(pg.ingredient_names)) AS b(body)
    ), candidates AS MATERIALIZED (
        -- Only the texts holding one of the words are marked (materialised first, so that the
        -- planner cannot run ts_headline before this test).
        SELECT b.body
        FROM bodies b
        LEFT JOIN search_texts t ON t.body = b.body
        WHERE t.vector IS NULL OR t.vector @@ any_word
    ), marked AS MATERIALIZED (
        SELECT h.body, h.m
        FROM (SELECT c.body, search_headline(c.body, tolerant) AS m FROM candidates c) AS h
        WHERE strpos(h.m, chr(1)) > 0
    )
    SELECT 'hit'::text, pg.product_id, pg.score, pg.rank, NULL::text, NULL::int8, NULL::uuid,
           NULL::text,
           (SELECT mk.m FROM marked mk WHERE mk.body = pg.name),
           (SELECT mk.m FROM marked mk WHERE mk.body = pg.description),
           ing.names, ing.marks
    FROM page pg
    CROSS JOIN LATERAL (
        SELECT array_agg(u.name ORDER BY u.ord) AS names, array_agg(mk.m ORDER BY u.ord) AS marks
        FROM unnest(pg.ingredient_names) WITH ORDINALITY AS u(name, ord)
        JOIN marked mk ON mk.body = u.name
    ) AS ing
    UNION ALL
    SELECT 'category', NULL, NULL, NULL, m.category_slug, count(*), NULL, NULL, NULL, NULL, NULL, NULL
    FROM matches m GROUP BY m.category_slug
    UNION ALL
    SELECT 'vegetarian', NULL, NULL, NULL, m.vegetarian::text, count(*), NULL, NULL, NULL, NULL,
           NULL, NULL
    FROM matches m GROUP BY m.vegetarian;
END
$$;

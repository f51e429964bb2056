-- Every text a highlight may mark (product names, descriptions, ingredient names) with its words
-- in both configurations, so that a search marks only the texts holding one of its words instead
-- of running ts_headline (a full parse, twice) over every text of the page. Kept by
-- search_rebuild_documents, which the catalog's triggers call; texts are only added (a stale one
-- is never looked up), and a text missing here is marked the slow way.
CREATE TABLE search_texts (
    body TEXT PRIMARY KEY,
    vector tsvector NOT NULL
);
INSERT INTO search_texts (body, vector)
SELECT t.body, to_tsvector('ocpizza_simple', t.body) || to_tsvector('ocpizza_french', t.body)
FROM (
    SELECT name AS body FROM products
    UNION SELECT description FROM products
    UNION SELECT unnest(ingredient_names) FROM search_documents
) AS t
WHERE t.body IS NOT NULL;

CREATE OR REPLACE FUNCTION search_rebuild_documents(ids UUID[]) RETURNS VOID LANGUAGE sql AS $$
    WITH wanted AS MATERIALIZED (
        SELECT DISTINCT unnest(ids) AS id
    ), made_with AS (
        SELECT s.product_id,
               array_agg(DISTINCT i.name ORDER BY i.name) AS names,
               coalesce(array_agg(DISTINCT a ORDER BY a) FILTER (WHERE a IS NOT NULL), '{}') AS allergens
        FROM wanted
        JOIN product_sizes s ON s.product_id = wanted.id
        JOIN recipe_items r ON r.product_size_id = s.id
        JOIN ingredients i ON i.id = r.ingredient_id
        LEFT JOIN LATERAL unnest(i.allergens) AS a ON TRUE
        GROUP BY s.product_id
    )
    INSERT INTO search_documents (product_id, document, ingredient_names, allergens, name,
                                  normalized_name, category_id, category_slug, category_position,
                                  position, vegetarian, active, updated_at)
    SELECT p.id,
           -- "végétarien" finds every vegetarian dish, not only the pizza named so.
           search_vector(p.name, array_to_string(ing.names, ' '),
                         concat_ws(' ', c.name, CASE WHEN p.vegetarian AND p.kind IN ('pizza', 'starter')
                                                     THEN 'végétarien' END),
                         p.description),
           coalesce(ing.names, '{}'),
           coalesce(ing.allergens, '{}'),
           p.name,
           search_normalize(p.name),
           c.id,
           c.slug,
           c.position,
           p.position,
           p.vegetarian,
           p.active,
           now()
    FROM wanted
    JOIN products p ON p.id = wanted.id
    JOIN categories c ON c.id = p.category_id
    LEFT JOIN made_with ing ON ing.product_id = p.id
    ON CONFLICT (product_id) DO UPDATE SET
        document = EXCLUDED.document,
        ingredient_names = EXCLUDED.ingredient_names,
        allergens = EXCLUDED.allergens,
        name = EXCLUDED.name,
        normalized_name = EXCLUDED.normalized_name,
        category_id = EXCLUDED.category_id,
        category_slug = EXCLUDED.category_slug,
        category_position = EXCLUDED.category_position,
        position = EXCLUDED.position,
        vegetarian = EXCLUDED.vegetarian,
        active = EXCLUDED.active,
        updated_at = EXCLUDED.updated_at;
    INSERT INTO search_words (word, stem)
    SELECT new_word.word, (ts_lexize('french_stem', new_word.word))[1]
    FROM (
        SELECT DISTINCT w.lexeme AS word
        FROM (SELECT DISTINCT unnest(ids) AS id) AS wanted
        JOIN search_documents d ON d.product_id = wanted.id
        CROSS JOIN LATERAL unnest(strip(d.document)) AS w
        WHERE w.lexeme ~ '^[[:alpha:]]{3,}$'
    ) AS new_word
    WHERE NOT EXISTS (SELECT 1 FROM search_words known WHERE known.word = new_word.word)
    ON CONFLICT (word) DO NOTHING;
    -- The texts a highlight may mark, parsed once here rather than at every search.
    INSERT INTO search_texts (body, vector)
    SELECT t.body, to_tsvector('ocpizza_simple', t.body) || to_tsvector('ocpizza_french', t.body)
    FROM (
        SELECT p.name AS body FROM products p WHERE p.id = ANY (ids)
        UNION SELECT p.description FROM products p WHERE p.id = ANY (ids)
        UNION SELECT unnest(d.ingredient_names) FROM search_documents d WHERE d.product_id = ANY (ids)
    ) AS t
    WHERE t.body IS NOT NULL
    ON CONFLICT (body) DO NOTHING;
$$;

-- One statement per search (issue 17): the filters resolved (category by id or slug, the shop's
-- currency), the matches ranked exactly as `search_products` does, the facets counted, and the
-- highlights of the page's products marked, together. The API used to spend five more round
-- trips around `search_products` (category, shop, products, stock, highlights).
--
-- Rows:
--   'scope'      always first: category_id and facet (its slug) when `category_key` names one,
--                currency when `for_shop` names a shop; both NULL when they name nothing (the
--                search stops there: the API answers 422 naming the parameter).
--   'hit'        product_id, score, rank, and the highlights: name_marked, description_marked
--                (NULL when they do not match), ingredient_names and ingredients_marked (the
--                matching ingredients only, two parallel arrays). Marks are chr(1) … chr(2).
--   'category', 'vegetarian'   a facet value and its count, over all pages.
CREATE FUNCTION search_page(search_text TEXT, category_key TEXT, only_vegetarian BOOLEAN,
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
               d.ingredient_names,
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
    ), page AS MATERIALIZED (
        SELECT m.product_id, m.score, m.name, p.description, m.ingredient_names,
               row_number() OVER (ORDER BY m.score DESC, m.category_position, m.position, m.name,
                                           m.product_id) AS rank
        FROM matches m
        JOIN products p ON p.id = m.product_id
        ORDER BY rank
        LIMIT page_size OFFSET page_offset
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

-- Back to the definitions of 2026-11-24-000100_search.
DROP FUNCTION search_query(TEXT, BOOLEAN, TEXT);

-- A customer's text as a query: every meaningful word must match, in any of its forms (French
-- stem, English stem, exact word). With `tolerant`, the last word also matches as a prefix (it
-- may still be being typed) and a word of 4 letters or more that is not in the vocabulary also
-- matches its nearest words ("margarita" → "margherita", "calzonne" → "calzone"). Numbers up to
-- ten also match their French word. French stop words ("de", "aux") are dropped. NULL when
-- nothing is left.
CREATE FUNCTION search_query(raw TEXT, tolerant BOOLEAN) RETURNS tsquery
    LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    terms TEXT[];
    term TEXT;
    n INTEGER := 0;
    near TEXT;
    part tsquery;
    result tsquery;
BEGIN
    terms := ARRAY(SELECT m[1] FROM regexp_matches(search_normalize(raw), '([[:alnum:]]+)', 'g') AS m);
    FOREACH term IN ARRAY terms LOOP
        n := n + 1;
        CONTINUE WHEN to_tsvector('ocpizza_french', term) = ''::tsvector;
        part := to_tsquery('ocpizza_french', term) || to_tsquery('ocpizza_simple', term);
        IF to_tsvector('english', term) <> ''::tsvector THEN
            part := part || to_tsquery('english', term);
        END IF;
        -- "4 fromages" is the "Quatre fromages".
        IF term ~ '^([1-9]|10)$' THEN
            part := part || to_tsquery('ocpizza_simple',
                (ARRAY['un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf', 'dix'])[term::INTEGER]);
        END IF;
        IF tolerant AND n = array_length(terms, 1) AND length(term) >= 2 THEN
            part := part || to_tsquery('ocpizza_simple', term || ':*');
        END IF;
        IF tolerant AND length(term) >= 4
           AND NOT EXISTS (SELECT 1 FROM search_words w WHERE w.word = term)
           AND NOT EXISTS (SELECT 1 FROM search_words w WHERE w.stem = (ts_lexize('french_stem', term))[1])
        THEN
            FOR near IN
                SELECT w.word FROM search_words w
                WHERE w.word % term AND similarity(w.word, term) >= 0.45
                ORDER BY similarity(w.word, term) DESC, w.word
                LIMIT 3
            LOOP
                part := part || to_tsquery('ocpizza_simple', near);
            END LOOP;
        END IF;
        result := CASE WHEN result IS NULL THEN part ELSE result && part END;
    END LOOP;
    RETURN result;
END
$$;

-- Rebuilds the search documents of these products (and adds their words to the vocabulary).
CREATE OR REPLACE FUNCTION search_rebuild_documents(ids UUID[]) RETURNS VOID LANGUAGE sql AS $$
    INSERT INTO search_documents (product_id, document, ingredient_names, allergens, name,
                                  normalized_name, category_id, category_slug, category_position,
                                  position, vegetarian, active, updated_at)
    SELECT p.id,
           -- "végétarien" finds every vegetarian dish, not only the pizza named so.
           search_vector(p.name, array_to_string(ing.names, ' '),
                         concat_ws(' ', c.name, CASE WHEN p.vegetarian AND p.kind IN ('pizza', 'starter')
                                                     THEN 'végétarien' END),
                         p.description),
           ing.names,
           ing.allergens,
           p.name,
           search_normalize(p.name),
           c.id,
           c.slug,
           c.position,
           p.position,
           p.vegetarian,
           p.active,
           now()
    -- Joined to the ids rather than `p.id = ANY (ids)`, which compares every row with every id:
    -- a bulk import of 10,000 products would take minutes instead of seconds.
    FROM (SELECT DISTINCT unnest(ids) AS id) AS wanted
    JOIN products p ON p.id = wanted.id
    JOIN categories c ON c.id = p.category_id
    CROSS JOIN LATERAL (
        SELECT coalesce(array_agg(DISTINCT i.name ORDER BY i.name), '{}') AS names,
               coalesce(array_agg(DISTINCT a ORDER BY a) FILTER (WHERE a IS NOT NULL), '{}') AS allergens
        FROM product_sizes s
        JOIN recipe_items r ON r.product_size_id = s.id
        JOIN ingredients i ON i.id = r.ingredient_id
        LEFT JOIN LATERAL unnest(i.allergens) AS a ON TRUE
        WHERE s.product_id = p.id
    ) ing
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
$$;

-- Statement-level triggers with transition tables: a recipe of 18 lines written in one INSERT
-- refreshes its product once, and a bulk import refreshes each product once.
CREATE OR REPLACE FUNCTION search_products_changed() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM search_refresh(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM search_refresh(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (n.category_id, n.slug, n.name, n.description, n.kind, n.vegetarian, n.image_url, n.active, n.position)
                  IS DISTINCT FROM
                  (o.category_id, o.slug, o.name, o.description, o.kind, o.vegetarian, o.image_url, o.active, o.position)));
    ELSE
        INSERT INTO search_outbox (product_id) SELECT id FROM old_rows;
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION search_categories_changed() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_refresh(ARRAY(
        SELECT p.id FROM products p
        JOIN new_rows n ON n.id = p.category_id JOIN old_rows o ON o.id = n.id
        WHERE (n.slug, n.name, n.position) IS DISTINCT FROM (o.slug, o.name, o.position)));
    RETURN NULL;
END
$$;

-- A renamed ingredient, or one whose allergens change, changes every product made with it.
CREATE OR REPLACE FUNCTION search_ingredients_changed() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_refresh(ARRAY(
        SELECT DISTINCT s.product_id FROM product_sizes s
        JOIN recipe_items r ON r.product_size_id = s.id
        JOIN new_rows n ON n.id = r.ingredient_id JOIN old_rows o ON o.id = n.id
        WHERE (n.name, n.allergens, n.vegetarian) IS DISTINCT FROM (o.name, o.allergens, o.vegetarian)));
    RETURN NULL;
END
$$;

-- One page of the products matching a customer's text (best first), with the facet counts of
-- all matches, in one call whose plans PL/pgSQL keeps per connection. Rows of kind 'hit' carry
-- a product, its score and its rank; rows of kind 'category' and 'vegetarian' a facet value and
-- its count. Score: ts_rank of the exact words (weights A name, B ingredients, C category, D
-- description), a third of it for the tolerant forms (prefix, corrected typos), plus the
-- similarity of the name to the text when it is close. (ts_rank_cd would weigh proximity, at
-- seven times the cost on a query matching every product.)
CREATE OR REPLACE FUNCTION search_products(search_text TEXT, in_category UUID, only_vegetarian BOOLEAN,
                                without_allergens TEXT[], page_size BIGINT, page_offset BIGINT)
    RETURNS TABLE (kind TEXT, product_id UUID, score FLOAT8, rank BIGINT, facet TEXT, count BIGINT)
    LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
    tolerant tsquery := search_query(search_text, TRUE);
    exact tsquery := search_query(search_text, FALSE);
    normalized TEXT := search_normalize(search_text);
BEGIN
    IF tolerant IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
    WITH matches AS MATERIALIZED (
        SELECT d.product_id, d.category_slug, d.vegetarian, d.category_position, d.position, d.name,
               coalesce(ts_rank(d.document, exact), 0)::float8
               + 0.3::float8 * ts_rank(d.document, tolerant)
               + CASE WHEN similarity(normalized, d.normalized_name) >= 0.3
                      THEN 2 * similarity(normalized, d.normalized_name) ELSE 0 END AS score
        FROM search_documents d
        WHERE d.document @@ tolerant
          AND d.active
          AND (in_category IS NULL OR d.category_id = in_category)
          AND (only_vegetarian IS NULL OR d.vegetarian = only_vegetarian)
          AND NOT (d.allergens && without_allergens)
    ), page AS (
        SELECT m.product_id, m.score,
               row_number() OVER (ORDER BY m.score DESC, m.category_position, m.position, m.name,
                                           m.product_id) AS rank
        FROM matches m
        ORDER BY rank
        LIMIT page_size OFFSET page_offset
    )
    SELECT 'hit'::text, p.product_id, p.score, p.rank, NULL::text, NULL::int8 FROM page p
    UNION ALL
    SELECT 'category', NULL, NULL, NULL, m.category_slug, count(*) FROM matches m GROUP BY m.category_slug
    UNION ALL
    SELECT 'vegetarian', NULL, NULL, NULL, m.vegetarian::text, count(*) FROM matches m GROUP BY m.vegetarian;
END
$$;

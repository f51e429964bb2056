DROP FUNCTION search_page(TEXT, TEXT, BOOLEAN, TEXT[], BIGINT, BIGINT, UUID);
DROP TABLE search_texts;
-- search_rebuild_documents as the search_large_catalogs migration left it.
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
$$;

// When the menu's own filter finds nothing (a typo: "margarita", "calzonne", "4 fromage"), the
// search endpoint is asked: it forgives typos, plurals and numbers written as digits. Its hits are
// shown as the menu's own products (with the menu's availability), best match first.
import { api, call } from "../api/client";
import type { Menu, Product } from "../api/types";
import { useResource } from "../api/useResource";
import { useDebounced } from "../ui/useDebounced";
import type { MenuFilters } from "./menuSearch";

/** Shortest text worth asking the server about. */
export const NEAR_MATCH_MIN_CHARS = 3;

export function searchQuery(shopId: string, filters: MenuFilters) {
  return {
    q: filters.query.trim(),
    shop_id: shopId,
    limit: 20,
    ...(filters.vegetarian ? { vegetarian: true } : {}),
    ...(filters.excludeAllergens.length ? { allergen_free: filters.excludeAllergens.join(",") } : {}),
  };
}

/** The menu's products with these ids, in the order given (ids the menu lacks are left out). */
export function productsInOrder(menu: Menu, ids: readonly string[]): Product[] {
  const byId = new Map<string, Product>();
  for (const category of menu.categories) for (const product of category.products) byId.set(product.id, product);
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/**
 * The closest products for a search the menu's filter found nothing for; `null` while not asked
 * or not answered yet (the page then shows its "no result" panel).
 */
export function useNearMatches(menu: Menu, filters: MenuFilters, localCount: number): Product[] | null {
  const debounced = useDebounced(filters, 200);
  const wanted =
    localCount === 0 && debounced === filters && debounced.query.trim().length >= NEAR_MATCH_MIN_CHARS;
  const query = searchQuery(menu.shop_id, debounced);
  const found = useResource(wanted ? `near:${JSON.stringify(query)}` : null, async (signal) => {
    const page = await call(api.GET("/api/v1/search", { params: { query }, signal }));
    return page.items.map((hit) => hit.product.id);
  });
  if (!wanted || found.status !== "ready") return null;
  return productsInOrder(menu, found.data);
}

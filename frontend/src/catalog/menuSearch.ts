// Searching and filtering a shop's menu in the browser: accent- and case-insensitive words over
// name, description and ingredients, a vegetarian switch and allergens to avoid.
import type { Menu, MenuCategory, Product } from "../api/types";

/** "Œuf brûlé" → "oeuf brule": lower case, no diacritics, ligatures spelt out. */
export function normalize(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .replace(/œ/g, "oe")
    .replace(/æ/g, "ae")
    .replace(/ß/g, "ss");
}

export interface MenuFilters {
  query: string;
  vegetarian: boolean;
  /** Allergen codes (as the API spells them: `gluten`, `milk`…) the product must not contain. */
  excludeAllergens: readonly string[];
}

export const NO_FILTERS: MenuFilters = { query: "", vegetarian: false, excludeAllergens: [] };

function haystack(product: Product): string {
  return normalize([product.name, product.description, ...product.ingredients.map((i) => i.name)].join(" \u0000 "));
}

export function productMatches(product: Product, filters: MenuFilters): boolean {
  if (filters.vegetarian && !product.vegetarian) return false;
  if (filters.excludeAllergens.some((a) => product.allergens.includes(a))) return false;
  const words = normalize(filters.query).split(/[\s,;'’-]+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = haystack(product);
  return words.every((word) => text.includes(word));
}

/** The menu's categories with only the matching products; empty categories are left out. */
export function filterMenu(categories: readonly MenuCategory[], filters: MenuFilters): MenuCategory[] {
  return categories
    .map((category) => ({ ...category, products: category.products.filter((p) => productMatches(p, filters)) }))
    .filter((category) => category.products.length > 0);
}

/** Every allergen found on the menu, in a stable order. */
export function menuAllergens(menu: Menu): string[] {
  const all = new Set<string>();
  for (const category of menu.categories) for (const product of category.products) product.allergens.forEach((a) => all.add(a));
  return [...all].sort();
}

export function hasActiveFilters(filters: MenuFilters): boolean {
  return filters.query.trim() !== "" || filters.vegetarian || filters.excludeAllergens.length > 0;
}

import { describe, expect, it } from "vitest";
import { menu } from "../test/fixtures";
import { filterMenu, menuAllergens, normalize, NO_FILTERS, type MenuFilters } from "./menuSearch";

const names = (filters: Partial<MenuFilters>) =>
  filterMenu(menu.categories, { ...NO_FILTERS, ...filters }).flatMap((c) => c.products.map((p) => p.name));

describe("menu search", () => {
  it("normalises accents, case and ligatures", () => {
    expect(normalize("Œuf BRÛLÉ Crème")).toBe("oeuf brule creme");
  });

  it("finds a product without typing its accents, and with them", () => {
    expect(names({ query: "chevre" })).toEqual(["Chèvre miel"]);
    expect(names({ query: "CHÈVRE" })).toEqual(["Chèvre miel"]);
  });

  it("searches descriptions and ingredients too", () => {
    expect(names({ query: "oeuf" })).toEqual(["Paysanne"]);
    expect(names({ query: "mascarpone" })).toEqual(["Tiramisu"]);
    expect(names({ query: "fior di latte" })).toEqual(["Margherita"]);
  });

  it("requires every word to match", () => {
    expect(names({ query: "crème miel" })).toEqual(["Chèvre miel"]);
    expect(names({ query: "creme tomate" })).toEqual([]);
  });

  it("an empty query keeps everything", () => {
    expect(names({ query: "   " })).toHaveLength(4);
  });

  it("filters vegetarian products and excluded allergens, dropping empty categories", () => {
    expect(names({ vegetarian: true })).toEqual(["Margherita", "Chèvre miel", "Tiramisu"]);
    expect(names({ excludeAllergens: ["nuts", "eggs"] })).toEqual(["Margherita"]);
    expect(filterMenu(menu.categories, { ...NO_FILTERS, excludeAllergens: ["eggs"] }).map((c) => c.slug)).toEqual(["pizzas"]);
  });

  it("lists the allergens present on the menu", () => {
    expect(menuAllergens(menu)).toEqual(["eggs", "gluten", "milk", "nuts"]);
  });
});

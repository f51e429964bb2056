// Small API payloads for tests, typed by the generated schema so they follow the spec.
import type { Menu, Product, Shop } from "../api/types";

export function product(overrides: Partial<Product> & Pick<Product, "id" | "name">): Product {
  return {
    slug: overrides.name.toLowerCase(),
    description: "",
    kind: "pizza",
    category_id: "cat-1",
    vegetarian: false,
    allergens: [],
    ingredients: [],
    sizes: [
      { code: "small", label: "Petite (26 cm)", price_cents: 850, available: true },
      { code: "medium", label: "Moyenne (30 cm)", price_cents: 1150, available: true },
    ],
    currency: "EUR",
    available: true,
    ...overrides,
  };
}

export const margherita = product({
  id: "p-margherita",
  name: "Margherita",
  description: "Sauce tomate, mozzarella fior di latte, basilic frais.",
  vegetarian: true,
  allergens: ["gluten", "milk"],
  ingredients: [{ id: "i-0", name: "Pâte à pizza" }, { id: "i-1", name: "Mozzarella fior di latte" }, { id: "i-2", name: "Sauce tomate maison" }, { id: "i-3", name: "Basilic frais" }],
});

export const chevreMiel = product({
  id: "p-chevre",
  name: "Chèvre miel",
  description: "Base crème, chèvre, miel de fleurs et cerneaux de noix.",
  vegetarian: true,
  allergens: ["gluten", "milk", "nuts"],
  ingredients: [{ id: "i-0", name: "Pâte à pizza" }, { id: "i-1", name: "Crème fraîche épaisse" }, { id: "i-2", name: "Fromage de chèvre (bûche)" }, { id: "i-3", name: "Miel de fleurs" }],
});

export const paysanne = product({
  id: "p-paysanne",
  name: "Paysanne",
  description: "Base crème, pommes de terre, lardons fumés, oignons et un œuf.",
  allergens: ["eggs", "gluten", "milk"],
  ingredients: [{ id: "i-0", name: "Pâte à pizza" }, { id: "i-1", name: "Lardons fumés" }, { id: "i-2", name: "Œuf frais" }],
  available: false,
});

export const tiramisu = product({
  id: "p-tiramisu",
  name: "Tiramisu",
  kind: "dessert",
  description: "Le classique italien au mascarpone et au café.",
  vegetarian: true,
  allergens: ["eggs", "gluten", "milk"],
  ingredients: [{ id: "i-0", name: "Tiramisu (portion)" }],
  sizes: [{ code: "portion", label: "Portion", price_cents: 450, available: true }],
});

export const menu: Menu = {
  shop_id: "shop-1",
  currency: "EUR",
  open_now: true,
  categories: [
    { id: "cat-1", slug: "pizzas", name: "Pizzas", position: 1, products: [margherita, chevreMiel, paysanne] },
    { id: "cat-2", slug: "desserts", name: "Desserts", position: 2, products: [tiramisu] },
  ],
  extras: [
    { ingredient_id: "i-mozza", name: "Mozzarella", price_cents: 150, allergens: ["milk"], vegetarian: true, available: true },
    { ingredient_id: "i-olives", name: "Olives noires", price_cents: 100, allergens: [], vegetarian: true, available: true },
    { ingredient_id: "i-truffe", name: "Truffe", price_cents: 500, allergens: [], vegetarian: true, available: false },
  ],
};

export const SHOP_ID = "5147bd6b-7f74-4071-b594-9693fdef092c";

export const shop: Shop = {
  id: SHOP_ID,
  slug: "lyon-part-dieu",
  name: "OC Pizza Lyon Part-Dieu",
  address_line: "27 rue Paul Bert",
  postal_code: "69003",
  city: "Lyon",
  phone: "04 72 61 48 30",
  timezone: "Europe/Paris",
  currency: "EUR",
  delivery_fee_cents: 250,
  min_order_cents: 1200,
  active: true,
  hours: [],
  delivery_postal_codes: ["69003"],
  closures: [],
  closure_now: null,
  open_now: true,
  next_opening_at: null,
};

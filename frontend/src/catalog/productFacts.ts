// Small facts about products that several views share.
import type { Product } from "../api/types";

/** "Vegetarian" means something on dishes; on a can of soda it is noise. */
export const showsVegetarian = (product: Product) => product.kind === "pizza" || product.kind === "starter";

/** Only pizzas take extras and removals (the server refuses them on other products). */
export const isCustomisable = (product: Product) => product.kind === "pizza";

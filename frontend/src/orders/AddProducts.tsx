// The shop's menu as a compact list to pick products from while changing an order, with a search.
import { useState } from "react";
import type { Menu, Product } from "../api/types";
import { filterMenu, NO_FILTERS } from "../catalog/menuSearch";
import { useI18n } from "../i18n";

export function AddProducts({ menu, onPick }: { menu: Menu; onPick: (product: Product) => void }) {
  const { t, price } = useI18n();
  const [query, setQuery] = useState("");
  const categories = filterMenu(menu.categories, { ...NO_FILTERS, query });
  return (
    <section className="card" aria-labelledby="edit-add-title">
      <h2 id="edit-add-title" className="subheading">
        {t("edit.addTitle")}
      </h2>
      <div className="field field--search">
        <label htmlFor="edit-search">{t("menu.searchLabel")}</label>
        <input id="edit-search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
      </div>
      {categories.length === 0 && <p className="muted">{t("edit.noMatch")}</p>}
      {categories.map((category) => (
        <div key={category.id} className="pick-list">
          <h3 className="small muted">{category.name}</h3>
          <ul>
            {category.products.map((product) => {
              const from = Math.min(...product.sizes.map((s) => s.price_cents));
              const off = product.available === false || product.sizes.length === 0;
              return (
                <li key={product.id}>
                  <button type="button" className="pick-list__item" disabled={off} onClick={() => onPick(product)}>
                    <span>{product.name}</span>
                    <span className="muted">
                      {off
                        ? t("menu.unavailable")
                        : product.sizes.length > 1
                          ? t("edit.from", { price: price(from, menu.currency) })
                          : price(from, menu.currency)}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </section>
  );
}

// The menu's back office (/staff/menu, managers and admins): the chain's categories and products;
// for the one picked, its photo (with a preview before sending), its facts, each size's price
// (changed alone) and recipe lines, and its steps. Every change is sent as the smallest PATCH.
import { useState } from "react";
import type { Ingredient, StaffProduct as Product } from "../../api/types";
import { allergenName } from "../../catalog/allergens";
import { useI18n } from "../../i18n";
import { ErrorPanel, Loading } from "../../ui/LoadState";
import { useDocumentTitle } from "../../ui/useDocumentTitle";
import { useCatalog } from "./menuApi";
import { PhotoEditor } from "./PhotoEditor";
import { ShopPause } from "./ShopPause";
import { SizeEditor } from "./SizeEditor";
import { StepsEditor } from "./StepsEditor";
import "./menu.css";

export default function MenuEditorPage() {
  const { t } = useI18n();
  useDocumentTitle(t("menuEditor.title"));
  const catalog = useCatalog();
  const [pickedId, setPickedId] = useState<string | null>(null);
  if (catalog.status === "loading") return <Loading />;
  if (catalog.status === "error") return <ErrorPanel problem={catalog.problem} onRetry={catalog.retry} />;
  const { products, categories, ingredients } = catalog.data;
  const picked = products.find((p) => p.id === pickedId) ?? null;
  const changed = (next: Product) =>
    catalog.replace({ ...catalog.data, products: products.map((p) => (p.id === next.id ? next : p)) });

  return (
    <section className="menu-editor" aria-labelledby="menu-editor-title">
      <h1 id="menu-editor-title">{t("menuEditor.title")}</h1>
      <div className="menu-editor__layout">
        <nav className="menu-editor__list" aria-label={t("menuEditor.products")}>
          {categories.map((c) => (
            <div key={c.id}>
              <h2 className="menu-editor__category">{c.name}</h2>
              <ul>
                {products
                  .filter((p) => p.category_id === c.id)
                  .map((p) => (
                    <li key={p.id}>
                      <button
                        type="button"
                        className="menu-editor__pick"
                        aria-current={p.id === pickedId ? "true" : undefined}
                        onClick={() => setPickedId(p.id)}
                      >
                        {p.menu_image_url && <img src={p.menu_image_url} alt="" width={48} height={36} loading="lazy" />}
                        <span>{p.name}</span>
                      </button>
                    </li>
                  ))}
              </ul>
            </div>
          ))}
        </nav>
        {picked ? (
          <ProductEditor key={picked.id} product={picked} ingredients={ingredients} onChanged={changed} />
        ) : (
          <p className="menu-editor__hint">{t("menuEditor.pick")}</p>
        )}
      </div>
    </section>
  );
}

function ProductEditor({
  product,
  ingredients,
  onChanged,
}: {
  product: Product;
  ingredients: Ingredient[];
  onChanged: (p: Product) => void;
}) {
  const { t } = useI18n();
  return (
    <article className="menu-editor__product panel" aria-labelledby={`product-${product.id}`}>
      <h2 id={`product-${product.id}`}>{product.name}</h2>
      <p className="menu-editor__facts">
        <span className={`badge${product.vegetarian ? " badge--veg" : " badge--muted"}`}>
          {product.vegetarian ? t("menuEditor.vegetarian") : t("menuEditor.notVegetarian")}
        </span>{" "}
        <span>
          {t("menuEditor.allergens")}{" "}
          {product.allergens.length ? product.allergens.map((a) => allergenName(t, a)).join(", ") : t("menuEditor.noAllergen")}
        </span>
      </p>
      <p className="menu-editor__note">{t("menuEditor.vegetarianNote")}</p>
      <ShopPause productId={product.id} />
      <PhotoEditor product={product} onChanged={onChanged} />
      <h3>{t("menuEditor.sizes")}</h3>
      {product.sizes.map((size) => (
        <SizeEditor key={size.code} product={product} size={size} ingredients={ingredients} onChanged={onChanged} />
      ))}
      <StepsEditor product={product} onChanged={onChanged} />
    </article>
  );
}

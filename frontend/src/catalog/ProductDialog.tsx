// A product's sheet: sizes with prices, ingredients (pizzas: untick to remove), extra toppings,
// allergens, quantity, and "add to cart" with the estimated price.
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { api, call } from "../api/client";
import type { Menu, Product } from "../api/types";
import { MAX_EXTRAS, MAX_QUANTITY, type Extra, type NewLine, type Topping } from "../cart/cart";
import { useI18n } from "../i18n";
import { Dialog } from "../ui/Dialog";
import { allergenName } from "./allergens";
import { isCustomisable, showsVegetarian } from "./productFacts";

interface Props {
  product: Product;
  menu: Menu;
  onClose: () => void;
  /** Where the chosen line goes: the chosen shop's cart, or an order being changed. */
  onAdd: (line: NewLine) => void;
}

export function ProductDialog({ product, menu, onClose, onAdd }: Props) {
  const { t, price } = useI18n();
  const currency = menu.currency;
  const productAvailable = product.available !== false;
  // Nothing is preselected on a product that cannot be ordered at all.
  const firstAvailable = productAvailable
    ? (product.sizes.find((s) => s.available !== false && s.code === "medium") ??
      product.sizes.find((s) => s.available !== false))
    : undefined;
  const [sizeCode, setSizeCode] = useState(firstAvailable?.code ?? "");
  const [removed, setRemoved] = useState<Set<string>>(new Set());
  const [extras, setExtras] = useState<Set<string>>(new Set());
  const [quantity, setQuantity] = useState(1);
  // A shop's menu carries the menu rendition of the picture only; the full-size one (for wide
  // screens) is on the product's own sheet, asked for when the dialog opens.
  const [fullImage, setFullImage] = useState<string | undefined>(product.image_url ?? undefined);
  useEffect(() => {
    if (!product.menu_image_url || product.image_url) return;
    const controller = new AbortController();
    call(api.GET("/api/v1/products/{product_id}", { params: { path: { product_id: product.id } }, signal: controller.signal }))
      .then((sheet) => setFullImage(sheet.image_url ?? undefined))
      .catch(() => {
        // Without it the menu rendition stays: nothing to tell the customer.
      });
    return () => controller.abort();
  }, [product.id, product.menu_image_url, product.image_url]);

  const size = product.sizes.find((s) => s.code === sizeCode);
  const customisable = isCustomisable(product);
  // The base (first ingredient, the dough: largest quantity) cannot be taken off a pizza.
  const removable = customisable && size ? product.ingredients.slice(1) : [];
  const base = customisable && size ? product.ingredients[0] : undefined;
  const chosenExtras = useMemo(
    () => menu.extras.filter((x) => extras.has(x.ingredient_id) && x.available),
    [menu.extras, extras],
  );
  // An extra of an ingredient the recipe already has is a second portion: said so.
  const inRecipe = new Set(product.ingredients.map((r) => r.id));
  const unitCents = (size?.price_cents ?? 0) + chosenExtras.reduce((sum, x) => sum + x.price_cents, 0);
  const canAdd = productAvailable && !!size && size.available !== false;

  function toggle(set: Set<string>, id: string): Set<string> {
    const next = new Set(set);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!canAdd || !size) return;
    const removedToppings: Topping[] = removable
      .filter((r) => removed.has(r.id) && !extras.has(r.id))
      .map((r) => ({ ingredientId: r.id, name: r.name }));
    const extraToppings: Extra[] = chosenExtras.map((x) => ({
      ingredientId: x.ingredient_id,
      name: x.name,
      priceCents: x.price_cents,
    }));
    const line: NewLine = {
      productId: product.id,
      productName: product.name,
      size: size.code,
      sizeLabel: size.label,
      sizePriceCents: size.price_cents,
      extras: customisable ? extraToppings : [],
      removed: customisable ? removedToppings : [],
      quantity,
    };
    onAdd(line);
    onClose();
  }

  const formId = `product-form-${product.id}`;
  return (
    <Dialog
      title={product.name}
      onClose={onClose}
      className="product-dialog"
      footer={
        <>
          <div className="quantity" role="group" aria-label={t("product.quantity")}>
            <button
              type="button"
              className="icon-button"
              onClick={() => setQuantity((q) => Math.max(1, q - 1))}
              disabled={quantity <= 1}
              aria-label={t("cart.decrease")}
            >
              −
            </button>
            <input
              type="number"
              min={1}
              max={MAX_QUANTITY}
              value={quantity}
              aria-label={t("product.quantity")}
              onChange={(e) => setQuantity(Math.min(MAX_QUANTITY, Math.max(1, Number(e.target.value) || 1)))}
            />
            <button
              type="button"
              className="icon-button"
              onClick={() => setQuantity((q) => Math.min(MAX_QUANTITY, q + 1))}
              disabled={quantity >= MAX_QUANTITY}
              aria-label={t("cart.increase")}
            >
              +
            </button>
          </div>
          <button type="submit" form={formId} className="button button--primary" disabled={!canAdd}>
            {canAdd
              ? t("product.addToCart", { price: price(unitCents * quantity, currency) })
              : t("product.unavailable")}
          </button>
        </>
      }
    >
      <form id={formId} onSubmit={submit} className="product-form">
        {product.menu_image_url && (
          <img
            className="product-form__image"
            src={product.menu_image_url}
            srcSet={
              fullImage && fullImage !== product.menu_image_url
                ? `${product.menu_image_url} 480w, ${fullImage} 1200w`
                : undefined
            }
            sizes="(max-width: 600px) 100vw, 560px"
            alt={t("menu.imageAlt", { name: product.name })}
            width={480}
            height={360}
            decoding="async"
          />
        )}
        <p>{product.description}</p>
        <p className="product-form__facts">
          {product.vegetarian && showsVegetarian(product) && (
            <span className="badge badge--veg">{t("menu.vegetarian")}</span>
          )}
          {!productAvailable && <span className="badge badge--muted">{t("menu.unavailable")}</span>}
        </p>

        {product.sizes.length > 0 && (
          <fieldset className="choice-group">
            <legend>{t("product.size")}</legend>
            {product.sizes.map((s) => {
              const off = s.available === false;
              return (
                <label key={s.code} className={`choice${off ? " choice--off" : ""}`}>
                  <input
                    type="radio"
                    name="size"
                    value={s.code}
                    checked={s.code === sizeCode}
                    disabled={off}
                    onChange={() => setSizeCode(s.code)}
                  />
                  <span className="choice__label">{s.label}</span>
                  <span className="choice__price">{off ? t("menu.unavailable") : price(s.price_cents, currency)}</span>
                </label>
              );
            })}
          </fieldset>
        )}

        {customisable && size ? (
          <fieldset className="choice-group">
            <legend>{t("product.ingredients")}</legend>
            <p className="muted">{t("product.ingredientsHint")}</p>
            {base && <p className="choice choice--static">{t("product.base", { name: base.name })}</p>}
            <div className="check-grid">
              {removable.map((r) => (
                <label key={r.id} className="check">
                  <input
                    type="checkbox"
                    checked={!removed.has(r.id)}
                    onChange={() => setRemoved((s) => toggle(s, r.id))}
                  />
                  {r.name}
                </label>
              ))}
            </div>
          </fieldset>
        ) : (
          product.ingredients.length > 0 && (
            <section>
              <h3 className="subheading">{t("product.ingredients")}</h3>
              <p>{product.ingredients.map((i) => i.name).join(", ")}</p>
            </section>
          )
        )}

        {customisable && productAvailable && menu.extras.length > 0 && (
          <fieldset className="choice-group">
            <legend>{t("product.extras")}</legend>
            <p className="muted">{t("product.extrasHint", { max: MAX_EXTRAS })}</p>
            <div className="check-grid">
              {menu.extras.map((x) => {
                const checked = extras.has(x.ingredient_id) && x.available;
                const full = !checked && extras.size >= MAX_EXTRAS;
                return (
                  <label key={x.ingredient_id} className={`check${x.available ? "" : " check--off"}`}>
                    <input
                      type="checkbox"
                      checked={checked}
                      disabled={!x.available || full}
                      onChange={() => setExtras((s) => toggle(s, x.ingredient_id))}
                    />
                    <span>
                      {x.name}
                      {inRecipe.has(x.ingredient_id) && <span className="muted"> ({t("product.extraDouble")})</span>}{" "}
                      <span className="muted">
                        {x.available ? `+${price(x.price_cents, currency)}` : t("product.soldOut")}
                      </span>
                    </span>
                  </label>
                );
              })}
            </div>
          </fieldset>
        )}

        <section>
          <h3 className="subheading">{t("product.allergens")}</h3>
          <p>
            {product.allergens.length
              ? product.allergens.map((a) => allergenName(t, a)).join(", ")
              : t("product.noAllergens")}
          </p>
        </section>
        <p className="muted small">{t("product.priceEstimateNote")}</p>
      </form>
    </Dialog>
  );
}

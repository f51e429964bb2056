// One size of a product: its price, changed alone, and its recipe lines (quantity changed, line
// taken out, ingredient added), each sent as the smallest change.
import { useId, useState, type FormEvent } from "react";
import type { Ingredient, ProductPatch, StaffProduct as Product, StaffProductSize as ProductSize } from "../../api/types";
import { useI18n } from "../../i18n";
import { FormError } from "../../ui/FormError";
import { useSubmit } from "../../ui/useSubmit";
import { changeProduct } from "./menuApi";

function euros(cents: number) {
  return (cents / 100).toFixed(2);
}

export function SizeEditor({
  product,
  size,
  ingredients,
  onChanged,
}: {
  product: Product;
  size: ProductSize;
  ingredients: Ingredient[];
  onChanged: (p: Product) => void;
}) {
  const { t, price } = useI18n();
  const priceId = useId();
  const addId = useId();
  const [priceText, setPriceText] = useState(euros(size.price_cents));
  const [adding, setAdding] = useState("");
  const [addQuantity, setAddQuantity] = useState("10");
  const { busy, problem, submit } = useSubmit();

  const send = async (body: ProductPatch) => {
    const next = await submit(() => changeProduct(product.id, body));
    if (next) onChanged(next);
    return next;
  };
  const savePrice = async (event: FormEvent) => {
    event.preventDefault();
    const cents = Math.round(Number(priceText.replace(",", ".")) * 100);
    const next = await send({ sizes: [{ code: size.code, price_cents: Number.isFinite(cents) ? cents : -1 }] });
    if (next) setPriceText(euros(next.sizes.find((s) => s.code === size.code)?.price_cents ?? cents));
  };
  const setLine = (ingredient_id: string, quantity: number) =>
    send({ sizes: [{ code: size.code, recipe: { set: [{ ingredient_id, quantity }] } }] });
  const removeLine = (ingredient_id: string) => send({ sizes: [{ code: size.code, recipe: { remove: [ingredient_id] } }] });
  const addLine = async (event: FormEvent) => {
    event.preventDefault();
    if (!adding) return;
    const next = await setLine(adding, Math.round(Number(addQuantity)));
    if (next) setAdding("");
  };
  const inRecipe = new Set(size.recipe.map((l) => l.ingredient_id));

  return (
    <section className="size-editor" aria-labelledby={`size-${product.id}-${size.code}`}>
      <h4 id={`size-${product.id}-${size.code}`}>
        {size.label} · {price(size.price_cents, product.currency)}
      </h4>
      <FormError problem={problem} />
      <form className="size-editor__price" onSubmit={(e) => void savePrice(e)}>
        <label htmlFor={priceId}>{t("menuEditor.price", { size: size.label })}</label>
        <input
          id={priceId}
          type="number"
          inputMode="decimal"
          min={0}
          max={1000}
          step={0.01}
          value={priceText}
          onChange={(e) => setPriceText(e.target.value)}
        />
        <button type="submit" className="button button--small button--primary" disabled={busy}>
          {t("menuEditor.savePrice")}
        </button>
      </form>
      <table className="size-editor__recipe">
        <caption>{t("menuEditor.recipe", { size: size.label })}</caption>
        <thead>
          <tr>
            <th scope="col">{t("menuEditor.ingredient")}</th>
            <th scope="col">{t("menuEditor.quantity")}</th>
            <th scope="col">
              <span className="visually-hidden">{t("menuEditor.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {size.recipe.map((line) => (
            <tr key={line.ingredient_id}>
              <th scope="row">{line.name}</th>
              <td>
                <input
                  type="number"
                  min={1}
                  max={100000}
                  defaultValue={line.quantity}
                  aria-label={t("menuEditor.quantityOf", { name: line.name, unit: line.unit })}
                  onBlur={(e) => {
                    const q = Math.round(Number(e.target.value));
                    if (q !== line.quantity) void setLine(line.ingredient_id, q);
                  }}
                />{" "}
                {line.unit}
              </td>
              <td>
                <button
                  type="button"
                  className="button button--small"
                  disabled={busy || size.recipe.length <= 1}
                  onClick={() => void removeLine(line.ingredient_id)}
                >
                  {t("menuEditor.removeLine")}
                  <span className="visually-hidden"> {line.name}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="size-editor__add" onSubmit={(e) => void addLine(e)}>
        <label htmlFor={addId}>{t("menuEditor.addIngredient")}</label>
        <select id={addId} value={adding} onChange={(e) => setAdding(e.target.value)}>
          <option value="">{t("menuEditor.chooseIngredient")}</option>
          {ingredients
            .filter((i) => !inRecipe.has(i.id))
            .map((i) => (
              <option key={i.id} value={i.id}>
                {i.name} ({i.unit})
              </option>
            ))}
        </select>
        <input
          type="number"
          min={1}
          max={100000}
          value={addQuantity}
          aria-label={t("menuEditor.quantity")}
          onChange={(e) => setAddQuantity(e.target.value)}
        />
        <button type="submit" className="button button--small" disabled={busy || !adding}>
          {t("menuEditor.addLine")}
        </button>
      </form>
    </section>
  );
}

// One shop's form (admins): contact, time zone, hours per weekday, delivery zone, fee and
// minimum in euros, open to orders or not. Opens a new shop or saves the one given; the API's
// field errors show next to their inputs (shopForm.ts puts them there).
import { useState, type FormEvent } from "react";
import { fieldProblem } from "../../api/problem";
import type { Shop } from "../../api/types";
import { useI18n, type MessageKey } from "../../i18n";
import { Field } from "../../ui/Field";
import { FormError } from "../../ui/FormError";
import { fieldMessages } from "../../ui/problemText";
import { useToast } from "../../ui/Toast";
import { useSubmit } from "../../ui/useSubmit";
import { HoursEditor } from "./HoursEditor";
import { buildRequest, draftOf, emptyDraft, formErrors, parseCodes, TIME_ZONES, type ShopDraft } from "./shopForm";
import { createShop, updateShop } from "./shopsApi";

type TextKey = "name" | "slug" | "address_line" | "postal_code" | "city" | "phone" | "email" | "timezone" | "postal_codes" | "delivery_fee" | "min_order";

export function ShopEditor({ shop, onSaved }: { shop: Shop | null; onSaved: (shop: Shop) => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const { busy, problem, submit, fail } = useSubmit();
  const [draft, setDraft] = useState<ShopDraft>(() => (shop ? draftOf(shop) : emptyDraft()));
  // What the last request sent, to put `hours[i]` and `delivery_postal_codes[i]` errors back.
  const [sent, setSent] = useState<{ from: { weekday: number; index: number }[]; codes: string[] } | null>(null);
  const errors = formErrors(fieldMessages(t, problem), sent);

  const text = (key: TextKey, label: MessageKey, extra: { hint?: string; type?: string; inputMode?: "numeric" | "decimal" | "email" | "tel"; autoComplete?: string; list?: string } = {}) => (
    <Field
      label={t(label)}
      value={draft[key]}
      error={errors[key]}
      autoComplete={extra.autoComplete ?? "off"}
      hint={extra.hint}
      type={extra.type}
      inputMode={extra.inputMode}
      list={extra.list}
      onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
    />
  );

  const send = async (event: FormEvent) => {
    event.preventDefault();
    const built = buildRequest(draft);
    if (!built.ok) {
      fail(fieldProblem(built.field, built.code, t("field.money")));
      return;
    }
    setSent({ from: built.from, codes: parseCodes(draft.postal_codes) });
    const saved = await submit(() => (shop ? updateShop(shop.id, built.body) : createShop(built.body)));
    if (saved) {
      toast(t(shop ? "adminShops.saved" : "adminShops.created", { name: saved.name }));
      onSaved(saved);
    }
  };

  return (
    <form className="shop-editor" onSubmit={send} noValidate aria-label={shop ? t("adminShops.edit", { name: shop.name }) : t("adminShops.new")}>
      <fieldset className="shop-editor__part">
        <legend>
          <h2 className="shop-editor__legend">{t("adminShops.identity")}</h2>
        </legend>
        <div className="shop-editor__grid">
          {text("name", "adminShops.name")}
          {text("slug", "adminShops.slug", { hint: t("adminShops.slugHint") })}
          {text("address_line", "adminShops.address", { autoComplete: "off" })}
          {text("postal_code", "field.label.postal_code", { inputMode: "numeric" })}
          {text("city", "field.label.city")}
          {text("phone", "adminShops.phone", { type: "tel", inputMode: "tel" })}
          {text("email", "adminShops.email", { type: "email", inputMode: "email" })}
          {text("timezone", "adminShops.timezone", { hint: t("adminShops.timezoneHint"), list: "shop-time-zones" })}
        </div>
        <datalist id="shop-time-zones">
          {TIME_ZONES.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
      </fieldset>

      <HoursEditor week={draft.hours} errors={errors} onChange={(hours) => setDraft({ ...draft, hours })} />

      <fieldset className="shop-editor__part">
        <legend>
          <h2 className="shop-editor__legend">{t("adminShops.delivery")}</h2>
        </legend>
        <div className="shop-editor__grid">
          {text("postal_codes", "adminShops.postalCodes", { hint: t("adminShops.postalCodesHint"), inputMode: "numeric" })}
          {text("delivery_fee", "adminShops.deliveryFee", { hint: t("adminShops.moneyHint"), inputMode: "decimal" })}
          {text("min_order", "adminShops.minOrder", { hint: t("adminShops.moneyHint"), inputMode: "decimal" })}
        </div>
        <label className="toggle">
          <input type="checkbox" checked={draft.active} onChange={(e) => setDraft({ ...draft, active: e.target.checked })} />
          {t("adminShops.active")}
        </label>
      </fieldset>

      <FormError problem={problem} overrides={{ 409: "field.slug.taken" }} />
      <button type="submit" className="button button--primary" disabled={busy}>
        {busy ? t("common.pleaseWait") : shop ? t("adminShops.submitSave") : t("adminShops.submitCreate")}
      </button>
    </form>
  );
}

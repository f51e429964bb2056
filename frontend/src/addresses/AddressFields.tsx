// The one address form's fields (address book, checkout, order change): street, complement,
// postal code, city and instructions, optionally the address's name first and the shop's delivery
// zone after. The caller holds the draft and puts the fields in its own form.
import type { Dispatch, SetStateAction } from "react";
import { useI18n } from "../i18n";
import { Field } from "../ui/Field";
import type { AddressDraft } from "./address";

export function AddressFields({
  draft,
  setDraft,
  errors = {},
  named = false,
  zone,
}: {
  draft: AddressDraft;
  setDraft: Dispatch<SetStateAction<AddressDraft>>;
  /** Messages per field (`line1`, `postal_code`…), from the server. */
  errors?: Record<string, string>;
  /** With the address's name, for an address the customer saves. */
  named?: boolean;
  /** Postal codes the shop delivers to. */
  zone?: string[];
}) {
  const { t } = useI18n();
  const set = (name: keyof AddressDraft) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [name]: e.target.value }));
  return (
    <>
      {named && (
        <Field
          label={t("field.label.label")}
          placeholder={t("account.defaultAddressLabel")}
          value={draft.label}
          onChange={set("label")}
          error={errors.label}
        />
      )}
      <Field
        label={t("field.label.line1")}
        autoComplete="address-line1"
        required
        value={draft.line1}
        onChange={set("line1")}
        error={errors.line1}
      />
      <Field
        label={t("field.label.line2")}
        autoComplete="address-line2"
        value={draft.line2}
        onChange={set("line2")}
        error={errors.line2}
      />
      <div className="form-row">
        <Field
          label={t("field.label.postal_code")}
          autoComplete="postal-code"
          inputMode="numeric"
          required
          value={draft.postal_code}
          onChange={set("postal_code")}
          error={errors.postal_code}
        />
        <Field
          label={t("field.label.city")}
          autoComplete="address-level2"
          required
          value={draft.city}
          onChange={set("city")}
          error={errors.city}
        />
      </div>
      <Field
        label={t("field.label.instructions")}
        hint={t("field.hint.instructions")}
        value={draft.instructions}
        onChange={set("instructions")}
        error={errors.instructions}
      />
      {zone && <p className="muted small">{t("checkout.zone", { codes: zone.join(", ") })}</p>}
    </>
  );
}

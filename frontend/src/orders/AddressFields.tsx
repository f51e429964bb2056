// The fields of a delivery address, with the shop's delivery zone under them.
import type { Dispatch, SetStateAction } from "react";
import { useI18n } from "../i18n";
import { Field } from "../ui/Field";
import type { AddressDraft } from "./address";

export function AddressFields({
  draft,
  setDraft,
  zone,
}: {
  draft: AddressDraft;
  setDraft: Dispatch<SetStateAction<AddressDraft>>;
  /** Postal codes the shop delivers to. */
  zone: string[];
}) {
  const { t } = useI18n();
  return (
    <div className="address-form">
      <Field
        label={t("field.label.line1")}
        autoComplete="address-line1"
        required
        value={draft.line1}
        onChange={(e) => setDraft((d) => ({ ...d, line1: e.target.value }))}
      />
      <Field
        label={t("field.label.line2")}
        autoComplete="address-line2"
        value={draft.line2}
        onChange={(e) => setDraft((d) => ({ ...d, line2: e.target.value }))}
      />
      <div className="form-row">
        <Field
          label={t("field.label.postal_code")}
          autoComplete="postal-code"
          inputMode="numeric"
          required
          value={draft.postal_code}
          onChange={(e) => setDraft((d) => ({ ...d, postal_code: e.target.value }))}
        />
        <Field
          label={t("field.label.city")}
          autoComplete="address-level2"
          required
          value={draft.city}
          onChange={(e) => setDraft((d) => ({ ...d, city: e.target.value }))}
        />
      </div>
      <Field
        label={t("field.label.instructions")}
        hint={t("field.hint.instructions")}
        value={draft.instructions}
        onChange={(e) => setDraft((d) => ({ ...d, instructions: e.target.value }))}
      />
      <p className="muted small">{t("checkout.zone", { codes: zone.join(", ") })}</p>
    </div>
  );
}

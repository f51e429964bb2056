// A product's preparation steps, one a line, replaced together.
import { useId, useState, type FormEvent } from "react";
import type { StaffProduct as Product } from "../../api/types";
import { useI18n } from "../../i18n";
import { FormError } from "../../ui/FormError";
import { useSubmit } from "../../ui/useSubmit";
import { changeProduct } from "./menuApi";

export function StepsEditor({ product, onChanged }: { product: Product; onChanged: (p: Product) => void }) {
  const { t } = useI18n();
  const id = useId();
  const [text, setText] = useState(product.steps.join("\n"));
  const { busy, problem, submit } = useSubmit();
  const save = async (event: FormEvent) => {
    event.preventDefault();
    const steps = text
      .split("\n")
      .map((s) => s.trim())
      .filter(Boolean);
    const next = await submit(() => changeProduct(product.id, { steps }));
    if (next) onChanged(next);
  };
  return (
    <form className="steps-editor" onSubmit={(e) => void save(e)}>
      <h3>{t("menuEditor.steps")}</h3>
      <FormError problem={problem} />
      <label htmlFor={id}>{t("menuEditor.stepsHint")}</label>
      <textarea id={id} rows={Math.max(3, product.steps.length + 1)} value={text} onChange={(e) => setText(e.target.value)} />
      <button type="submit" className="button button--small button--primary" disabled={busy}>
        {t("menuEditor.saveSteps")}
      </button>
    </form>
  );
}

// The customer's note to the pizzeria (checkout and order change), with the server's error.
import { useI18n } from "../i18n";

export function NotesField({ value, onChange, error }: { value: string; onChange: (notes: string) => void; error?: string }) {
  const { t } = useI18n();
  return (
    <div className="card">
      <label htmlFor="order-notes" className="subheading block">
        {t("checkout.notes")}
      </label>
      <textarea
        id="order-notes"
        maxLength={500}
        rows={3}
        value={value}
        aria-describedby="order-notes-hint"
        onChange={(e) => onChange(e.target.value)}
      />
      <p id="order-notes-hint" className="field__hint">
        {t("checkout.notesHint")}
      </p>
      {error && <p className="field__error">{error}</p>}
    </div>
  );
}

// Recording a caller nobody found: a name, a phone number and an e-mail if they give one
// (POST /customers). The server judges the fields and its errors show next to them; a number that
// is already a customer's offers to look that customer up instead.
import { useState, type FormEvent } from "react";
import type { CustomerMatch } from "../../api/types";
import { useI18n } from "../../i18n";
import { Field } from "../../ui/Field";
import { FormError } from "../../ui/FormError";
import { fieldMessages } from "../../ui/problemText";
import { useSubmit } from "../../ui/useSubmit";
import { createCustomer } from "../api";

export function NewCustomerForm({
  defaults,
  onRecorded,
  onFind,
  onCancel,
}: {
  defaults: { name: string; phone: string };
  onRecorded: (customer: CustomerMatch) => void;
  /** The number is already a customer's: look them up by it. */
  onFind: (phone: string) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState(defaults.name);
  const [phone, setPhone] = useState(defaults.phone);
  const [email, setEmail] = useState("");
  const { busy, problem, submit } = useSubmit();
  const errors = fieldMessages(t, problem);
  const phoneTaken = problem?.status === 409 && "phone" in problem.fieldErrors;
  if (phoneTaken) errors.phone = t("counter.alreadyCustomer");

  function record(event: FormEvent) {
    event.preventDefault();
    void submit(
      async () =>
        onRecorded(await createCustomer({ full_name: name.trim(), phone: phone.trim(), email: email.trim() || null })),
      { leaves: true },
    );
  }

  return (
    <form className="counter-newcustomer" onSubmit={record} noValidate aria-labelledby="newcustomer-title">
      <h3 id="newcustomer-title">{t("counter.newCustomerTitle")}</h3>
      <p className="muted small">{t("counter.newCustomerHint")}</p>
      <FormError problem={problem} overrides={{ 409: "counter.newCustomerFailed" }} />
      <Field
        label={t("field.label.full_name")}
        value={name}
        autoComplete="off"
        required
        onChange={(e) => setName(e.target.value)}
        error={errors.full_name}
      />
      <Field
        label={t("counter.phone")}
        type="tel"
        value={phone}
        autoComplete="off"
        required
        onChange={(e) => setPhone(e.target.value)}
        error={errors.phone}
      />
      {phoneTaken && (
        <button type="button" className="button counter-newcustomer__find" onClick={() => onFind(phone.trim())}>
          {t("counter.findThem")}
        </button>
      )}
      <Field
        label={t("counter.emailOptional")}
        type="email"
        value={email}
        autoComplete="off"
        onChange={(e) => setEmail(e.target.value)}
        error={errors.email}
      />
      <div className="counter-row">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? t("common.pleaseWait") : t("counter.newCustomerGo")}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

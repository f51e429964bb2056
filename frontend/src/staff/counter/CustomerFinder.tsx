// Who the order is for: a customer found by phone (the last 4 digits are enough) or by name, a
// caller nobody found recorded as a new customer, or a walk-in with a name and a phone number.
import { useState, type FormEvent } from "react";
import type { CustomerMatch, WalkIn } from "../../api/types";
import { useResource } from "../../api/useResource";
import { useI18n } from "../../i18n";
import { Field } from "../../ui/Field";
import { ErrorPanel, Loading } from "../../ui/LoadState";
import { useDebounced } from "../../ui/useDebounced";
import { searchCustomers } from "../api";
import { classifyLookup, displayPhone, walkInProblems } from "./lookup";
import { NewCustomerForm } from "./NewCustomerForm";

export type OrderFor = { kind: "customer"; customer: CustomerMatch } | { kind: "walkIn"; walkIn: WalkIn };

export function CustomerFinder({ onChoose }: { onChoose: (who: OrderFor) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState("");
  const [form, setForm] = useState<"walkIn" | "newCustomer" | null>(null);
  const lookup = classifyLookup(useDebounced(text, 300));
  const query = lookup.kind === "short" ? null : lookup.q;
  const found = useResource(query === null ? null : `customers:${query}`, (signal) => searchCustomers(query ?? "", signal));

  return (
    <section className="card counter-finder" aria-labelledby="finder-title">
      <h2 id="finder-title">{t("counter.who")}</h2>
      <Field
        label={t("counter.lookup")}
        hint={t("counter.lookupHint")}
        type="search"
        autoComplete="off"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      {query !== null && found.status === "loading" && <Loading />}
      {found.status === "error" && <ErrorPanel problem={found.problem} onRetry={found.retry} />}
      {query !== null && found.status === "ready" && (
        <>
          <p className={found.data.length > 0 ? "muted" : "notice"} role="status">
            {found.data.length > 0 ? t("counter.found", { count: found.data.length }) : t("counter.nobody")}
          </p>
          {found.data.length > 0 && (
            <ul className="counter-matches">
              {found.data.map((c) => (
                <li key={c.id}>
                  <button type="button" className="counter-match" onClick={() => onChoose({ kind: "customer", customer: c })}>
                    <strong>{c.full_name}</strong>
                    <span>{c.phone ? displayPhone(c.phone) : t("counter.noPhone")}</span>
                    <span className="muted">{c.email}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {form === "walkIn" && (
        <WalkInForm defaults={lookup} onDone={(w) => onChoose({ kind: "walkIn", walkIn: w })} onCancel={() => setForm(null)} />
      )}
      {form === "newCustomer" && (
        <NewCustomerForm
          defaults={{ name: lookup.kind === "name" ? lookup.q : "", phone: lookup.kind === "phone" ? text.trim() : "" }}
          onRecorded={(customer) => onChoose({ kind: "customer", customer })}
          onFind={(phone) => {
            setText(phone);
            setForm(null);
          }}
          onCancel={() => setForm(null)}
        />
      )}
      {form === null && (
        <div className="counter-row">
          {query !== null && found.status === "ready" && (
            <button
              type="button"
              className={`button${found.data.length === 0 ? " button--primary" : ""}`}
              onClick={() => setForm("newCustomer")}
            >
              {t("counter.newCustomer")}
            </button>
          )}
          <button type="button" className="button" onClick={() => setForm("walkIn")}>
            {t("counter.walkIn")}
          </button>
        </div>
      )}
    </section>
  );
}

function WalkInForm({
  defaults,
  onDone,
  onCancel,
}: {
  defaults: ReturnType<typeof classifyLookup>;
  onDone: (walkIn: WalkIn) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState(defaults.kind === "name" ? defaults.q : "");
  const [phone, setPhone] = useState(defaults.kind === "phone" ? defaults.q : "");
  const [tried, setTried] = useState(false);
  const problems = walkInProblems(name, phone);

  function submit(event: FormEvent) {
    event.preventDefault();
    setTried(true);
    if (problems.name || problems.phone) return;
    onDone({ name: name.trim(), phone: phone.trim() });
  }

  return (
    <form className="counter-walkin" onSubmit={submit} noValidate>
      <h3>{t("counter.walkInTitle")}</h3>
      <Field
        label={t("field.label.full_name")}
        value={name}
        autoComplete="off"
        onChange={(e) => setName(e.target.value)}
        error={tried && problems.name ? t("counter.walkInName") : undefined}
      />
      <Field
        label={t("counter.phone")}
        type="tel"
        value={phone}
        autoComplete="off"
        onChange={(e) => setPhone(e.target.value)}
        error={tried && problems.phone ? t("counter.walkInPhone") : undefined}
      />
      <div className="counter-row">
        <button type="submit" className="button button--primary">
          {t("counter.walkInGo")}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

// A shop's closures (admins): the days it is closed whatever its hours say, as customers read
// them; adding one (first and last day, the reason customers see) and removing one.
import { useState, type FormEvent } from "react";
import type { Shop, ShopClosure } from "../../api/types";
import { useI18n } from "../../i18n";
import { closureText } from "../../shops/closures";
import { Field } from "../../ui/Field";
import { FormError } from "../../ui/FormError";
import { fieldMessages } from "../../ui/problemText";
import { useToast } from "../../ui/Toast";
import { useSubmit } from "../../ui/useSubmit";
import { addClosure, removeClosure } from "./shopsApi";

export function ClosuresPanel({ shop, onChanged }: { shop: Shop; onChanged: () => Promise<void> }) {
  const { t } = useI18n();
  return (
    <section className="panel closures" aria-labelledby="closures-title">
      <h2 id="closures-title" className="shop-editor__legend">
        {t("adminShops.closures")}
      </h2>
      {shop.closures.length === 0 ? (
        <p className="muted">{t("adminShops.closuresNone")}</p>
      ) : (
        <ul className="closures__list">
          {shop.closures.map((c) => (
            <ClosureRow key={c.id} shopId={shop.id} closure={c} now={c.id === shop.closure_now?.id} onRemoved={onChanged} />
          ))}
        </ul>
      )}
      <AddClosure shopId={shop.id} onAdded={onChanged} />
    </section>
  );
}

function ClosureRow({ shopId, closure, now, onRemoved }: { shopId: string; closure: ShopClosure; now: boolean; onRemoved: () => Promise<void> }) {
  const { t, intlLocale } = useI18n();
  const toast = useToast();
  const { busy, problem, submit } = useSubmit();
  const said = closureText(closure, t, intlLocale);
  const remove = async () => {
    if (!window.confirm(t("adminShops.confirmRemoveClosure", { closure: said }))) return;
    const done = await submit(async () => {
      await removeClosure(shopId, closure.id);
      await onRemoved();
      return true;
    });
    if (done) toast(t("adminShops.closureRemoved"));
  };
  return (
    <li className="closures__item">
      <span>
        {said}
        {now && <span className="badge badge--closed closures__now">{t("adminShops.closureNow")}</span>}
      </span>
      <button type="button" className="button button--small button--danger" disabled={busy} onClick={() => void remove()} aria-label={t("adminShops.removeClosureLabel", { closure: said })}>
        {t("adminShops.removeClosure")}
      </button>
      <FormError problem={problem} />
    </li>
  );
}

function AddClosure({ shopId, onAdded }: { shopId: string; onAdded: () => Promise<void> }) {
  const { t } = useI18n();
  const toast = useToast();
  const { busy, problem, submit } = useSubmit();
  const empty = { first_day: "", last_day: "", reason: "" };
  const [draft, setDraft] = useState(empty);
  const fields = fieldMessages(t, problem);
  const send = async (event: FormEvent) => {
    event.preventDefault();
    // One day: the last day is the first unless given.
    const body = { ...draft, last_day: draft.last_day || draft.first_day };
    const done = await submit(async () => {
      await addClosure(shopId, body);
      await onAdded();
      return true;
    });
    if (done) {
      toast(t("adminShops.closureAdded"));
      setDraft(empty);
    }
  };
  return (
    <form className="closures__form" onSubmit={send} noValidate aria-label={t("adminShops.addClosure")}>
      <Field label={t("adminShops.closureFirst")} type="date" value={draft.first_day} error={fields.first_day} onChange={(e) => setDraft({ ...draft, first_day: e.target.value })} />
      <Field
        label={t("adminShops.closureLast")}
        type="date"
        value={draft.last_day}
        min={draft.first_day || undefined}
        hint={t("adminShops.closureLastHint")}
        error={fields.last_day}
        onChange={(e) => setDraft({ ...draft, last_day: e.target.value })}
      />
      <Field label={t("adminShops.closureReason")} value={draft.reason} maxLength={200} hint={t("adminShops.closureReasonHint")} error={fields.reason} onChange={(e) => setDraft({ ...draft, reason: e.target.value })} />
      <button type="submit" className="button button--primary" disabled={busy}>
        {busy ? t("common.pleaseWait") : t("adminShops.addClosure")}
      </button>
      <FormError problem={problem} />
    </form>
  );
}

// Paying an online order (status pending_payment). The API starts a PaymentIntent; with Stripe the
// card is confirmed in Stripe's Payment Element, and without Stripe keys the offline test provider
// plays the bank (a test card that succeeds or is declined). Either way the order moves on when the
// server settles the payment, which the live stream then shows.
import { useEffect, useRef, useState } from "react";
import type { Order, PaymentStart } from "../api/types";
import { useI18n } from "../i18n";
import { FormError } from "../ui/FormError";
import { useSubmit } from "../ui/useSubmit";
import { confirmOfflinePayment, startOnlinePayment } from "./api";
import { stripeClient, type StripeClient, type StripeElements } from "./stripe";

export function PayOnline({ order, onOrder }: { order: Order; onOrder: (order: Order) => void }) {
  const { t, price, intlLocale } = useI18n();
  const [start, setStart] = useState<PaymentStart | null>(null);
  const { busy, problem, submit } = useSubmit();
  const expires = order.expires_at
    ? new Intl.DateTimeFormat(intlLocale, { timeStyle: "short" }).format(new Date(order.expires_at))
    : null;

  function begin() {
    void submit(async () => {
      // 200 answers a PaymentStart (online); 201 a PaymentList is for staff counter payments.
      const answer = await startOnlinePayment(order.id);
      if ("payment_intent_id" in answer) setStart(answer);
    });
  }

  return (
    <section className="card pay-online" aria-labelledby="pay-title">
      <h2 id="pay-title">{t("pay.title")}</h2>
      <p>
        {t("pay.intro", { total: price(order.total_cents, order.currency) })}
        {expires && ` ${t("pay.expires", { time: expires })}`}
      </p>
      <FormError problem={problem} overrides={{ 409: "pay.conflict" }} />
      {!start && (
        <button type="button" className="button button--primary" onClick={begin} disabled={busy}>
          {busy ? t("common.pleaseWait") : t("pay.start", { total: price(order.total_cents, order.currency) })}
        </button>
      )}
      {start?.provider === "offline" && <OfflineCard start={start} onOrder={onOrder} />}
      {start?.provider === "stripe" && start.publishable_key && (
        <StripeForm start={start} publishableKey={start.publishable_key} />
      )}
      {start && start.provider !== "offline" && !(start.provider === "stripe" && start.publishable_key) && (
        <p className="notice">{t("pay.unsupported")}</p>
      )}
    </section>
  );
}

/** The offline test provider: no real card, two buttons playing the bank's answer. */
function OfflineCard({ start, onOrder }: { start: PaymentStart; onOrder: (order: Order) => void }) {
  const { t } = useI18n();
  const { busy, problem, submit } = useSubmit();
  const [declined, setDeclined] = useState(false);

  function confirm(outcome: "succeeded" | "failed") {
    void submit(async () => {
      const order = await confirmOfflinePayment(start.payment_intent_id, outcome);
      setDeclined(outcome === "failed");
      onOrder(order);
    });
  }

  return (
    <div className="test-card">
      <p className="notice">{t("pay.offlineNotice")}</p>
      {declined && (
        <p className="form-error" role="alert">
          {t("pay.declined")}
        </p>
      )}
      <FormError problem={problem} />
      <div className="button-row">
        <button type="button" className="button button--primary" onClick={() => confirm("succeeded")} disabled={busy}>
          {t("pay.offlineSucceed")}
        </button>
        <button type="button" className="button button--ghost" onClick={() => confirm("failed")} disabled={busy}>
          {t("pay.offlineFail")}
        </button>
      </div>
    </div>
  );
}

/** Stripe's Payment Element; the webhook settles the payment, the live order shows the result. */
function StripeForm({ start, publishableKey }: { start: PaymentStart; publishableKey: string }) {
  const { t, locale } = useI18n();
  const mountPoint = useRef<HTMLDivElement>(null);
  const stripe = useRef<{ client: StripeClient; elements: StripeElements } | null>(null);
  const [state, setState] = useState<"loading" | "ready" | "failed" | "confirming" | "sent">("loading");
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    let destroy: (() => void) | undefined;
    stripeClient(publishableKey).then(
      (client) => {
        if (cancelled || !mountPoint.current) return;
        const elements = client.elements({ clientSecret: start.client_secret, locale });
        const element = elements.create("payment");
        element.mount(mountPoint.current);
        destroy = () => element.destroy();
        stripe.current = { client, elements };
        setState("ready");
      },
      () => !cancelled && setState("failed"),
    );
    return () => {
      cancelled = true;
      destroy?.();
    };
  }, [publishableKey, start.client_secret, locale]);

  async function confirm() {
    if (!stripe.current) return;
    setState("confirming");
    setMessage(null);
    const { error } = await stripe.current.client.confirmPayment({
      elements: stripe.current.elements,
      confirmParams: { return_url: window.location.href },
      redirect: "if_required",
    });
    if (error) {
      setMessage(error.message ?? t("pay.declined"));
      setState("ready");
    } else {
      setState("sent");
    }
  }

  return (
    <div className="stripe-form">
      {state === "loading" && <p className="muted">{t("common.loading")}</p>}
      {state === "failed" && <p className="form-error">{t("pay.stripeUnavailable")}</p>}
      <div ref={mountPoint} />
      {message && (
        <p className="form-error" role="alert">
          {message}
        </p>
      )}
      {state === "sent" ? (
        <p className="notice" role="status">
          {t("pay.confirming")}
        </p>
      ) : (
        <button
          type="button"
          className="button button--primary"
          onClick={confirm}
          disabled={state !== "ready"}
        >
          {state === "confirming" ? t("common.pleaseWait") : t("pay.confirm")}
        </button>
      )}
    </div>
  );
}

// An order's history on its back-office page, in the UI's language: each line from the typed
// timeline (see timeline.ts), the reasons people typed quoted as they are.
import type { PaymentView, HistoryEntry } from "../../api/types";
import { useI18n } from "../../i18n";
import { timeline, type TimelineEntry } from "./timeline";

export function OrderTimeline({ history, payments, currency, when }: { history: readonly HistoryEntry[]; payments: readonly PaymentView[]; currency: string; when: (iso: string) => string }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="order-history">
      <h2 id="order-history">{t("staffOrders.history")}</h2>
      <ol className="order-timeline">
        {timeline(history, payments, currency).map((entry, i) => (
          <li key={i}>
            {when(entry.at)} — <Said entry={entry} />
          </li>
        ))}
      </ol>
    </section>
  );
}

function Said({ entry }: { entry: TimelineEntry }) {
  const { t, price } = useI18n();
  const because = (reason: string | null) => (reason ? ` · ${reason}` : "");
  switch (entry.kind) {
    case "status":
      return <>{t(`order.status.${entry.to}`)}</>;
    case "paid_online":
      return <>{t("staffOrders.event.paidOnline")}</>;
    case "modified":
      return <>{t("staffOrders.event.modified")}</>;
    case "delivery_failed":
      return <>{t("staffOrders.event.deliveryFailed") + because(entry.reason)}</>;
    case "expired":
      return <>{t("staffOrders.event.expired")}</>;
    case "cancelled":
      return <>{t("order.status.cancelled") + because(entry.reason)}</>;
    case "refund": {
      const text = t("staffOrders.event.refund", { amount: price(entry.amount_cents, entry.currency), method: t(`staffOrders.method.${entry.method}`) });
      // A refund nobody asked for is the one of a cancelled order.
      const why = entry.asked ? because(entry.reason) : ` · ${t("staffOrders.event.cancelledRefund")}`;
      const state = entry.status && entry.status !== "succeeded" ? ` (${t(`staffOrders.refundStatus.${entry.status}`)})` : "";
      return <>{text + state + why}</>;
    }
  }
}

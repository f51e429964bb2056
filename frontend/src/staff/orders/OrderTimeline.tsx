// An order's history on its back-office page, in the UI's language: each line from the typed
// timeline (see timeline.ts), the reasons people typed quoted as they are.
import type { PaymentView, HistoryEntry } from "../../api/types";
import { useI18n } from "../../i18n";
import { timeline, type TimelineEntry } from "./timeline";

export function OrderTimeline({ history, payments, when }: { history: readonly HistoryEntry[]; payments: readonly PaymentView[]; when: (iso: string) => string }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="order-history">
      <h2 id="order-history">{t("staffOrders.history")}</h2>
      <ol className="order-timeline">
        {timeline(history, payments).map((entry, i) => (
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
      const { refund } = entry;
      const text = t("staffOrders.event.refund", { amount: price(refund.amount_cents, entry.currency), method: t(`staffOrders.method.${refund.method}`) });
      // A refund nobody asked for is the one of a cancelled order; its reason is the server's.
      const why = refund.created_by ? because(refund.reason ?? null) : ` · ${t("staffOrders.event.cancelledRefund")}`;
      const state = refund.status === "succeeded" ? "" : ` (${t(`staffOrders.refundStatus.${refund.status}`)})`;
      return <>{text + state + why}</>;
    }
  }
}

// The order as a paper ticket (a 72 mm roll or any page): shown only when printing (print
// stylesheet), the rest of the page hidden. Number, pickup or delivery, time, customer and phone,
// the address with its instructions, each line with its size, removals and extras, the delivery
// fee, the total, how it is paid (and what is left to collect), the customer's note.
import type { Order } from "../../api/types";
import { useI18n } from "../../i18n";
import { displayPhone } from "./lookup";

export function PrintTicket({ order, shopName }: { order: Order; shopName: string }) {
  const { t, price, intlLocale } = useI18n();
  const placed = new Date(order.created_at).toLocaleString(intlLocale, { dateStyle: "short", timeStyle: "short" });
  const address = order.delivery_address;
  const paidOnline = order.payment_method === "online";
  return (
    <div className="print-ticket" aria-hidden="true">
      <p className="print-ticket__shop">{shopName}</p>
      <p className="print-ticket__number">#{order.number}</p>
      <p className="print-ticket__kind">{t(`kitchen.fulfilment.${order.fulfilment}`)}</p>
      <p>{placed}</p>
      <div className="print-ticket__who">
        <p className="print-ticket__name">{order.customer_name}</p>
        {order.customer_phone && <p>{displayPhone(order.customer_phone)}</p>}
        {address && (
          <>
            <p>{address.line1}</p>
            {address.line2 && <p>{address.line2}</p>}
            <p>
              {address.postal_code} {address.city}
            </p>
            {address.instructions && <p className="print-ticket__strong">{address.instructions}</p>}
          </>
        )}
      </div>
      <table>
        <tbody>
          {order.lines.map((line, i) => (
            <tr key={i}>
              <td>
                <span className="print-ticket__strong">
                  {line.quantity} × {line.product_name}
                </span>
                <span className="print-ticket__mod">{line.size_label}</span>
                {line.removed.map((r) => (
                  <span key={`-${r.ingredient_id}`} className="print-ticket__mod">
                    − {t("kitchen.without")} {r.name}
                  </span>
                ))}
                {line.added.map((a) => (
                  <span key={`+${a.ingredient_id}`} className="print-ticket__mod">
                    + {a.name}
                  </span>
                ))}
              </td>
              <td className="print-ticket__amount">{price(line.line_total_cents, order.currency)}</td>
            </tr>
          ))}
          {order.delivery_fee_cents > 0 && (
            <tr className="print-ticket__fee">
              <td>{t("counter.deliveryFee")}</td>
              <td className="print-ticket__amount">{price(order.delivery_fee_cents, order.currency)}</td>
            </tr>
          )}
          <tr className="print-ticket__total">
            <td>{t("counter.total")}</td>
            <td className="print-ticket__amount">{price(order.total_cents, order.currency)}</td>
          </tr>
        </tbody>
      </table>
      <p>
        {t("counter.ticket.payment", {
          how:
            order.payment_method === "online"
              ? t("counter.payment.online")
              : t(`checkout.payment.${order.payment_method}.${order.fulfilment}`),
        })}
      </p>
      {!paidOnline && (
        <p className="print-ticket__strong">{t("counter.ticket.toCollect", { amount: price(order.total_cents, order.currency) })}</p>
      )}
      {order.notes && <p className="print-ticket__notes">{t("counter.ticket.notes", { notes: order.notes })}</p>}
    </div>
  );
}

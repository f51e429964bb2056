// The order as a paper ticket: shown only when printing (print stylesheet), the rest of the page
// hidden. Number, time, customer, pickup or delivery with the address, lines, total and payment.
import type { Order } from "../../api/types";
import { useI18n } from "../../i18n";

export function PrintTicket({ order, shopName }: { order: Order; shopName: string }) {
  const { t, price, intlLocale } = useI18n();
  const placed = new Date(order.created_at).toLocaleString(intlLocale, { dateStyle: "short", timeStyle: "short" });
  const address = order.delivery_address;
  return (
    <div className="print-ticket" aria-hidden="true">
      <p className="print-ticket__shop">{shopName}</p>
      <p className="print-ticket__number">#{order.number}</p>
      <p>{placed}</p>
      <p>
        <strong>{t(`kitchen.fulfilment.${order.fulfilment}`)}</strong> — {order.customer_name}
        {order.customer_phone && <> · {order.customer_phone}</>}
      </p>
      {address && (
        <p>
          {address.line1}
          {address.line2 && <>, {address.line2}</>}, {address.postal_code} {address.city}
          {address.instructions && <><br />{address.instructions}</>}
        </p>
      )}
      <table>
        <tbody>
          {order.lines.map((line, i) => (
            <tr key={i}>
              <td>
                {line.quantity} × {line.product_name} ({line.size_label})
                {line.removed.map((r) => (
                  <div key={`-${r.ingredient_id}`}>  {t("kitchen.without")} {r.name}</div>
                ))}
                {line.added.map((a) => (
                  <div key={`+${a.ingredient_id}`}>  + {a.name}</div>
                ))}
              </td>
              <td className="print-ticket__amount">{price(line.line_total_cents, order.currency)}</td>
            </tr>
          ))}
          {order.delivery_fee_cents > 0 && (
            <tr>
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
      <p>{t(`counter.payment.${order.payment_method}`)}</p>
      {order.notes && <p>✎ {order.notes}</p>}
    </div>
  );
}

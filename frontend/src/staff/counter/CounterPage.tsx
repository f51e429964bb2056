// The counter (/staff/counter): on one side the order being taken (who it is for, then the
// order), on the other the shop's open orders. A placed order's ticket prints at once if asked.
// The menu is the screen's, kept current by the stock events of the shop's stream.
import { useEffect, useState } from "react";
import type { Order } from "../../api/types";
import { useI18n } from "../../i18n";
import { useDocumentTitle } from "../../ui/useDocumentTitle";
import { useStaff } from "../StaffContext";
import { CustomerFinder, type OrderFor } from "./CustomerFinder";
import { NewOrder } from "./NewOrder";
import { OpenOrders } from "./OpenOrders";
import { PrintTicket } from "./PrintTicket";
import { useCounterMenu } from "./useCounterMenu";
import { useOpenOrders } from "./useOpenOrders";

export default function CounterPage() {
  const { t } = useI18n();
  useDocumentTitle(t("counter.title"));
  const { shop } = useStaff();
  const [who, setWho] = useState<OrderFor | null>(null);
  const [placed, setPlaced] = useState<Order | null>(null);
  const [printing, setPrinting] = useState<Order | null>(null);
  const [generation, setGeneration] = useState(0);
  const { menu, refresh: refreshMenu } = useCounterMenu(shop.id);
  const open = useOpenOrders(shop.id, refreshMenu);

  useEffect(() => {
    if (!printing) return undefined;
    const done = () => setPrinting(null);
    window.addEventListener("afterprint", done);
    const timer = window.setTimeout(() => window.print(), 0);
    return () => {
      window.clearTimeout(timer);
      window.removeEventListener("afterprint", done);
    };
  }, [printing]);

  return (
    <div className="counter">
      <div className="counter__take">
        <h1>{t("counter.title")}</h1>
        {placed && (
          <div className="notice notice--ok counter-placed" role="status">
            <p>{t("counter.placed", { number: placed.number, name: placed.customer_name })}</p>
            <button type="button" className="button" onClick={() => setPrinting(placed)}>
              {t("counter.print")}
            </button>
          </div>
        )}
        {who ? (
          <NewOrder
            key={generation}
            shop={shop}
            menu={menu}
            who={who}
            onChangeWho={() => setWho(null)}
            onPlaced={(order) => {
              setPlaced(order);
              setWho(null);
              setGeneration((g) => g + 1);
              open.reload();
            }}
          />
        ) : (
          <CustomerFinder
            onChoose={(next) => {
              setPlaced(null);
              setWho(next);
            }}
          />
        )}
      </div>
      <OpenOrders open={open} onPrint={setPrinting} />
      {printing && <PrintTicket order={printing} shopName={shop.name} />}
    </div>
  );
}

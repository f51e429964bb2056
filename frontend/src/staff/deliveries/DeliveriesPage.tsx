// The delivery person's screen (/staff/deliveries), phone-sized: ready deliveries to take, then
// the ones on the way, kept current by the shop's stream.
import { useCallback, useEffect, useState } from "react";
import { problemOf, type ProblemSummary } from "../../api/problem";
import type { components } from "../../api/schema";
import { useI18n } from "../../i18n";
import { ErrorPanel, Loading } from "../../ui/LoadState";
import { useDocumentTitle } from "../../ui/useDocumentTitle";
import { fetchDeliveries } from "../api";
import { LiveBadge } from "../LiveBadge";
import { useStaff } from "../StaffContext";
import { useLiveShop } from "../useLiveShop";
import { DeliveryCard } from "./DeliveryCard";

type DeliveryList = components["schemas"]["DeliveryList"];

export default function DeliveriesPage() {
  const { t } = useI18n();
  useDocumentTitle(t("deliveries.title"));
  const { shop } = useStaff();
  const [list, setList] = useState<DeliveryList | null>(null);
  const [problem, setProblem] = useState<ProblemSummary | null>(null);

  const reload = useCallback(() => {
    fetchDeliveries(shop.id).then(
      (next) => {
        setList(next);
        setProblem(null);
      },
      (error: unknown) => setProblem(problemOf(error)),
    );
  }, [shop.id]);
  useEffect(() => reload(), [reload]);
  const live = useLiveShop(shop.id, reload);

  return (
    <div className="deliveries">
      <div className="deliveries__bar">
        <h1>{t("deliveries.title")}</h1>
        <LiveBadge state={live} />
      </div>
      {problem && <ErrorPanel problem={problem} onRetry={reload} />}
      {!list && !problem && <Loading />}
      {list && (
        <>
          <section aria-labelledby="on-the-way">
            <h2 id="on-the-way">{t("deliveries.onTheWay", { count: list.on_the_way.length })}</h2>
            {list.on_the_way.length === 0 ? (
              <p className="muted">{t("deliveries.noneOnTheWay")}</p>
            ) : (
              <ul className="delivery-list">
                {list.on_the_way.map((order) => (
                  <DeliveryCard key={order.id} order={order} onChanged={reload} />
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="ready">
            <h2 id="ready">{t("deliveries.ready", { count: list.ready.length })}</h2>
            {list.ready.length === 0 ? (
              <p className="muted">{t("deliveries.noneReady")}</p>
            ) : (
              <ul className="delivery-list">
                {list.ready.map((order) => (
                  <DeliveryCard key={order.id} order={order} onChanged={reload} />
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </div>
  );
}

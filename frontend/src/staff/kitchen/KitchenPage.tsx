// The kitchen display (/staff/kitchen), for a landscape tablet: the "all day" strip, the tickets
// oldest first, the ones made ready lately (to recall one bumped by mistake), the stream's state,
// the sound switch and the bump bar's keys, shown on screen.
import { useEffect, useEffectEvent, useState } from "react";
import { useI18n } from "../../i18n";
import { problemDetail } from "../../ui/problemText";
import { useDocumentTitle } from "../../ui/useDocumentTitle";
import { LiveBadge } from "../LiveBadge";
import { useStaff } from "../StaffContext";
import { bumpBarAction, bumpedTicket } from "./bumpBar";
import { playChime, unlockChime } from "./chime";
import { TicketCard } from "./TicketCard";
import { allDay, bumpTarget, thresholds } from "./tickets";
import { useKitchen } from "./useKitchen";
import { useNow } from "./useNow";

export default function KitchenPage() {
  const { t } = useI18n();
  useDocumentTitle(t("kitchen.title"));
  const { shop } = useStaff();
  const [sound, setSound] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [said, setSaid] = useState("");
  const now = useNow();
  const kitchen = useKitchen(shop.id, now, (ids) => {
    if (sound) playChime();
    setSaid(t("kitchen.newTickets", { count: ids.length }));
  });
  const { tickets, recent, queue, problem, fresh, pending, live, move } = kitchen;
  const limits = thresholds(queue ?? {});
  const counts = allDay(tickets);

  const onKey = useEffectEvent((event: KeyboardEvent) => {
    const target = event.target instanceof HTMLElement ? event.target.tagName : "";
    const action = bumpBarAction({ key: event.key, ctrlKey: event.ctrlKey, metaKey: event.metaKey, altKey: event.altKey, targetTag: target });
    if (!action) return;
    event.preventDefault();
    if (action.type === "select") {
      const ticket = tickets[action.index];
      if (ticket) setSelected(ticket.order_id);
    } else if (action.type === "clear") setSelected(null);
    else if (action.type === "bump") {
      const ticket = bumpedTicket(tickets, selected);
      const to = ticket && bumpTarget(ticket.status);
      if (ticket && to) void move(ticket, to);
    } else if (recent[0]) void move(recent[0], "preparing");
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKey(event);
    window.addEventListener("keydown", listener);
    return () => window.removeEventListener("keydown", listener);
  }, []);

  return (
    <div className="kitchen">
      <div className="kitchen__bar">
        <h1 className="kitchen__title">
          {t("kitchen.title")} <span className="kitchen__count">{t("kitchen.waiting", { count: tickets.length })}</span>
        </h1>
        <LiveBadge state={live} />
        <button
          type="button"
          className="button kitchen__sound"
          aria-pressed={sound}
          onClick={() => {
            if (!sound && unlockChime()) playChime();
            setSound((s) => !s);
          }}
        >
          <span aria-hidden="true">{sound ? "♪" : "×"}</span> {t(sound ? "kitchen.soundOn" : "kitchen.soundOff")}
        </button>
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">
        {said}
      </p>
      {problem && (
        <p className="notice kitchen__problem" role="alert">
          {problemDetail(t, problem, { 409: "kitchen.conflict" })}
        </p>
      )}

      <section className="all-day" aria-labelledby="all-day-title">
        <h2 id="all-day-title" className="all-day__title">
          {t("kitchen.allDay")}
        </h2>
        {counts.length === 0 ? (
          <p className="all-day__none">{t("kitchen.allDayNone")}</p>
        ) : (
          <ul className="all-day__list">
            {counts.map((c) => (
              <li key={`${c.product}|${c.size}`}>
                <strong>{c.count}</strong> {c.product} <span className="all-day__size">{c.size}</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      {queue === null && !problem ? (
        <p className="kitchen__empty">{t("common.loading")}</p>
      ) : tickets.length === 0 ? (
        <p className="kitchen__empty">{t("kitchen.empty")}</p>
      ) : (
        <div className="kitchen__tickets">
          {tickets.map((ticket, i) => (
            <TicketCard
              key={ticket.order_id}
              ticket={ticket}
              place={i + 1}
              now={now}
              limits={limits}
              selected={selected === ticket.order_id}
              fresh={fresh.has(ticket.order_id)}
              busy={pending.has(ticket.order_id)}
              onSelect={() => setSelected(ticket.order_id)}
              onBump={() => {
                const to = bumpTarget(ticket.status);
                if (to) void move(ticket, to);
              }}
            />
          ))}
        </div>
      )}

      <section className="kitchen__recent" aria-labelledby="recent-title">
        <h2 id="recent-title">{t("kitchen.recent")}</h2>
        {recent.length === 0 ? (
          <p className="muted">{t("kitchen.recentNone")}</p>
        ) : (
          <ul>
            {recent.map((ticket, i) => (
              <li key={ticket.order_id}>
                <span className="kitchen__recent-number">#{ticket.number}</span>
                <button
                  type="button"
                  className="button"
                  disabled={pending.has(ticket.order_id)}
                  onClick={() => void move(ticket, "preparing")}
                >
                  {t("kitchen.recall", { number: ticket.number })}
                  {i === 0 && <kbd aria-hidden="true">R</kbd>}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>

      <p className="kitchen__keys">
        <strong>{t("kitchen.keys")}</strong> <kbd>1</kbd>–<kbd>9</kbd> {t("kitchen.keys.select")} · <kbd>{t("kitchen.keyName.enter")}</kbd>/
        <kbd>{t("kitchen.keyName.space")}</kbd> {t("kitchen.keys.bump")} · <kbd>R</kbd> {t("kitchen.keys.recall")} · <kbd>{t("kitchen.keyName.escape")}</kbd>{" "}
        {t("kitchen.keys.clear")} · {t("kitchen.thresholds", { warn: limits.warn, late: limits.late })}
      </p>
    </div>
  );
}

// One kitchen ticket as a cook reads it from 1.5 m: the number, pickup or delivery, when it was
// placed and a running timer coloured by age (with a word and an icon, never colour alone), each
// pizza with its size, removals struck through, extras highlighted, the recipe for that size,
// the steps, allergens and memos; drinks and desserts apart "to pack". The big bump button sits
// under the header, where a hand reaches it without scrolling a long ticket.
import { allergenName } from "../../catalog/allergens";
import { useI18n } from "../../i18n";
import { ageLevel, ageMs, bumpTarget, formatTimer, splitLines, type Thresholds } from "./tickets";
import type { KitchenTicket, TicketLine } from "./types";

interface Props {
  ticket: KitchenTicket;
  place: number;
  now: number;
  limits: Thresholds;
  selected: boolean;
  fresh: boolean;
  busy: boolean;
  onSelect: () => void;
  onBump: () => void;
}

const AGE_ICON = { fresh: "●", warn: "▲", late: "⚠" } as const;

export function TicketCard({ ticket, place, now, limits, selected, fresh, busy, onSelect, onBump }: Props) {
  const { t, intlLocale } = useI18n();
  const age = ageMs(ticket.placed_at, now);
  const level = ageLevel(age, limits);
  const target = bumpTarget(ticket.status);
  const { make, pack } = splitLines(ticket.lines);
  const placed = new Date(ticket.placed_at).toLocaleTimeString(intlLocale, { hour: "2-digit", minute: "2-digit" });
  const titleId = `ticket-${ticket.order_id}`;
  return (
    <article
      className={`ticket ticket--${level} ticket--${ticket.status}${selected ? " is-selected" : ""}${fresh ? " is-new" : ""}`}
      aria-labelledby={titleId}
      onClick={onSelect}
    >
      <header className="ticket__head">
        <h2 id={titleId} className="ticket__number">
          <span className="ticket__key" aria-label={t("kitchen.key", { key: place })}>
            {place <= 9 ? place : ""}
          </span>
          #{ticket.number}
        </h2>
        <span className={`ticket__fulfilment ticket__fulfilment--${ticket.fulfilment}`}>
          {t(`kitchen.fulfilment.${ticket.fulfilment}`)}
        </span>
        {fresh && <span className="ticket__new">{t("kitchen.new")}</span>}
        <p className="ticket__time">
          <span>{t("kitchen.placedAt", { time: placed })}</span>
          <span className={`ticket__timer ticket__timer--${level}`}>
            <span aria-hidden="true">{AGE_ICON[level]}</span>{" "}
            <time dateTime={`PT${Math.floor(age / 1000)}S`}>{formatTimer(age)}</time>
            {level !== "fresh" && <span className="ticket__age-word"> {t(`kitchen.age.${level}`)}</span>}
          </span>
        </p>
        <p className="ticket__status">{t(`kitchen.status.${ticket.status}`)}</p>
      </header>
      {target && (
        <button
          type="button"
          className={`button ticket__bump ticket__bump--${target}`}
          disabled={busy}
          onClick={(event) => {
            event.stopPropagation();
            onBump();
          }}
        >
          {busy ? t("common.pleaseWait") : t(`kitchen.bump.${target}`, { number: ticket.number })}
        </button>
      )}
      {ticket.notes && (
        <p className="ticket__notes">
          <span aria-hidden="true">✎ </span>
          {ticket.notes}
        </p>
      )}
      <ul className="ticket__lines">
        {make.map((line, i) => (
          <MadeLine key={i} line={line} />
        ))}
      </ul>
      {pack.length > 0 && (
        <section className="ticket__pack" aria-label={t("kitchen.toPack")}>
          <h3>{t("kitchen.toPack")}</h3>
          <ul>
            {pack.map((line, i) => (
              <li key={i}>
                <strong>{line.quantity} ×</strong> {line.product_name}
                {line.size_label && <span className="muted"> · {line.size_label}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </article>
  );
}

function MadeLine({ line }: { line: TicketLine }) {
  const { t } = useI18n();
  const added = new Set(line.added);
  return (
    <li className="ticket-line">
      <h3 className="ticket-line__title">
        <span className="ticket-line__qty">{line.quantity} ×</span> {line.product_name}{" "}
        <span className="ticket-line__size">{line.size_label}</span>
      </h3>
      {(line.removed.length > 0 || line.added.length > 0) && (
        <p className="ticket-line__mods">
          {line.removed.map((name) => (
            <span key={`-${name}`} className="mod mod--removed">
              {t("kitchen.without")} <del>{name}</del>
            </span>
          ))}
          {line.added.map((name) => (
            <mark key={`+${name}`} className="mod mod--added">
              + {name}
            </mark>
          ))}
        </p>
      )}
      {line.recipe.length > 0 && (
        <table className="ticket-line__recipe">
          <caption className="visually-hidden">{t("kitchen.recipeFor", { size: line.size_label })}</caption>
          <tbody>
            {line.recipe.map((r) => (
              <tr key={r.ingredient_id} className={added.has(r.name) ? "is-extra" : undefined}>
                <th scope="row">{r.name}</th>
                <td>
                  {r.quantity} {r.unit}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {line.steps.length > 0 && (
        <ol className="ticket-line__steps">
          {line.steps.map((step, i) => (
            <li key={i}>{step}</li>
          ))}
        </ol>
      )}
      {line.allergens.length > 0 && (
        <p className="ticket-line__allergens">
          <strong>{t("kitchen.allergens")}</strong> {line.allergens.map((a) => allergenName(t, a)).join(", ")}
        </p>
      )}
      {line.memos.map((memo) => (
        <p key={memo.id} className="ticket-line__memo">
          <strong>{t("kitchen.memo")}</strong> {memo.body}
        </p>
      ))}
    </li>
  );
}

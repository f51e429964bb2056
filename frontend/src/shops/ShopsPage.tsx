// Home: choose the pizzeria to order from, optionally only those delivering to a postal code.
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import type { Shop } from "../api/types";
import { useDocumentTitle } from "../ui/useDocumentTitle";
import { useI18n } from "../i18n";
import { formatShopTime } from "../i18n/format";
import { ErrorPanel, Loading } from "../ui/LoadState";
import { useChosenShop } from "./chosenShop";
import { closureText, nextClosure } from "./closures";
import { todayHours, weekHours } from "./hours";
import { useShops } from "./api";

const POSTAL_CODE = /^\d{5}$/;

export function ShopsPage() {
  const { t } = useI18n();
  useDocumentTitle(t("shops.title"));
  const [params, setParams] = useSearchParams();
  const postalCode = params.get("postal_code");
  const [draft, setDraft] = useState(postalCode ?? "");
  const [draftError, setDraftError] = useState<string | null>(null);
  const shops = useShops(postalCode && POSTAL_CODE.test(postalCode) ? postalCode : null);
  const { shopId } = useChosenShop();

  function submit(event: FormEvent) {
    event.preventDefault();
    const value = draft.trim();
    if (value !== "" && !POSTAL_CODE.test(value)) {
      setDraftError(t("shops.postalCodeInvalid"));
      return;
    }
    setDraftError(null);
    setParams(value ? { postal_code: value } : {});
  }

  const chosen = shops.status === "ready" ? shops.data.find((s) => s.id === shopId) : undefined;

  return (
    <div className="page">
      <section className="hero">
        <h1>{t("shops.heading")}</h1>
        <p className="hero__lead">{t("shops.lead")}</p>
        <form className="postal-form" onSubmit={submit} role="search" noValidate>
          <label htmlFor="postal-code">{t("shops.postalCodeLabel")}</label>
          <div className="postal-form__row">
            <input
              id="postal-code"
              inputMode="numeric"
              autoComplete="postal-code"
              maxLength={5}
              placeholder="69002"
              value={draft}
              aria-invalid={draftError ? true : undefined}
              aria-describedby={draftError ? "postal-code-error" : undefined}
              onChange={(e) => setDraft(e.target.value)}
            />
            <button type="submit" className="button">
              {t("shops.postalCodeSubmit")}
            </button>
            {postalCode && (
              <button
                type="button"
                className="button button--ghost"
                onClick={() => {
                  setDraft("");
                  setDraftError(null);
                  setParams({});
                }}
              >
                {t("shops.showAll")}
              </button>
            )}
          </div>
          {draftError && (
            <p className="field__error" id="postal-code-error">
              {draftError}
            </p>
          )}
        </form>
      </section>

      {chosen && (
        <p className="continue">
          <Link className="button button--primary" to={`/shops/${chosen.id}`}>
            {t("shops.continueWith", { name: chosen.name })}
          </Link>
        </p>
      )}

      <section aria-labelledby="shops-list-title">
        <h2 id="shops-list-title" className="section-title">
          {postalCode ? t("shops.deliveringTo", { postalCode }) : t("shops.allShops")}
        </h2>
        {shops.status === "loading" && <Loading label={t("shops.loading")} />}
        {shops.status === "error" && <ErrorPanel problem={shops.problem} onRetry={shops.retry} />}
        {shops.status === "ready" &&
          (shops.data.length === 0 ? (
            <p className="empty">{postalCode ? t("shops.noneForPostalCode", { postalCode }) : t("shops.none")}</p>
          ) : (
            <ul className="shop-grid">
              {shops.data.map((shop) => (
                <li key={shop.id}>
                  <ShopCard shop={shop} chosen={shop.id === shopId} />
                </li>
              ))}
            </ul>
          ))}
      </section>
    </div>
  );
}

function ShopCard({ shop, chosen }: { shop: Shop; chosen: boolean }) {
  const { t, intlLocale, price } = useI18n();
  const today = todayHours(shop.hours, shop.timezone, intlLocale);
  const coming = nextClosure(shop);
  return (
    <article className={`card shop-card${chosen ? " shop-card--chosen" : ""}`}>
      <header className="shop-card__header">
        <h3>{shop.name}</h3>
        <span className={`badge ${shop.open_now ? "badge--open" : "badge--closed"}`}>
          {shop.open_now ? t("shops.openNow") : t("shops.closedNow")}
        </span>
      </header>
      {shop.closure_now && <p className="shop-card__closure small">{closureText(shop.closure_now, t, intlLocale)}</p>}
      {!shop.open_now && shop.next_opening_at && (
        <p className="shop-card__next small">
          {t("shops.opensAt", { when: formatShopTime(shop.next_opening_at, shop.timezone, intlLocale) })}
        </p>
      )}
      <p className="shop-card__address">
        {shop.address_line}
        <br />
        {shop.postal_code} {shop.city}
      </p>
      <p className="shop-card__today">
        <strong>{t("shops.today")}</strong> {today.length && !shop.closure_now ? today.join(", ") : t("shops.closedToday")}
      </p>
      {coming && <p className="shop-card__closure shop-card__closure--ahead small">{closureText(coming, t, intlLocale)}</p>}
      <p className="muted">
        {t("shops.deliveryTerms", {
          fee: price(shop.delivery_fee_cents, shop.currency),
          minimum: price(shop.min_order_cents, shop.currency),
        })}
      </p>
      <details className="shop-card__week">
        <summary>{t("shops.weekHours")}</summary>
        <dl>
          {weekHours(shop.hours, intlLocale).map((day) => (
            <div key={day.weekday} className="hours-row">
              <dt>{day.name}</dt>
              <dd>{day.ranges.length ? day.ranges.join(", ") : t("shops.closed")}</dd>
            </div>
          ))}
        </dl>
        <p className="muted">
          {t("shops.phone")} <a href={`tel:${shop.phone.replace(/\s+/g, "")}`}>{shop.phone}</a>
        </p>
      </details>
      <Link className="button button--primary shop-card__cta" to={`/shops/${shop.id}`}>
        {chosen ? t("shops.seeMenuChosen") : t("shops.seeMenu")}
        <span className="visually-hidden"> – {shop.name}</span>
      </Link>
    </article>
  );
}

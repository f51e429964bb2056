// Pausing a product in the staff member's shop ("86" it) and resuming it: PATCH
// /shops/{id}/menu/{product_id}. The state shown is the shop's own menu's (paused, and until when).
import { useState } from "react";
import { fetchMenu } from "../../shops/api";
import { useResource } from "../../api/useResource";
import { useI18n } from "../../i18n";
import { FormError } from "../../ui/FormError";
import { useSubmit } from "../../ui/useSubmit";
import { useStaff } from "../StaffContext";
import { setPaused } from "./menuApi";

/** The pause's end for "pause for N hours", or none for "until resumed". */
export function pauseEnd(hours: number | null, now = new Date()): string | undefined {
  return hours === null ? undefined : new Date(now.getTime() + hours * 3_600_000).toISOString();
}

export function ShopPause({ productId }: { productId: string }) {
  const { t, intlLocale } = useI18n();
  const { shop } = useStaff();
  const [version, setVersion] = useState(0);
  const menu = useResource(`staff-menu-state:${shop.id}:${version}`, (signal) => fetchMenu(shop.id, signal));
  const [hours, setHours] = useState<number | null>(null);
  const { busy, problem, submit } = useSubmit();
  const product =
    menu.status === "ready" ? menu.data.categories.flatMap((c) => c.products).find((p) => p.id === productId) : undefined;
  const paused = product?.unavailable_reason === "paused";
  const until = product?.paused_until
    ? new Intl.DateTimeFormat(intlLocale, { timeStyle: "short", timeZone: shop.timezone }).format(new Date(product.paused_until))
    : null;
  const change = async (available: boolean) => {
    const done = await submit(() =>
      setPaused(shop.id, productId, available ? { available } : { available, until: pauseEnd(hours) }),
    );
    if (done) setVersion((v) => v + 1);
  };
  return (
    <section className="menu-editor__availability" aria-labelledby={`pause-${productId}`}>
      <h3 id={`pause-${productId}`}>{t("menuEditor.inShop", { shop: shop.name })}</h3>
      <FormError problem={problem} />
      <p role="status">
        {menu.status !== "ready"
          ? t("menuEditor.pauseLoading")
          : paused
            ? until
              ? t("menuEditor.pausedUntil", { time: until })
              : t("menuEditor.paused")
            : t("menuEditor.onSale")}
      </p>
      {paused ? (
        <button type="button" className="button button--small" disabled={busy} onClick={() => void change(true)}>
          {t("menuEditor.resume")}
        </button>
      ) : (
        <div className="menu-editor__pause">
          <label>
            {t("menuEditor.pauseFor")}{" "}
            <select value={hours ?? ""} onChange={(e) => setHours(e.target.value === "" ? null : Number(e.target.value))}>
              <option value="">{t("menuEditor.untilResumed")}</option>
              <option value="1">{t("menuEditor.hours", { count: 1 })}</option>
              <option value="2">{t("menuEditor.hours", { count: 2 })}</option>
              <option value="4">{t("menuEditor.hours", { count: 4 })}</option>
            </select>
          </label>
          <button
            type="button"
            className="button button--small"
            disabled={busy || menu.status !== "ready"}
            onClick={() => void change(false)}
          >
            {t("menuEditor.pause")}
          </button>
        </div>
      )}
    </section>
  );
}

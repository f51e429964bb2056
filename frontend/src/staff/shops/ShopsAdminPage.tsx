// The chain's shops (/staff/shops, admins): every shop, inactive ones too, beside the one being
// edited (/staff/shops/{id}) or opened (/staff/shops/new). On a phone the list and the editor
// take the screen in turn.
import { useState, type ReactNode } from "react";
import { Link, NavLink, Route, Routes, useNavigate, useParams } from "react-router-dom";
import type { Shop } from "../../api/types";
import { useI18n } from "../../i18n";
import { ErrorPanel, Loading } from "../../ui/LoadState";
import { useDocumentTitle } from "../../ui/useDocumentTitle";
import { ClosuresPanel } from "./ClosuresPanel";
import { ShopEditor } from "./ShopEditor";
import { fetchShop, useAdminShop, useAllShops } from "./shopsApi";
import "./shops.css";

export default function ShopsAdminPage() {
  const { t } = useI18n();
  useDocumentTitle(t("adminShops.title"));
  // Bumped after a save, so the list shows the new name or state.
  const [version, setVersion] = useState(0);
  const saved = () => setVersion((v) => v + 1);
  return (
    <Routes>
      <Route index element={<Layout version={version} editing={false} body={<p className="muted shops-admin__pick">{t("adminShops.pick")}</p>} />} />
      <Route path="new" element={<Layout version={version} editing body={<NewShop onSaved={saved} />} />} />
      <Route path=":shopId" element={<Layout version={version} editing body={<EditShop onSaved={saved} />} />} />
    </Routes>
  );
}

function Layout({ version, editing, body }: { version: number; editing: boolean; body: ReactNode }) {
  return (
    <div className={`shops-admin${editing ? " shops-admin--editing" : ""}`}>
      <ShopList version={version} editing={editing} />
      <div className="shops-admin__editor">{body}</div>
    </div>
  );
}

function ShopList({ version, editing }: { version: number; editing: boolean }) {
  const { t } = useI18n();
  const shops = useAllShops(version);
  // The page's one h1: the list's, or the editor's while one is open (the list may be hidden).
  const Title = editing ? "h2" : "h1";
  return (
    <section className="shops-admin__list" aria-labelledby="shops-admin-title">
      <div className="stock__head">
        <Title id="shops-admin-title">{t("adminShops.title")}</Title>
        <Link className="button button--primary button--small" to="/staff/shops/new">
          {t("adminShops.new")}
        </Link>
      </div>
      {shops.status === "loading" && <Loading />}
      {shops.status === "error" && <ErrorPanel problem={shops.problem} onRetry={shops.retry} />}
      {shops.status === "ready" &&
        (shops.data.length === 0 ? (
          <p className="empty">{t("adminShops.noShops")}</p>
        ) : (
          <ul className="shops-admin__items">
            {shops.data.map((s) => (
              <li key={s.id}>
                <NavLink to={`/staff/shops/${s.id}`} className="shops-admin__item">
                  <strong>{s.name}</strong>
                  <span className="muted small">
                    {s.postal_code} {s.city}
                  </span>
                  <ShopBadges shop={s} />
                </NavLink>
              </li>
            ))}
          </ul>
        ))}
    </section>
  );
}

function ShopBadges({ shop }: { shop: Shop }) {
  const { t } = useI18n();
  if (!shop.active) return <span className="badge badge--muted">{t("adminShops.inactive")}</span>;
  return <span className={`badge ${shop.open_now ? "badge--open" : "badge--closed"}`}>{shop.open_now ? t("shops.openNow") : t("shops.closedNow")}</span>;
}

function BackToList() {
  const { t } = useI18n();
  return (
    <Link to="/staff/shops" className="link-button shops-admin__back">
      ← {t("adminShops.back")}
    </Link>
  );
}

function NewShop({ onSaved }: { onSaved: () => void }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <section aria-labelledby="shop-editor-title">
      <BackToList />
      <h1 id="shop-editor-title" className="shops-admin__title">
        {t("adminShops.new")}
      </h1>
      <ShopEditor
        shop={null}
        onSaved={(shop) => {
          onSaved();
          navigate(`/staff/shops/${shop.id}`);
        }}
      />
    </section>
  );
}

function EditShop({ onSaved }: { onSaved: () => void }) {
  const { t } = useI18n();
  const { shopId = null } = useParams();
  const shop = useAdminShop(shopId);
  if (shop.status === "loading") return <Loading />;
  if (shop.status === "error") return <ErrorPanel problem={shop.problem} onRetry={shop.retry} />;
  const { replace } = shop;
  // After a closure is added or removed: the shop again (open now, next opening), the draft kept.
  const refresh = async () => {
    replace(await fetchShop(shop.data.id));
    onSaved();
  };
  return (
    <section aria-labelledby="shop-editor-title">
      <BackToList />
      <h1 id="shop-editor-title" className="shops-admin__title">
        {t("adminShops.edit", { name: shop.data.name })}
      </h1>
      <ClosuresPanel shop={shop.data} onChanged={refresh} />
      <ShopEditor
        key={shop.data.id}
        shop={shop.data}
        onSaved={(saved) => {
          shop.replace(saved);
          onSaved();
        }}
      />
    </section>
  );
}

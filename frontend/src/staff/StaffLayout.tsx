// The staff frame: a compact header with the shop and the role, the screens this role may open,
// the language and logout; then the screen. Customers are sent back to their pages.
import { useRef, useState } from "react";
import { Link, Navigate, NavLink, Outlet, useLocation } from "react-router-dom";
import { useAuth } from "../accounts/AuthContext";
import { isStaff, staffScreens } from "../accounts/roles";
import type { Shop, User } from "../api/types";
import { useI18n } from "../i18n";
import { LanguageSwitch } from "../ui/LanguageSwitch";
import { ErrorPanel, Loading } from "../ui/LoadState";
import { useShopList, useStaffShop } from "./api";
import { rememberedShop, rememberShop, StaffContext } from "./StaffContext";

export function StaffLayout() {
  const { user } = useAuth();
  if (!user) return <Loading />;
  if (!isStaff(user.role)) return <Navigate to="/account" replace />;
  return <StaffFrame user={user} />;
}

function StaffFrame({ user }: { user: User }) {
  const { t } = useI18n();
  const [chosen, setChosen] = useState<string | null>(() => (user.role === "admin" ? rememberedShop() : null));
  const shopId = user.shop_id ?? chosen;
  const shop = useStaffShop(shopId);
  const location = useLocation();
  const main = useRef<HTMLElement>(null);

  const screen = location.pathname.split("/")[2] ?? "";
  let body;
  // The chain's shops are no one shop's: an admin manages them (and opens the first) without picking one.
  if (screen === "shops" && user.role === "admin") body = <Outlet />;
  else if (!shopId) body = <ShopPicker onPick={(id) => (rememberShop(id), setChosen(id))} />;
  else if (shop.status === "loading") body = <Loading />;
  else if (shop.status === "error") body = <ErrorPanel problem={shop.problem} onRetry={shop.retry} />;
  else
    body = (
      <StaffContext.Provider value={{ user, role: user.role, shop: shop.data }}>
        <Outlet />
      </StaffContext.Provider>
    );

  return (
    <div className={`staff staff--${screen}`}>
      <a className="skip-link" href="#main">
        {t("nav.skip")}
      </a>
      <StaffHeader user={user} shop={shop.status === "ready" ? shop.data : null} picked={shopId !== null} onChangeShop={user.role === "admin" ? () => setChosen(null) : undefined} />
      <main id="main" ref={main} tabIndex={-1} className="staff__main">
        {body}
      </main>
    </div>
  );
}

function StaffHeader({ user, shop, picked, onChangeShop }: { user: User; shop: Shop | null; picked: boolean; onChangeShop?: () => void }) {
  const { t } = useI18n();
  const { logout } = useAuth();
  return (
    <header className="staff-header">
      <Link to="/staff" className="brand staff-header__brand">
        <span>OC Pizza</span>
      </Link>
      <p className="staff-header__who">
        <strong>{shop?.name ?? (picked ? "…" : t("staff.wholeChain"))}</strong>
        <span>
          {user.full_name} · {t(`staff.role.${user.role}`)}
        </span>
      </p>
      <nav aria-label={t("staff.screens")} className="staff-nav">
        <ul>
          {staffScreens(user.role).map((screen) => (
            <li key={screen}>
              <NavLink to={`/staff/${screen}`}>{t(`staff.screen.${screen}`)}</NavLink>
            </li>
          ))}
          {onChangeShop && (
            <li>
              <button type="button" className="button button--small" onClick={onChangeShop}>
                {t("staff.changeShop")}
              </button>
            </li>
          )}
        </ul>
      </nav>
      <LanguageSwitch />
      <button type="button" className="button button--small" onClick={() => void logout()}>
        {t("nav.logout")}
      </button>
    </header>
  );
}

function ShopPicker({ onPick }: { onPick: (shopId: string) => void }) {
  const { t } = useI18n();
  const shops = useShopList(true);
  if (shops.status === "loading") return <Loading />;
  if (shops.status === "error") return <ErrorPanel problem={shops.problem} onRetry={shops.retry} />;
  return (
    <section className="page page--narrow">
      <h1>{t("staff.pickShop")}</h1>
      <ul className="staff-shop-list">
        {shops.data.map((s) => (
          <li key={s.id}>
            <button type="button" className="button button--wide" onClick={() => onPick(s.id)}>
              {s.name}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

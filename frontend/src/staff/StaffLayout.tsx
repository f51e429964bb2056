// The staff frame: the header (StaffHeader.tsx: the shop and who works, the screens this role
// may open), then the screen. Customers are sent back to their pages.
import { useRef, useState } from "react";
import { Navigate, Outlet, useLocation } from "react-router-dom";
import { useAuth } from "../accounts/AuthContext";
import { isStaff } from "../accounts/roles";
import type { User } from "../api/types";
import { useI18n } from "../i18n";
import { ErrorPanel, Loading } from "../ui/LoadState";
import { useShopList, useStaffShop } from "./api";
import { StaffHeader } from "./StaffHeader";
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

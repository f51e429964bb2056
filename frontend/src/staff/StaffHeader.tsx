// The staff header, one line on a desk screen: the shop and who is working (a button opening the
// account panel: another shop for an admin, the language, logout), then the screens this role
// opens, in two groups: the shop floor's (counter, kitchen, deliveries) and the management's
// (orders, stock, team, menu, statistics, shops). Below a desk's width the management screens fold
// into a "Gestion" button; on a phone the screens go to a second row.
import type { ReactNode } from "react";
import { Link, NavLink, useLocation } from "react-router-dom";
import { useAuth } from "../accounts/AuthContext";
import { staffScreens, type StaffScreen } from "../accounts/roles";
import type { Shop, User } from "../api/types";
import { useI18n } from "../i18n";
import { LanguageSwitch } from "../ui/LanguageSwitch";
import { useDisclosure } from "./useDisclosure";
import "./StaffHeader.css";

/** The screens of the shop floor; every other one is management. */
const FLOOR: readonly StaffScreen[] = ["counter", "kitchen", "deliveries"];

/** `picked`: a shop is chosen (its name may still be loading); without one an admin works on the whole chain. */
export function StaffHeader({ user, shop, picked = true, onChangeShop }: { user: User; shop: Shop | null; picked?: boolean; onChangeShop?: (() => void) | undefined }) {
  const { t } = useI18n();
  const { pathname } = useLocation();
  const screens = staffScreens(user.role);
  const floor = screens.filter((s) => FLOOR.includes(s));
  const manage = screens.filter((s) => !FLOOR.includes(s));
  const link = (screen: StaffScreen) => (
    <li key={screen}>
      <NavLink to={`/staff/${screen}`}>{t(`staff.screen.${screen}`)}</NavLink>
    </li>
  );
  return (
    <header className="staff-header">
      <Link to="/staff" className="brand staff-header__brand">
        <span>OC Pizza</span>
      </Link>
      <Account user={user} shop={shop} picked={picked} onChangeShop={onChangeShop} page={pathname} />
      <nav aria-label={t("staff.screens")} className="staff-nav">
        {floor.length > 0 && (
          <ul aria-label={t("staff.nav.floor")} className="staff-nav__group">
            {floor.map(link)}
          </ul>
        )}
        {manage.length > 0 && <Management screens={manage} page={pathname} link={link} />}
      </nav>
    </header>
  );
}

function Management({ screens, page, link }: { screens: readonly StaffScreen[]; page: string; link: (s: StaffScreen) => ReactNode }) {
  const { t } = useI18n();
  const { open, rootProps, buttonProps, panelId } = useDisclosure(page);
  const current = screens.some((s) => page === `/staff/${s}` || page.startsWith(`/staff/${s}/`));
  return (
    <div className="staff-nav__manage" {...rootProps}>
      {/* Shown below a desk's width only; on a desk the list is always there. */}
      <button {...buttonProps} className={`staff-nav__toggle${current ? " is-current" : ""}`}>
        {t("staff.nav.manage")}
        <span className="staff-nav__chevron" aria-hidden="true" />
      </button>
      <ul id={panelId} aria-label={t("staff.nav.manage")} className={`staff-nav__group staff-nav__panel${open ? " is-open" : ""}`}>
        {screens.map(link)}
      </ul>
    </div>
  );
}

function Account({ user, shop, picked, onChangeShop, page }: { user: User; shop: Shop | null; picked: boolean; onChangeShop?: (() => void) | undefined; page: string }) {
  const { t } = useI18n();
  const { logout } = useAuth();
  const { open, close, rootProps, buttonProps, panelId } = useDisclosure(page);
  return (
    <div className="staff-account" {...rootProps}>
      <button {...buttonProps} className="staff-account__button">
        <span className="staff-header__who">
          <strong>{shop?.name ?? (picked ? "…" : t("staff.wholeChain"))}</strong>
          <span>
            {user.full_name} · {t(`staff.role.${user.role}`)}
          </span>
        </span>
        <span className="staff-nav__chevron" aria-hidden="true" />
      </button>
      <div id={panelId} className={`staff-account__panel${open ? " is-open" : ""}`}>
        {onChangeShop && (
          <button type="button" className="button button--small" onClick={() => (close(), onChangeShop())}>
            {t("staff.changeShop")}
          </button>
        )}
        <LanguageSwitch />
        <button type="button" className="button button--small" onClick={() => void logout()}>
          {t("nav.logout")}
        </button>
      </div>
    </div>
  );
}

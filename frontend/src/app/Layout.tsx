// The frame of every page: skip link, header (brand, chosen shop, cart, account, language), footer.
import { useEffect, useRef } from "react";
import { Link, NavLink, Outlet, useLocation } from "react-router-dom";
import { useAuth } from "../accounts/AuthContext";
import { landingPath, isStaff } from "../accounts/roles";
import { useCart } from "../cart/CartContext";
import { useI18n } from "../i18n";
import { LanguageSwitch } from "../ui/LanguageSwitch";
import { useChosenShop } from "../shops/chosenShop";
import { ErrorBoundary } from "./ErrorBoundary";

export function Layout() {
  const { t } = useI18n();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);

  // After a navigation, move focus to the page so keyboard and screen reader users start there.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    if (!location.hash) main.current?.focus({ preventScroll: false });
  }, [location.pathname, location.hash]);

  return (
    <>
      <a className="skip-link" href="#main">
        {t("nav.skip")}
      </a>
      <Header />
      <main id="main" ref={main} tabIndex={-1}>
        <ErrorBoundary resetKey={location.pathname}>
          <Outlet />
        </ErrorBoundary>
      </main>
      <footer className="site-footer">
        <p>{t("footer.text")}</p>
      </footer>
    </>
  );
}

function Header() {
  const { t } = useI18n();
  const { count } = useCart();
  const { shopId } = useChosenShop();
  const { state, user } = useAuth();
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link to="/" className="brand">
          <svg aria-hidden="true" viewBox="0 0 64 64" width="28" height="28">
            <circle cx="32" cy="32" r="30" fill="#e9a23b" />
            <circle cx="32" cy="32" r="24" fill="#c4372b" />
            <circle cx="24" cy="24" r="4" fill="#fff3d6" />
            <circle cx="40" cy="28" r="4" fill="#fff3d6" />
            <circle cx="30" cy="42" r="4" fill="#fff3d6" />
          </svg>
          <span>OC Pizza</span>
        </Link>
        <nav aria-label={t("nav.main")} className="site-nav">
          <ul>
            {shopId && (
              <li>
                <NavLink to={`/shops/${shopId}`}>{t("nav.menu")}</NavLink>
              </li>
            )}
            <li>
              <NavLink to="/cart" className="cart-link">
                {t("nav.cart")}
                <span className="cart-count" aria-hidden={count === 0 ? true : undefined}>
                  {count}
                </span>
                <span className="visually-hidden">{t("nav.cartItems", { count })}</span>
              </NavLink>
            </li>
            {user && isStaff(user.role) && (
              <li>
                <NavLink to={landingPath(user.role)}>{t("nav.staff")}</NavLink>
              </li>
            )}
            {state.status === "authenticated" && (
              <li>
                <NavLink to="/orders">{t("nav.orders")}</NavLink>
              </li>
            )}
            <li>
              {state.status === "authenticated" ? (
                <NavLink to="/account">{t("nav.account")}</NavLink>
              ) : (
                <NavLink to="/login">{t("nav.login")}</NavLink>
              )}
            </li>
          </ul>
        </nav>
        <LanguageSwitch />
      </div>
    </header>
  );
}

// A shop's menu: categories as sections with anchors, search and filters, product sheets.
import { useEffect, useMemo, useState, type ReactNode } from "react";
import { Link, useLocation, useNavigate, useParams, useSearchParams } from "react-router-dom";
import type { Menu, Product, Shop } from "../api/types";
import { useDocumentTitle } from "../ui/useDocumentTitle";
import { useCart } from "../cart/CartContext";
import { estimateSubtotal, type NewLine } from "../cart/cart";
import { useI18n } from "../i18n";
import { formatShopTime } from "../i18n/format";
import { useChosenShop } from "../shops/chosenShop";
import { closureText, nextClosure } from "../shops/closures";
import { todayHours } from "../shops/hours";
import { useMenu, useShop } from "../shops/api";
import { ErrorPanel, Loading } from "../ui/LoadState";
import { useToast } from "../ui/Toast";
import { allergenName } from "./allergens";
import { filterMenu, hasActiveFilters, menuAllergens, NO_FILTERS, type MenuFilters } from "./menuSearch";
import { useNearMatches } from "./nearMatches";
import { ProductDialog } from "./ProductDialog";
import { showsVegetarian } from "./productFacts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function MenuPage() {
  const { t } = useI18n();
  const { shopId = "" } = useParams();
  const valid = UUID.test(shopId);
  const shop = useShop(valid ? shopId : null);
  const menu = useMenu(valid ? shopId : null);
  const { shopId: chosenId, chooseShop } = useChosenShop();
  const { setCurrency } = useCart();

  useDocumentTitle(shop.status === "ready" ? shop.data.name : t("menu.title"));

  // Visiting a shop's menu makes it the chosen shop (and selects its cart).
  useEffect(() => {
    if (shop.status === "ready" && chosenId !== shop.data.id) chooseShop(shop.data.id);
  }, [shop, chosenId, chooseShop]);
  useEffect(() => {
    if (menu.status === "ready" && chosenId === menu.data.shop_id) setCurrency(menu.data.currency);
  }, [menu, chosenId, setCurrency]);

  if (!valid || shop.problem?.status === 404) {
    return (
      <div className="page">
        <div className="panel">
          <h1>{t("menu.shopNotFound")}</h1>
          <p>{t("menu.shopNotFoundText")}</p>
          <Link className="button" to="/" onClick={() => chooseShop(null)}>
            {t("menu.chooseAnother")}
          </Link>
        </div>
      </div>
    );
  }
  if (shop.status === "error") return <Page><ErrorPanel problem={shop.problem} onRetry={shop.retry} /></Page>;
  if (shop.status === "loading") return <Page><Loading label={t("menu.loading")} /></Page>;

  return (
    <div className="page page--menu">
      <ShopHeader shop={shop.data} />
      {menu.status === "loading" && <Loading label={t("menu.loading")} />}
      {menu.status === "error" && <ErrorPanel problem={menu.problem} onRetry={menu.retry} />}
      {menu.status === "ready" && <MenuBody menu={menu.data} shop={shop.data} />}
    </div>
  );
}

function Page({ children }: { children: ReactNode }) {
  return <div className="page">{children}</div>;
}

function ShopHeader({ shop }: { shop: Shop }) {
  const { t, intlLocale } = useI18n();
  const today = shop.closure_now ? [] : todayHours(shop.hours, shop.timezone, intlLocale);
  const coming = nextClosure(shop);
  return (
    <header className="shop-header">
      <div>
        <h1>{shop.name}</h1>
        <p className="muted">
          {shop.address_line}, {shop.postal_code} {shop.city} ·{" "}
          {t("shops.today")} {today.length ? today.join(", ") : t("shops.closedToday")}
        </p>
        {coming && <p className="muted small">{closureText(coming, t, intlLocale)}</p>}
      </div>
      <div className="shop-header__side">
        <span className={`badge ${shop.open_now ? "badge--open" : "badge--closed"}`}>
          {shop.open_now ? t("shops.openNow") : t("shops.closedNow")}
        </span>
        <Link to="/" className="link-button">
          {t("menu.changeShop")}
        </Link>
      </div>
    </header>
  );
}

/** Why the menu takes no order now: the shop's closure (days, reason, reopening), or its hours. */
function ClosedNotice({ shop }: { shop: Shop }) {
  const { t, intlLocale } = useI18n();
  const closure = shop.closure_now;
  let text: string = t("menu.closedNotice");
  if (closure) {
    const said = closureText(closure, t, intlLocale);
    text = shop.next_opening_at ? t("menu.closedFor", { closure: said, when: formatShopTime(shop.next_opening_at, shop.timezone, intlLocale) }) : said;
  }
  return (
    <p className="notice notice--warning" role="note">
      {text}
    </p>
  );
}

function MenuBody({ menu, shop }: { menu: Menu; shop: Shop }) {
  const { t, price } = useI18n();
  const [filters, setFilters] = useState<MenuFilters>(NO_FILTERS);
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const location = useLocation();
  const { cart, count, dispatch } = useCart();
  const toast = useToast();
  function addToCart(line: NewLine) {
    // The cart shown is this shop's (visiting the menu chose it); never another shop's.
    if (cart?.shopId !== shop.id) return;
    dispatch({ type: "add", line });
    toast(t("product.added", { count: line.quantity, name: line.productName }));
  }

  const visible = useMemo(() => filterMenu(menu.categories, filters), [menu, filters]);
  const allergens = useMemo(() => menuAllergens(menu), [menu]);
  const localCount = visible.reduce((n, c) => n + c.products.length, 0);
  const near = useNearMatches(menu, filters, localCount);
  const resultCount = localCount || (near?.length ?? 0);
  const productId = params.get("product");
  const openProduct = useMemo(() => {
    for (const category of menu.categories) {
      const product = category.products.find((p) => p.id === productId);
      if (product) return product;
    }
    return null;
  }, [menu, productId]);

  function open(product: Product) {
    const next = new URLSearchParams(params);
    next.set("product", product.id);
    setParams(next, { state: { openedHere: true } });
  }
  function close() {
    if ((location.state as { openedHere?: boolean } | null)?.openedHere) {
      navigate(-1);
    } else {
      const next = new URLSearchParams(params);
      next.delete("product");
      setParams(next, { replace: true });
    }
  }

  const toggleAllergen = (code: string) =>
    setFilters((f) => ({
      ...f,
      excludeAllergens: f.excludeAllergens.includes(code)
        ? f.excludeAllergens.filter((a) => a !== code)
        : [...f.excludeAllergens, code],
    }));

  return (
    <>
      {!menu.open_now && <ClosedNotice shop={shop} />}

      <div className="menu-tools" role="search">
        <div className="field field--search">
          <label htmlFor="menu-search">{t("menu.searchLabel")}</label>
          <input
            id="menu-search"
            type="search"
            placeholder={t("menu.searchPlaceholder")}
            value={filters.query}
            onChange={(e) => setFilters((f) => ({ ...f, query: e.target.value }))}
          />
        </div>
        <label className="toggle">
          <input
            type="checkbox"
            checked={filters.vegetarian}
            onChange={(e) => setFilters((f) => ({ ...f, vegetarian: e.target.checked }))}
          />
          {t("menu.vegetarianOnly")}
        </label>
        <details className="allergen-filter">
          <summary>
            {t("menu.excludeAllergens")}
            {filters.excludeAllergens.length > 0 && ` (${filters.excludeAllergens.length})`}
          </summary>
          <fieldset>
            <legend className="visually-hidden">{t("menu.excludeAllergensLegend")}</legend>
            {allergens.map((code) => (
              <label key={code} className="check">
                <input
                  type="checkbox"
                  checked={filters.excludeAllergens.includes(code)}
                  onChange={() => toggleAllergen(code)}
                />
                {t("menu.without", { allergen: allergenName(t, code) })}
              </label>
            ))}
          </fieldset>
        </details>
        {hasActiveFilters(filters) && (
          <button type="button" className="link-button" onClick={() => setFilters(NO_FILTERS)}>
            {t("menu.resetFilters")}
          </button>
        )}
        <p className="menu-tools__count" aria-live="polite">
          {hasActiveFilters(filters) ? t("menu.resultCount", { count: resultCount }) : ""}
        </p>
      </div>

      {visible.length > 0 && (
        <nav className="category-nav" aria-label={t("menu.categories")}>
          <ul>
            {visible.map((c) => (
              <li key={c.id}>
                <a href={`#cat-${c.slug}`}>{c.name}</a>
              </li>
            ))}
          </ul>
        </nav>
      )}

      {visible.length === 0 && near && near.length > 0 ? (
        <section className="menu-section" aria-labelledby="h-near-matches">
          <h2 id="h-near-matches" className="section-title">
            {t("menu.nearMatches", { query: filters.query.trim() })}
          </h2>
          <ul className="product-grid">
            {near.map((product) => (
              <li key={product.id}>
                <ProductCard product={product} currency={menu.currency} onOpen={() => open(product)} />
              </li>
            ))}
          </ul>
        </section>
      ) : visible.length === 0 ? (
        <div className="panel">
          <p>{t("menu.noResult")}</p>
          <button type="button" className="button" onClick={() => setFilters(NO_FILTERS)}>
            {t("menu.resetFilters")}
          </button>
        </div>
      ) : (
        visible.map((category) => (
          <section key={category.id} id={`cat-${category.slug}`} className="menu-section" aria-labelledby={`h-${category.slug}`}>
            <h2 id={`h-${category.slug}`} className="section-title">
              {category.name}
            </h2>
            <ul className="product-grid">
              {category.products.map((product) => (
                <li key={product.id}>
                  <ProductCard product={product} currency={menu.currency} onOpen={() => open(product)} />
                </li>
              ))}
            </ul>
          </section>
        ))
      )}

      {cart && count > 0 && (
        <div className="cart-bar">
          <Link to="/cart" className="button button--primary cart-bar__button">
            <span>{t("menu.viewCart", { count })}</span>
            <span>{t("menu.cartEstimate", { amount: price(estimateSubtotal(cart, menu), menu.currency) })}</span>
          </Link>
        </div>
      )}

      {openProduct && <ProductDialog product={openProduct} menu={menu} onClose={close} onAdd={addToCart} />}
    </>
  );
}

function ProductCard({ product, currency, onOpen }: { product: Product; currency: string; onOpen: () => void }) {
  const { t, price, intlLocale } = useI18n();
  const unavailable = product.available === false;
  // A product paused in this shop says until when, when the pause ends by itself.
  const pausedUntil =
    product.unavailable_reason === "paused" && product.paused_until
      ? new Intl.DateTimeFormat(intlLocale, { hour: "2-digit", minute: "2-digit" }).format(new Date(product.paused_until))
      : null;
  const prices = product.sizes.map((s) => s.price_cents);
  const from = prices.length ? Math.min(...prices) : 0;
  return (
    <article className={`card product-card${unavailable ? " product-card--unavailable" : ""}`}>
      {product.menu_image_url && (
        <img
          className="product-card__image"
          src={product.menu_image_url}
          alt={t("menu.imageAlt", { name: product.name })}
          width={480}
          height={360}
          loading="lazy"
          decoding="async"
        />
      )}
      <div className="product-card__top">
        <h3>{product.name}</h3>
        <div className="product-card__badges">
          {product.vegetarian && showsVegetarian(product) && (
            <span className="badge badge--veg">{t("menu.vegetarian")}</span>
          )}
          {unavailable && (
            <span className="badge badge--muted">
              {pausedUntil ? t("menu.unavailableUntil", { time: pausedUntil }) : t("menu.unavailable")}
            </span>
          )}
        </div>
      </div>
      <p className="product-card__description">{product.description}</p>
      {product.allergens.length > 0 && (
        <p className="product-card__allergens">
          {t("menu.allergens")} {product.allergens.map((a) => allergenName(t, a)).join(", ")}
        </p>
      )}
      <div className="product-card__bottom">
        <span className="price">
          {product.sizes.length > 1 ? t("menu.priceFrom", { price: price(from, currency) }) : price(from, currency)}
        </span>
        <button type="button" className="button button--small" onClick={onOpen} aria-haspopup="dialog">
          {unavailable ? t("menu.details") : t("menu.choose")}
          <span className="visually-hidden"> {product.name}</span>
        </button>
      </div>
    </article>
  );
}

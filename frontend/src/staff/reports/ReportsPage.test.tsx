import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ProductsReport, SalesReport, StockReport, TimesReport, User } from "../../api/types";
import { I18nProvider } from "../../i18n";
import { shop, SHOP_ID } from "../../test/fixtures";
import { json, mockApi } from "../../test/http";
import { StaffContext } from "../StaffContext";
import ReportsPage from "./ReportsPage";

const admin: User = { id: "u-admin", email: "admin@ocpizza.fr", full_name: "Ada Admin", role: "admin", shop_id: null, created_at: "2026-01-01T00:00:00Z" };
const period = { from: "2026-12-01", to: "2026-12-01" };
const measure = { count: 2, avg_seconds: 600, p50_seconds: 540, p90_seconds: 900, series: [] };

const sales: SalesReport = {
  ...period,
  currency: "EUR",
  granularity: "hour",
  totals: { orders: 3, revenue_cents: 4500, average_basket_cents: 1500, cancelled: 1, refunded_cents: 500 },
  series: [{ period: "2026-12-01T19:00", orders: 3, revenue_cents: 4500 }],
  by_fulfilment: [
    { fulfilment: "delivery", orders: 2, revenue_cents: 3000 },
    { fulfilment: "pickup", orders: 1, revenue_cents: 1500 },
  ],
  by_payment_method: [
    { payment_method: "cash", orders: 2, revenue_cents: 3000 },
    { payment_method: "online", orders: 1, revenue_cents: 1500 },
  ],
  by_hour_of_week: [{ weekday: 2, hour: 19, orders: 3, revenue_cents: 4500 }],
};
const products: ProductsReport = {
  ...period,
  currency: "EUR",
  items: [{ product_id: "p-1", name: "Reine", quantity: 3, revenue_cents: 4500, share: 1 }],
  sizes: [{ product_id: "p-1", name: "Reine", size_code: "large", size_label: "Grande", quantity: 3, revenue_cents: 4500 }],
  extras: [{ ingredient_id: "i-2", name: "Olives", times: 2, revenue_cents: 300 }],
  removed: [{ ingredient_id: "i-3", name: "Jambon", times: 1, revenue_cents: 0 }],
};
const times: TimesReport = { ...period, granularity: "hour", preparation: measure, delivery: measure, pickup_wait: { ...measure, count: 0, avg_seconds: null, p50_seconds: null, p90_seconds: null } };
const stock: StockReport = {
  ...period,
  items: [{ ingredient_id: "i-1", name: "Mozzarella", unit: "g", used_by_orders: 1000, returned_by_cancels: 0, wasted: 80, adjusted: 0, adjustments: 0, restocked: 0, gap: 0.08 }],
};

function renderPage() {
  return render(
    <I18nProvider initialLocale="fr">
      <StaffContext.Provider value={{ user: admin, role: "admin", shop: { ...shop, id: SHOP_ID, timezone: "Europe/Paris" } }}>
        <ReportsPage />
      </StaffContext.Provider>
    </I18nProvider>,
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("the reports dashboard", () => {
  it("shows each report's figures in a table, the chain for an admin, and downloads a CSV", async () => {
    const { seen } = mockApi({
      "GET /api/v1/reports/sales": (request) =>
        request.headers.get("Accept") === "text/csv"
          ? new Response("period,orders,revenue_cents,currency\n", { headers: { "Content-Type": "text/csv" } })
          : json(sales),
      "GET /api/v1/reports/products": () => json(products),
      "GET /api/v1/reports/times": () => json(times),
      "GET /api/v1/reports/stock": () => json(stock),
      "GET /api/v1/shops": () => json({ items: [{ ...shop, id: SHOP_ID }], next_cursor: null }),
    });
    const createObjectURL = vi.fn((blob: Blob) => (void blob, "blob:csv"));
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => undefined);
    const user = userEvent.setup();
    renderPage();

    expect(await screen.findByRole("table", { name: "Commandes et chiffre d'affaires par période" })).toHaveTextContent("19:00345,00 €");
    expect(screen.getByRole("table", { name: /Commandes par jour et par heure/ })).toHaveTextContent("mar.3");
    expect(await screen.findByRole("table", { name: /produits qui rapportent le plus/ })).toHaveTextContent("Reine345,00 €100 %");
    const byFulfilment = screen.getByRole("table", { name: "Commandes et chiffre d'affaires en livraison et à emporter" });
    expect(byFulfilment).toHaveTextContent(/Livraison\s?230,00\s€66,7\s%/);
    expect(byFulfilment).toHaveTextContent(/À emporter\s?115,00\s€33,3\s%/);
    const byPayment = screen.getByRole("table", { name: "Commandes et chiffre d'affaires par moyen de paiement" });
    expect(byPayment).toHaveTextContent(/Espèces\s?230,00\s€/);
    expect(byPayment).toHaveTextContent(/En ligne\s?115,00\s€/);
    const refunds = screen.getByRole("table", { name: /remboursements faits sur la période/ });
    expect(refunds).toHaveTextContent(/Remboursé\s?5,00\s€/);
    expect(refunds).toHaveTextContent(/CA moins remboursements\s?40,00\s€/);
    expect(screen.getByRole("table", { name: /tailles de produits les plus vendues/ })).toHaveTextContent(/ReineGrande3\s?45,00\s€/);
    expect(screen.getByRole("table", { name: /ingrédients les plus ajoutés/ })).toHaveTextContent(/Olives2\s?3,00\s€/);
    expect(screen.getByRole("table", { name: /ingrédients les plus retirés/ })).toHaveTextContent("Jambon1");
    expect(await screen.findByRole("table", { name: /Durées/ })).toHaveTextContent("9 min 00 s15 min 00 s");
    expect(await screen.findByRole("table", { name: /Ingrédients/ })).toHaveTextContent("8 %");
    const first = new URL(seen.find((r) => r.url.includes("/reports/sales"))?.url ?? "");
    expect(first.searchParams.get("shop_id")).toBe(SHOP_ID);
    expect(first.searchParams.get("granularity")).toBe("hour");

    await user.selectOptions(await screen.findByLabelText("Pizzeria"), "Toute la chaîne");
    await waitFor(() => expect(seen.some((r) => r.url.includes("/reports/sales") && !new URL(r.url).searchParams.has("shop_id"))).toBe(true));

    await user.click(screen.getByRole("button", { name: "Télécharger le CSV (Ventes)" }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    const blob = createObjectURL.mock.calls[0]?.[0];
    expect(blob?.type).toBe("text/csv;charset=utf-8");
    expect(blob?.size).toBe("period,orders,revenue_cents,currency\n".length);
    expect((click.mock.contexts[0] as HTMLAnchorElement).download).toMatch(/^ventes_(\d{4}-\d{2}-\d{2})_\1\.csv$/);
    expect(seen.filter((r) => r.headers.get("Accept") === "text/csv").map((r) => new URL(r.url).pathname)).toEqual(["/api/v1/reports/sales"]);
  });

  it("refuses an inverted custom period and asks by week for a long one", async () => {
    const { seen } = mockApi({
      "GET /api/v1/reports/sales": () => json(sales),
      "GET /api/v1/reports/products": () => json(products),
      "GET /api/v1/reports/times": () => json(times),
      "GET /api/v1/reports/stock": () => json(stock),
      "GET /api/v1/shops": () => json({ items: [], next_cursor: null }),
    });
    const user = userEvent.setup();
    renderPage();
    await user.click(screen.getByLabelText("Dates choisies"));
    const from = screen.getByLabelText("Du");
    const to = screen.getByLabelText("Au (inclus)");
    await user.clear(from);
    await user.type(from, "2026-05-10");
    await user.clear(to);
    await user.type(to, "2026-05-01");
    await user.click(screen.getByRole("button", { name: "Afficher" }));
    expect(screen.getByRole("alert")).toHaveTextContent("La date de fin précède la date de début.");

    await user.clear(from);
    await user.type(from, "2026-01-01");
    await user.clear(to);
    await user.type(to, "2026-06-30");
    await user.click(screen.getByRole("button", { name: "Afficher" }));
    await waitFor(() =>
      expect(seen.some((r) => r.url.includes("/reports/sales") && new URL(r.url).searchParams.get("granularity") === "week")).toBe(true),
    );
    expect(screen.getByText(/du 1 janvier 2026 au 30 juin 2026/)).toBeInTheDocument();
  });
});

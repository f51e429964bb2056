// The shop floor, loaded lazily (its own chunk) when a staff member opens /staff: the staff frame,
// then the screen each route names, opened only to the roles that work on it.
import { Suspense, type ReactNode } from "react";
import { Navigate, Route, Routes } from "react-router-dom";
import { useAuth } from "../accounts/AuthContext";
import { RequireAuth } from "../accounts/RequireAuth";
import { mayOpen, staffScreens, type StaffScreen } from "../accounts/roles";
import { useI18n } from "../i18n";
import { Loading } from "../ui/LoadState";
import { preloadable } from "../ui/preloadable";
import { useStaff } from "./StaffContext";
import { StaffLayout } from "./StaffLayout";
import "./staff.css";

const screens = {
  kitchen: preloadable(() => import("./kitchen/KitchenPage")),
  counter: preloadable(() => import("./counter/CounterPage")),
  deliveries: preloadable(() => import("./deliveries/DeliveriesPage")),
  reports: preloadable(() => import("./reports/ReportsPage")),
  stock: preloadable(() => import("./stock/StockPage")),
  team: preloadable(() => import("./team/TeamPage")),
  orders: preloadable(() => import("./orders/OrdersPage")),
  menu: preloadable(() => import("./menu/MenuEditorPage")),
  shops: preloadable(() => import("./shops/ShopsAdminPage")),
};

/** The screen the address names (/staff/kitchen…), loaded ahead of its first render. */
export function preloadNamedScreen(): Promise<unknown> {
  const named = /^\/staff\/(\w+)/.exec(window.location.pathname)?.[1];
  return named && named in screens ? screens[named as keyof typeof screens].preload() : Promise.resolve();
}

const KitchenPage = screens.kitchen.Component;
const CounterPage = screens.counter.Component;
const DeliveriesPage = screens.deliveries.Component;
const ReportsPage = screens.reports.Component;
const StockPage = screens.stock.Component;
const TeamPage = screens.team.Component;
const OrdersPage = screens.orders.Component;
const MenuEditorPage = screens.menu.Component;
const ShopsAdminPage = screens.shops.Component;

export default function StaffApp() {
  return (
    <RequireAuth>
      <Routes>
        <Route element={<StaffLayout />}>
          <Route index element={<FirstScreen />} />
          <Route path="kitchen" element={<Screen name="kitchen"><KitchenPage /></Screen>} />
          <Route path="counter" element={<Screen name="counter"><CounterPage /></Screen>} />
          <Route path="deliveries" element={<Screen name="deliveries"><DeliveriesPage /></Screen>} />
          <Route path="reports" element={<Screen name="reports"><ReportsPage /></Screen>} />
          <Route path="stock" element={<Screen name="stock"><StockPage /></Screen>} />
          <Route path="team" element={<Screen name="team"><TeamPage /></Screen>} />
          <Route path="orders/*" element={<Screen name="orders"><OrdersPage /></Screen>} />
          <Route path="menu" element={<Screen name="menu"><MenuEditorPage /></Screen>} />
          <Route path="shops/*" element={<Screen name="shops"><ShopsAdminPage /></Screen>} />
          <Route path="*" element={<FirstScreen />} />
        </Route>
      </Routes>
    </RequireAuth>
  );
}

function FirstScreen() {
  const { role } = useStaff();
  const first = staffScreens(role)[0];
  return first ? <Navigate to={`/staff/${first}`} replace /> : <Navigate to="/account" replace />;
}

// The signed-in user's role (not the staff frame's): the chain's shops open without a shop picked.
function Screen({ name, children }: { name: StaffScreen; children: ReactNode }) {
  const { t } = useI18n();
  const { user } = useAuth();
  if (!user || !mayOpen(user.role, name))
    return (
      <div className="panel panel--error" role="alert">
        <h1 className="panel__title">{t("staff.notYours")}</h1>
        <p>{t("staff.notYoursDetail")}</p>
      </div>
    );
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

// The shop floor, loaded lazily (its own chunk) when a staff member opens /staff: the staff frame,
// then the screen each route names, opened only to the roles that work on it.
import { lazy, Suspense, type ReactNode } from "react";
import { Navigate, Route, Routes } from "react-router-dom";
import { RequireAuth } from "../accounts/RequireAuth";
import { mayOpen, staffScreens, type StaffScreen } from "../accounts/roles";
import { useI18n } from "../i18n";
import { Loading } from "../ui/LoadState";
import { useStaff } from "./StaffContext";
import { StaffLayout } from "./StaffLayout";
import "./staff.css";

const screens = {
  kitchen: () => import("./kitchen/KitchenPage"),
  counter: () => import("./counter/CounterPage"),
  deliveries: () => import("./deliveries/DeliveriesPage"),
  reports: () => import("./reports/ReportsPage"),
};
// The screen the address names starts loading with the frame (while the account and the shop
// load), not after them: a kitchen tablet opened on /staff/kitchen draws its queue sooner.
const named = /^\/staff\/(\w+)/.exec(window.location.pathname)?.[1];
if (named && named in screens) void screens[named as keyof typeof screens]().catch(() => undefined);

const KitchenPage = lazy(screens.kitchen);
const CounterPage = lazy(screens.counter);
const DeliveriesPage = lazy(screens.deliveries);
const ReportsPage = lazy(screens.reports);

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

function Screen({ name, children }: { name: StaffScreen; children: ReactNode }) {
  const { t } = useI18n();
  const { role } = useStaff();
  if (!mayOpen(role, name))
    return (
      <div className="panel panel--error" role="alert">
        <h1 className="panel__title">{t("staff.notYours")}</h1>
        <p>{t("staff.notYoursDetail")}</p>
      </div>
    );
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

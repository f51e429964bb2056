// The SPA: providers (language, session, chosen shop, cart, toasts) and the routes. The staff's
// screens (/staff/…) are a chunk of their own, loaded only when opened, so the customer's initial
// JavaScript does not carry them.
import { Suspense } from "react";
import { BrowserRouter, Route, Routes } from "react-router-dom";
import { AccountPage } from "../accounts/AccountPage";
import { AuthProvider } from "../accounts/AuthContext";
import { LoginPage } from "../accounts/LoginPage";
import { PasswordResetPage } from "../accounts/PasswordResetPage";
import { RegisterPage } from "../accounts/RegisterPage";
import { RequireAuth } from "../accounts/RequireAuth";
import { CartProvider } from "../cart/CartContext";
import { CartPage } from "../cart/CartPage";
import { MenuPage } from "../catalog/MenuPage";
import { I18nProvider } from "../i18n";
import { ordersApiAvailable } from "../api/availability";
import { CheckoutPage } from "../orders/CheckoutPage";
import { EditOrderPage } from "../orders/EditOrderPage";
import { OrderPage } from "../orders/OrderPage";
import { OrdersPage } from "../orders/OrdersPage";
import { ChosenShopProvider } from "../shops/chosenShop";
import { ShopsPage } from "../shops/ShopsPage";
import { Loading } from "../ui/LoadState";
import { preloadable } from "../ui/preloadable";
import { ToastPageWatch, ToastProvider } from "../ui/Toast";
import { ErrorBoundary } from "./ErrorBoundary";
import { Layout } from "./Layout";
import { NotFoundPage } from "./NotFoundPage";

const staff = preloadable(() => import("../staff/StaffApp"));
const StaffApp = staff.Component;

/** Staff opening their screen: the staff chunk (and the screen it names) before the first render. */
export function preloadStaff(): Promise<unknown> {
  if (!window.location.pathname.startsWith("/staff")) return Promise.resolve();
  // The same chunk twice: the second import is the module already loading.
  return Promise.all([staff.preload(), import("../staff/StaffApp").then((m) => m.preloadNamedScreen())]);
}

export function App() {
  return (
    <I18nProvider>
      <ErrorBoundary>
        <ToastProvider>
          <AuthProvider>
            <ChosenShopProvider>
              <CartProvider>
                <BrowserRouter>
                  <ToastPageWatch />
                  <Routes>
                    <Route
                      path="staff/*"
                      element={
                        <Suspense fallback={<Loading />}>
                          <StaffApp />
                        </Suspense>
                      }
                    />
                    <Route element={<Layout />}>
                      <Route index element={<ShopsPage />} />
                      <Route path="shops/:shopId" element={<MenuPage />} />
                      <Route path="cart" element={<CartPage />} />
                      {ordersApiAvailable && (
                        <Route
                          path="checkout"
                          element={
                            <RequireAuth>
                              <CheckoutPage />
                            </RequireAuth>
                          }
                        />
                      )}
                      <Route
                        path="orders"
                        element={
                          <RequireAuth>
                            <OrdersPage />
                          </RequireAuth>
                        }
                      />
                      <Route
                        path="orders/:orderId"
                        element={
                          <RequireAuth>
                            <OrderPage />
                          </RequireAuth>
                        }
                      />
                      <Route
                        path="orders/:orderId/edit"
                        element={
                          <RequireAuth>
                            <EditOrderPage />
                          </RequireAuth>
                        }
                      />
                      <Route path="login" element={<LoginPage />} />
                      <Route path="register" element={<RegisterPage />} />
                      <Route path="forgot-password" element={<PasswordResetPage />} />
                      <Route path="reset-password" element={<PasswordResetPage />} />
                      <Route
                        path="account"
                        element={
                          <RequireAuth>
                            <AccountPage />
                          </RequireAuth>
                        }
                      />
                      <Route path="*" element={<NotFoundPage />} />
                    </Route>
                  </Routes>
                </BrowserRouter>
              </CartProvider>
            </ChosenShopProvider>
          </AuthProvider>
        </ToastProvider>
      </ErrorBoundary>
    </I18nProvider>
  );
}

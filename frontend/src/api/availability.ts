// Whether this build can place orders. Decided at build time from openapi/openapi.json (see
// vite.config.ts): while POST /api/v1/orders and /orders/quote are not in the spec, the cart
// offers no checkout and says so.
declare const __ORDERS_API__: boolean;

export const ordersApiAvailable: boolean = typeof __ORDERS_API__ === "boolean" ? __ORDERS_API__ : false;

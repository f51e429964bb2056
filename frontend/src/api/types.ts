// Names for the API's schemas, all derived from the generated spec types (never written by hand).
import type { components } from "./schema";

type Schemas = components["schemas"];

export type Shop = Schemas["ShopView"];
export type OpeningHours = Schemas["OpeningHours"];
export type Menu = Schemas["Menu"];
export type MenuCategory = Schemas["MenuCategory"];
export type Product = Schemas["MenuProduct"];
export type MenuIngredient = Schemas["MenuIngredient"];
/** A product with its recipes and steps, for staff (`GET /products/{id}/recipe`). */
export type StaffProduct = Schemas["Product"];
export type ProductSize = Schemas["MenuSize"];
/** A size with its recipe, for staff. */
export type StaffProductSize = Schemas["ProductSize"];
export type RecipeLine = Schemas["RecipeLine"];
export type Ingredient = Schemas["Ingredient"];
export type Category = Schemas["Category"];
export type ProductPatch = Schemas["ProductPatch"];
export type ExtraTopping = Schemas["ExtraTopping"];
export type User = Schemas["UserView"];
export type Address = Schemas["Address"];
export type AddressInput = Schemas["AddressInput"];
export type TokenPair = Schemas["TokenPair"];
export type Problem = Schemas["Problem"];
export type FieldError = Schemas["FieldError"];
export type RegisterRequest = Schemas["RegisterRequest"];
export type UpdateMeRequest = Schemas["UpdateMeRequest"];
export type Order = Schemas["Order"];
export type OrderEvent = Schemas["OrderEvent"];
export type OrderStatus = Schemas["Status"];
export type Fulfilment = Schemas["Fulfilment"];
export type PaymentMethod = Schemas["PaymentMethod"];
export type CartItem = Schemas["CartItem"];
export type Quote = Schemas["Quote"];
export type QuoteRequest = Schemas["QuoteRequest"];
export type OrderRequest = Schemas["OrderRequest"];
export type ModifyRequest = Schemas["ModifyRequest"];
export type DeliveryAddress = Schemas["DeliveryAddress"];
export type PaymentStart = Schemas["PaymentStart"];
export type KitchenQueue = Schemas["KitchenQueue"];
export type KitchenTicket = Schemas["KitchenTicket"];
export type TicketLine = Schemas["TicketLine"];
export type DeliveryList = Schemas["DeliveryList"];
export type CustomerMatch = Schemas["CustomerMatch"];
export type NewCustomer = Schemas["NewCustomer"];
export type WalkIn = Schemas["WalkIn"];
export type ShopEvent = Schemas["ShopEvent"];
export type ShopSnapshot = Schemas["ShopSnapshot"];
export type Role = Schemas["Role"];
export type SalesReport = Schemas["SalesReport"];
export type ProductsReport = Schemas["ProductsReport"];
export type TimesReport = Schemas["TimesReport"];
export type StockReport = Schemas["StockReport"];

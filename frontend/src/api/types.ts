// Names for the API's schemas, all derived from the generated spec types (never written by hand).
import type { components } from "./schema";

type Schemas = components["schemas"];

export type Shop = Schemas["ShopView"];
export type OpeningHours = Schemas["OpeningHours"];
export type Menu = Schemas["Menu"];
export type MenuCategory = Schemas["MenuCategory"];
export type Product = Schemas["Product"];
export type ProductSize = Schemas["ProductSize"];
export type RecipeLine = Schemas["RecipeLine"];
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

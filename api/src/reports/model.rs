//! The reports' parameters and answers. Amounts are integer cents in `currency`; periods are
//! local dates and times of the shop (for the chain, of each shop).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::states::{Fulfilment, PaymentMethod};

/// The width of a series' points.
#[derive(Deserialize, Serialize, ToSchema, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    Hour,
    #[default]
    Day,
    Week,
    Month,
}

impl Granularity {
    /// PostgreSQL's `date_trunc` field (a week starts on Monday).
    pub fn as_str(self) -> &'static str {
        match self {
            Granularity::Hour => "hour",
            Granularity::Day => "day",
            Granularity::Week => "week",
            Granularity::Month => "month",
        }
    }
}

/// What every report takes.
#[derive(Deserialize, IntoParams, Debug)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportParams {
    /// First day, inclusive, in the shop's time zone (each shop's own for the chain).
    #[param(value_type = String, format = Date, example = "2026-03-01")]
    pub from: NaiveDate,
    /// Last day, inclusive; at most 2 years after `from`.
    #[param(value_type = String, format = Date, example = "2026-03-31")]
    pub to: NaiveDate,
    /// One shop; omitted, the whole chain (admins only).
    pub shop_id: Option<Uuid>,
    /// Width of the series' points (default `day`).
    #[param(inline)]
    pub granularity: Option<Granularity>,
}

/// A checked period and scope, as the queries take them.
#[derive(Clone, Copy, Debug)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub shop_id: Option<Uuid>,
    pub granularity: Granularity,
}

#[derive(Serialize, ToSchema, Debug, PartialEq)]
pub struct SalesTotals {
    /// Placed orders not cancelled.
    pub orders: i64,
    /// Total of the placed orders not cancelled (delivery fees included).
    pub revenue_cents: i64,
    /// `revenue_cents / orders`, rounded to the cent; 0 without orders.
    pub average_basket_cents: i64,
    /// Placed orders since cancelled (not in `orders` nor in the revenue).
    pub cancelled: i64,
    /// Refunds that succeeded in the period, whatever the order's date.
    pub refunded_cents: i64,
}

/// One point of a series: the local start of its period.
#[derive(Serialize, ToSchema, Debug)]
pub struct SalesPoint {
    /// `2026-03-29` (day, week from Monday, month from the 1st) or `2026-03-29T14:00` (hour).
    pub period: String,
    pub orders: i64,
    pub revenue_cents: i64,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct FulfilmentSales {
    pub fulfilment: Fulfilment,
    pub orders: i64,
    pub revenue_cents: i64,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct PaymentMethodSales {
    pub payment_method: PaymentMethod,
    pub orders: i64,
    pub revenue_cents: i64,
}

/// Orders by local weekday and hour (only the cells with orders).
#[derive(Serialize, ToSchema, Debug)]
pub struct HourOfWeekSales {
    /// ISO weekday: 1 Monday … 7 Sunday.
    pub weekday: i32,
    /// Local hour, 0 to 23.
    pub hour: i32,
    pub orders: i64,
    pub revenue_cents: i64,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct SalesReport {
    pub shop_id: Option<Uuid>,
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    pub granularity: Granularity,
    pub currency: String,
    pub totals: SalesTotals,
    /// Every period of the range, empty ones included; adds up to the totals.
    pub series: Vec<SalesPoint>,
    pub by_fulfilment: Vec<FulfilmentSales>,
    pub by_payment_method: Vec<PaymentMethodSales>,
    pub by_hour_of_week: Vec<HourOfWeekSales>,
}

/// A product sold, over its sizes.
#[derive(Serialize, ToSchema, Debug)]
pub struct ProductSales {
    /// Null for lines of a product since deleted.
    pub product_id: Option<Uuid>,
    pub name: String,
    pub quantity: i64,
    /// Its lines' totals, extras included.
    pub revenue_cents: i64,
    /// Its share of all lines' revenue, 0 to 1 (4 decimals).
    pub share: f64,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct SizeSales {
    pub product_id: Option<Uuid>,
    pub name: String,
    pub size_code: String,
    pub size_label: String,
    pub quantity: i64,
    pub revenue_cents: i64,
}

/// An ingredient added as an extra, or taken off, on `times` items.
#[derive(Serialize, ToSchema, Debug)]
pub struct ToppingChange {
    pub ingredient_id: Option<Uuid>,
    pub name: String,
    /// Items (line quantities) that had the change.
    pub times: i64,
    /// What the extras brought (0 for removals).
    pub revenue_cents: i64,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct ProductsReport {
    pub shop_id: Option<Uuid>,
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    pub currency: String,
    /// Best first (revenue, then quantity).
    pub items: Vec<ProductSales>,
    pub sizes: Vec<SizeSales>,
    /// Most added first.
    pub extras: Vec<ToppingChange>,
    /// Most removed first.
    pub removed: Vec<ToppingChange>,
}

/// Durations in whole seconds (rounded); null without any.
#[derive(Serialize, ToSchema, Debug, Default, PartialEq)]
pub struct Durations {
    pub count: i64,
    pub avg_seconds: Option<i64>,
    pub p50_seconds: Option<i64>,
    pub p90_seconds: Option<i64>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct DurationsPoint {
    /// As in the sales series; only the periods with orders measured.
    pub period: String,
    #[serde(flatten)]
    pub durations: Durations,
}

/// One measure and its series.
#[derive(Serialize, ToSchema, Debug, Default)]
pub struct Measure {
    #[serde(flatten)]
    pub totals: Durations,
    pub series: Vec<DurationsPoint>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct TimesReport {
    pub shop_id: Option<Uuid>,
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    pub granularity: Granularity,
    /// Placed → first ready.
    pub preparation: Measure,
    /// Out for delivery → delivered.
    pub delivery: Measure,
    /// Last ready → picked up.
    pub pickup_wait: Measure,
}

/// An ingredient's movements over the period, in its unit, all positive quantities except
/// `adjusted` (the net correction of counts: negative when stock went missing).
#[derive(Serialize, ToSchema, Debug)]
pub struct IngredientUse {
    pub ingredient_id: Uuid,
    pub name: String,
    pub unit: String,
    /// Taken by orders and their changes.
    pub used_by_orders: i64,
    pub returned_by_cancels: i64,
    pub wasted: i64,
    pub adjusted: i64,
    /// Number of adjustments recorded.
    pub adjustments: i64,
    pub restocked: i64,
    /// Food-cost leakage: `(wasted - adjusted) / (used_by_orders - returned_by_cancels)`, 4
    /// decimals; null when orders used none.
    pub gap: Option<f64>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct StockReport {
    pub shop_id: Option<Uuid>,
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    /// By name.
    pub items: Vec<IngredientUse>,
}

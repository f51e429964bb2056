//! Shops: addresses, opening hours per weekday (in the shop's time zone), delivery postal codes,
//! delivery fee and minimum order. Anyone reads them; admins create and edit them.

use std::collections::HashMap;

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Datelike, NaiveTime, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::{Admins, Authorized};
use crate::db;
use crate::error::{AppError, AppResult, Problem, UniqueField, Violations};
use crate::http::{ApiJson, ApiQuery, Page, PageParams};
use crate::schema::{shop_delivery_zones, shop_hours, shops};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list_shops)
        .service(get_shop)
        .service(create_shop)
        .service(update_shop);
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = shops)]
pub struct Shop {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub address_line: String,
    pub postal_code: String,
    pub city: String,
    pub phone: String,
    pub email: Option<String>,
    pub timezone: String,
    pub currency: String,
    pub delivery_fee_cents: i32,
    pub min_order_cents: i32,
    pub active: bool,
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = shop_hours)]
pub struct OpeningRange {
    pub shop_id: Uuid,
    pub weekday: i16,
    pub opens_at: NaiveTime,
    pub closes_at: NaiveTime,
}

/// One opening range of a weekday, in the shop's local time.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, PartialEq)]
pub struct OpeningHours {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    #[schema(example = 2, minimum = 1, maximum = 7)]
    pub weekday: i16,
    #[schema(example = "11:30")]
    pub opens_at: String,
    #[schema(example = "14:00")]
    pub closes_at: String,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct ShopView {
    pub id: Uuid,
    #[schema(example = "lyon-presquile")]
    pub slug: String,
    #[schema(example = "OC Pizza Presqu'île")]
    pub name: String,
    pub address_line: String,
    pub postal_code: String,
    pub city: String,
    pub phone: String,
    pub email: Option<String>,
    /// IANA time zone the opening hours are expressed in.
    #[schema(example = "Europe/Paris")]
    pub timezone: String,
    #[schema(example = "EUR")]
    pub currency: String,
    pub delivery_fee_cents: i32,
    pub min_order_cents: i32,
    pub active: bool,
    pub hours: Vec<OpeningHours>,
    /// Postal codes this shop delivers to.
    pub delivery_postal_codes: Vec<String>,
    /// Whether the shop takes orders right now.
    pub open_now: bool,
}

pub fn shop_timezone(shop: &Shop) -> Tz {
    shop.timezone
        .parse::<Tz>()
        .unwrap_or(chrono_tz::Europe::Paris)
}

/// Whether `at` falls in one of the opening ranges, read in the shop's time zone. A range that
/// closes at 23:59 runs until midnight.
pub fn is_open_at(shop: &Shop, ranges: &[OpeningRange], at: DateTime<Utc>) -> bool {
    let local = at.with_timezone(&shop_timezone(shop));
    let weekday = local.weekday().number_from_monday() as i16;
    let time = local.time();
    let last_minute = NaiveTime::from_hms_opt(23, 59, 0).unwrap_or_default();
    ranges.iter().any(|r| {
        r.weekday == weekday
            && r.opens_at <= time
            && (time < r.closes_at || r.closes_at == last_minute)
    })
}

fn format_time(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// Loads shops with their hours and zones in three queries.
pub fn load_views(conn: &mut PgConnection, list: Vec<Shop>) -> AppResult<Vec<ShopView>> {
    let ids: Vec<Uuid> = list.iter().map(|s| s.id).collect();
    let mut hours: HashMap<Uuid, Vec<OpeningRange>> = HashMap::new();
    for range in shop_hours::table
        .filter(shop_hours::shop_id.eq_any(&ids))
        .order((shop_hours::weekday, shop_hours::opens_at))
        .select(OpeningRange::as_select())
        .load(conn)?
    {
        hours.entry(range.shop_id).or_default().push(range);
    }
    let mut zones: HashMap<Uuid, Vec<String>> = HashMap::new();
    for (shop_id, code) in shop_delivery_zones::table
        .filter(shop_delivery_zones::shop_id.eq_any(&ids))
        .order(shop_delivery_zones::postal_code)
        .load::<(Uuid, String)>(conn)?
    {
        zones.entry(shop_id).or_default().push(code);
    }
    let now = Utc::now();
    Ok(list
        .into_iter()
        .map(|shop| {
            let ranges = hours.remove(&shop.id).unwrap_or_default();
            ShopView {
                open_now: shop.active && is_open_at(&shop, &ranges, now),
                hours: ranges
                    .iter()
                    .map(|r| OpeningHours {
                        weekday: r.weekday,
                        opens_at: format_time(r.opens_at),
                        closes_at: format_time(r.closes_at),
                    })
                    .collect(),
                delivery_postal_codes: zones.remove(&shop.id).unwrap_or_default(),
                id: shop.id,
                slug: shop.slug,
                name: shop.name,
                address_line: shop.address_line,
                postal_code: shop.postal_code,
                city: shop.city,
                phone: shop.phone,
                email: shop.email,
                timezone: shop.timezone,
                currency: shop.currency,
                delivery_fee_cents: shop.delivery_fee_cents,
                min_order_cents: shop.min_order_cents,
                active: shop.active,
            }
        })
        .collect())
}

pub fn find_shop(conn: &mut PgConnection, id: Uuid) -> AppResult<Shop> {
    shops::table
        .find(id)
        .select(Shop::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("shop"))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShopFilter {
    /// Only the shops that deliver to this postal code.
    pub postal_code: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The chain's open shops, by name, with hours, delivery zones and whether they are open now.
#[utoipa::path(get, path = "/api/v1/shops", tag = "shops",
    params(ShopFilter),
    responses(
        (status = 200, description = "Shops", body = inline(Page<ShopView>)),
        (status = 422, description = "Invalid filter", body = Problem, content_type = "application/problem+json")))]
#[get("/shops")]
pub async fn list_shops(
    state: web::Data<AppState>,
    filter: ApiQuery<ShopFilter>,
) -> AppResult<HttpResponse> {
    let filter = filter.into_inner();
    let paging = PageParams {
        limit: filter.limit,
        cursor: filter.cursor,
    };
    let (limit, offset) = (paging.limit()?, paging.offset()?);
    let views = db::run(&state.pool, move |conn| {
        let mut query = shops::table
            .filter(shops::active.eq(true))
            .order((shops::name, shops::id))
            .select(Shop::as_select())
            .limit(limit + 1)
            .offset(offset)
            .into_boxed();
        if let Some(code) = filter.postal_code {
            query = query.filter(
                shops::id.eq_any(
                    shop_delivery_zones::table
                        .filter(shop_delivery_zones::postal_code.eq(code.trim().to_string()))
                        .select(shop_delivery_zones::shop_id),
                ),
            );
        }
        let list = query.load(conn)?;
        load_views(conn, list)
    })
    .await?;
    Ok(HttpResponse::Ok().json(paging.page(views)?))
}

/// One shop.
#[utoipa::path(get, path = "/api/v1/shops/{shop_id}", tag = "shops",
    params(("shop_id" = Uuid, Path, description = "Shop id")),
    responses(
        (status = 200, description = "Shop", body = ShopView),
        (status = 404, description = "No such shop", body = Problem, content_type = "application/problem+json")))]
#[get("/shops/{shop_id}")]
pub async fn get_shop(
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let view = db::run(&state.pool, move |conn| {
        let shop = find_shop(conn, id)?;
        Ok(load_views(conn, vec![shop])?.remove(0))
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ShopInput {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub address_line: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    #[schema(example = "Europe/Paris")]
    pub timezone: Option<String>,
    pub delivery_fee_cents: Option<i32>,
    pub min_order_cents: Option<i32>,
    pub active: Option<bool>,
    /// Replaces every opening range when given.
    pub hours: Option<Vec<OpeningHours>>,
    /// Replaces the delivery zone when given.
    pub delivery_postal_codes: Option<Vec<String>>,
}

fn is_postal_code(code: &str) -> bool {
    code.len() == 5 && code.chars().all(|c| c.is_ascii_digit())
}

fn is_slug(slug: &str) -> bool {
    (2..=64).contains(&slug.len())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Validates a shop's fields; `creating` makes the required ones required.
fn validate_shop(input: &ShopInput, creating: bool) -> AppResult<Vec<(i16, NaiveTime, NaiveTime)>> {
    let mut v = Violations::new();
    let required = |v: &mut Violations, field: &str, value: &Option<String>, max: usize| match value
    {
        None if creating => v.add(field, "required", "this field is required"),
        Some(s) if s.trim().is_empty() || s.chars().count() > max => {
            v.add(field, "length", format!("must have 1 to {max} characters"))
        }
        _ => {}
    };
    required(&mut v, "name", &input.name, 120);
    required(&mut v, "address_line", &input.address_line, 200);
    required(&mut v, "city", &input.city, 100);
    required(&mut v, "phone", &input.phone, 30);
    match &input.slug {
        None if creating => v.add("slug", "required", "this field is required"),
        Some(s) if !is_slug(s) => v.add(
            "slug",
            "invalid",
            "lowercase letters, digits and dashes, 2 to 64",
        ),
        _ => {}
    }
    match &input.postal_code {
        None if creating => v.add("postal_code", "required", "this field is required"),
        Some(p) if !is_postal_code(p) => v.add(
            "postal_code",
            "invalid",
            "a French postal code has 5 digits",
        ),
        _ => {}
    }
    if let Some(tz) = &input.timezone {
        v.check(
            tz.parse::<Tz>().is_ok(),
            "timezone",
            "invalid",
            "not an IANA time zone such as Europe/Paris",
        );
    }
    for (field, value) in [
        ("delivery_fee_cents", input.delivery_fee_cents),
        ("min_order_cents", input.min_order_cents),
    ] {
        if value.is_some_and(|c| !(0..=100_000).contains(&c)) {
            v.add(field, "out_of_range", "must be between 0 and 100000 cents");
        }
    }
    let mut ranges = Vec::new();
    for (i, h) in input.hours.iter().flatten().enumerate() {
        let opens = NaiveTime::parse_from_str(&h.opens_at, "%H:%M");
        let closes = NaiveTime::parse_from_str(&h.closes_at, "%H:%M");
        if !(1..=7).contains(&h.weekday) {
            v.add(
                format!("hours[{i}].weekday"),
                "out_of_range",
                "1 (Monday) to 7 (Sunday)",
            );
        }
        match (opens, closes) {
            (Ok(o), Ok(c)) if o < c => ranges.push((h.weekday, o, c)),
            (Ok(_), Ok(_)) => v.add(
                format!("hours[{i}].closes_at"),
                "before_opening",
                "must be after opens_at",
            ),
            (Err(_), _) => v.add(
                format!("hours[{i}].opens_at"),
                "invalid",
                "a time like 11:30",
            ),
            (_, Err(_)) => v.add(
                format!("hours[{i}].closes_at"),
                "invalid",
                "a time like 22:30",
            ),
        }
    }
    for (i, code) in input.delivery_postal_codes.iter().flatten().enumerate() {
        if !is_postal_code(code) {
            v.add(
                format!("delivery_postal_codes[{i}]"),
                "invalid",
                "a French postal code has 5 digits",
            );
        }
    }
    v.into_result()?;
    Ok(ranges)
}

fn replace_hours_and_zones(
    conn: &mut PgConnection,
    shop_id: Uuid,
    input: &ShopInput,
    ranges: Vec<(i16, NaiveTime, NaiveTime)>,
) -> AppResult<()> {
    if input.hours.is_some() {
        diesel::delete(shop_hours::table.filter(shop_hours::shop_id.eq(shop_id))).execute(conn)?;
        let rows: Vec<_> = ranges
            .into_iter()
            .map(|(d, o, c)| {
                (
                    shop_hours::shop_id.eq(shop_id),
                    shop_hours::weekday.eq(d),
                    shop_hours::opens_at.eq(o),
                    shop_hours::closes_at.eq(c),
                )
            })
            .collect();
        diesel::insert_into(shop_hours::table)
            .values(rows)
            .execute(conn)?;
    }
    if let Some(codes) = &input.delivery_postal_codes {
        diesel::delete(shop_delivery_zones::table.filter(shop_delivery_zones::shop_id.eq(shop_id)))
            .execute(conn)?;
        let rows: Vec<_> = codes
            .iter()
            .map(|c| {
                (
                    shop_delivery_zones::shop_id.eq(shop_id),
                    shop_delivery_zones::postal_code.eq(c),
                )
            })
            .collect();
        diesel::insert_into(shop_delivery_zones::table)
            .values(rows)
            .on_conflict_do_nothing()
            .execute(conn)?;
    }
    Ok(())
}

const SLUG_TAKEN: &str = "another shop already has this slug";

/// Opens a new shop (admins).
#[utoipa::path(post, path = "/api/v1/shops", tag = "shops", security(("bearer" = [])),
    request_body = ShopInput,
    responses(
        (status = 201, description = "Shop created", body = ShopView),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Slug taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json")))]
#[post("/shops")]
pub async fn create_shop(
    state: web::Data<AppState>,
    admin: Authorized<Admins>,
    body: ApiJson<ShopInput>,
) -> AppResult<HttpResponse> {
    let input = body.0;
    let ranges = validate_shop(&input, true)?;
    let actor = admin.user.id;
    let view = db::transaction(&state.pool, move |conn| {
        let id: Uuid = diesel::insert_into(shops::table)
            .values((
                shops::slug.eq(input.slug.clone().unwrap_or_default()),
                shops::name.eq(input.name.clone().unwrap_or_default().trim()),
                shops::address_line.eq(input.address_line.clone().unwrap_or_default().trim()),
                shops::postal_code.eq(input.postal_code.clone().unwrap_or_default()),
                shops::city.eq(input.city.clone().unwrap_or_default().trim()),
                shops::phone.eq(input.phone.clone().unwrap_or_default().trim()),
                shops::email.eq(input.email.clone()),
                shops::timezone.eq(input
                    .timezone
                    .clone()
                    .unwrap_or_else(|| "Europe/Paris".into())),
                shops::delivery_fee_cents.eq(input.delivery_fee_cents.unwrap_or(0)),
                shops::min_order_cents.eq(input.min_order_cents.unwrap_or(0)),
                shops::active.eq(input.active.unwrap_or(true)),
            ))
            .returning(shops::id)
            .get_result(conn)
            .taken("slug", SLUG_TAKEN)?;
        replace_hours_and_zones(conn, id, &input, ranges)?;
        crate::audit::record(
            conn,
            Some(actor),
            "shop.created",
            "shop",
            &id.to_string(),
            serde_json::json!({"slug": input.slug}),
        )?;
        let shop = find_shop(conn, id)?;
        Ok(load_views(conn, vec![shop])?.remove(0))
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Edits a shop, its hours or its delivery zone (admins).
#[utoipa::path(patch, path = "/api/v1/shops/{shop_id}", tag = "shops", security(("bearer" = [])),
    params(("shop_id" = Uuid, Path, description = "Shop id")),
    request_body = ShopInput,
    responses(
        (status = 200, description = "Shop updated", body = ShopView),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such shop", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json")))]
#[patch("/shops/{shop_id}")]
pub async fn update_shop(
    state: web::Data<AppState>,
    admin: Authorized<Admins>,
    path: web::Path<Uuid>,
    body: ApiJson<ShopInput>,
) -> AppResult<HttpResponse> {
    let input = body.0;
    let ranges = validate_shop(&input, false)?;
    let id = path.into_inner();
    let actor = admin.user.id;
    let view = db::transaction(&state.pool, move |conn| {
        let current = shops::table
            .find(id)
            .select(Shop::as_select())
            .for_update()
            .first(conn)
            .optional()?
            .ok_or_else(|| AppError::not_found("shop"))?;
        diesel::update(shops::table.find(id))
            .set((
                shops::slug.eq(input.slug.clone().unwrap_or(current.slug)),
                shops::name.eq(input
                    .name
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or(&current.name)),
                shops::address_line.eq(input
                    .address_line
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or(&current.address_line)),
                shops::postal_code.eq(input.postal_code.clone().unwrap_or(current.postal_code)),
                shops::city.eq(input
                    .city
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or(&current.city)),
                shops::phone.eq(input
                    .phone
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or(&current.phone)),
                shops::email.eq(input.email.clone().or(current.email)),
                shops::timezone.eq(input.timezone.clone().unwrap_or(current.timezone)),
                shops::delivery_fee_cents.eq(input
                    .delivery_fee_cents
                    .unwrap_or(current.delivery_fee_cents)),
                shops::min_order_cents.eq(input.min_order_cents.unwrap_or(current.min_order_cents)),
                shops::active.eq(input.active.unwrap_or(current.active)),
                shops::updated_at.eq(Utc::now()),
            ))
            .execute(conn)
            .taken("slug", SLUG_TAKEN)?;
        replace_hours_and_zones(conn, id, &input, ranges)?;
        crate::audit::record(
            conn,
            Some(actor),
            "shop.updated",
            "shop",
            &id.to_string(),
            serde_json::json!({}),
        )?;
        let shop = find_shop(conn, id)?;
        Ok(load_views(conn, vec![shop])?.remove(0))
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn shop() -> Shop {
        Shop {
            id: Uuid::nil(),
            slug: "s".into(),
            name: "S".into(),
            address_line: "".into(),
            postal_code: "69001".into(),
            city: "Lyon".into(),
            phone: "".into(),
            email: None,
            timezone: "Europe/Paris".into(),
            currency: "EUR".into(),
            delivery_fee_cents: 0,
            min_order_cents: 0,
            active: true,
        }
    }

    #[test]
    fn opening_hours_are_read_in_the_shops_time_zone() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        // Tuesday 11:30–14:00, Paris time.
        let ranges = vec![OpeningRange {
            shop_id: Uuid::nil(),
            weekday: 2,
            opens_at: t(11, 30),
            closes_at: t(14, 0),
        }];
        // 2026-11-24 is a Tuesday; Paris is UTC+1 in November.
        let at = |h, m| Utc.with_ymd_and_hms(2026, 11, 24, h, m, 0).unwrap();
        assert!(!is_open_at(&shop(), &ranges, at(10, 29)), "11:29 in Paris");
        assert!(is_open_at(&shop(), &ranges, at(10, 30)), "11:30 in Paris");
        assert!(is_open_at(&shop(), &ranges, at(12, 59)), "13:59 in Paris");
        assert!(
            !is_open_at(&shop(), &ranges, at(13, 0)),
            "14:00 in Paris: closed"
        );
    }
}

//! Opening and editing a shop (admins): the request, its checks, and the writes of the shop, its
//! hours and its delivery zone, each recorded in the audit log.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::hours::{self, DayRange, OpeningHours};
use super::zones;
use crate::address::PostalCode;
use crate::error::{AppError, AppResult, UniqueField, Violations};
use crate::schema::shops;

const SLUG_TAKEN: &str = "another shop already has this slug";

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ShopInput {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub address_line: Option<String>,
    /// 5 digits.
    #[schema(pattern = "^[0-9]{5}$")]
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

/// The columns of `shops` a request writes, checked and trimmed; `None` keeps the current value
/// (a null `email` too).
#[derive(AsChangeset, Debug)]
#[diesel(table_name = shops)]
pub struct ShopForm {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub address_line: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub timezone: Option<String>,
    pub delivery_fee_cents: Option<i32>,
    pub min_order_cents: Option<i32>,
    pub active: Option<bool>,
    pub updated_at: DateTime<Utc>,
}

/// A checked request: the shop's columns, and the hours and zone to replace when given.
#[derive(Debug)]
pub struct ShopChange {
    pub form: ShopForm,
    pub hours: Option<Vec<DayRange>>,
    pub delivery_postal_codes: Option<Vec<PostalCode>>,
}

#[derive(Insertable)]
#[diesel(table_name = shops)]
struct NewShop {
    slug: String,
    name: String,
    address_line: String,
    postal_code: String,
    city: String,
    phone: String,
    email: Option<String>,
    timezone: String,
    delivery_fee_cents: i32,
    min_order_cents: i32,
    active: bool,
}

fn is_slug(slug: &str) -> bool {
    (2..=64).contains(&slug.len())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Checks a shop's fields, naming every bad one; `creating` makes the required ones required.
pub fn check_shop(input: ShopInput, creating: bool) -> AppResult<ShopChange> {
    let mut v = Violations::new();
    let text = |v: &mut Violations, field: &str, value: Option<String>, max: usize| match value {
        None => {
            if creating {
                v.add(field, "required", "this field is required");
            }
            None
        }
        Some(s) if s.trim().is_empty() || s.chars().count() > max => {
            v.add(field, "length", format!("must have 1 to {max} characters"));
            None
        }
        Some(s) => Some(s.trim().to_string()),
    };
    let name = text(&mut v, "name", input.name, 120);
    let address_line = text(&mut v, "address_line", input.address_line, 200);
    let city = text(&mut v, "city", input.city, 100);
    let phone = text(&mut v, "phone", input.phone, 30);
    match &input.slug {
        None if creating => v.add("slug", "required", "this field is required"),
        Some(s) if !is_slug(s) => v.add(
            "slug",
            "invalid",
            "lowercase letters, digits and dashes, 2 to 64",
        ),
        _ => {}
    }
    let postal_code = match input.postal_code {
        None => {
            if creating {
                v.add("postal_code", "required", "this field is required");
            }
            None
        }
        Some(raw) => PostalCode::validate("postal_code", &raw, &mut v),
    };
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
    let hours = input.hours.map(|h| hours::check_hours(&h, &mut v));
    let delivery_postal_codes = input
        .delivery_postal_codes
        .map(|codes| zones::check_zone(&codes, &mut v));
    v.into_result()?;
    Ok(ShopChange {
        form: ShopForm {
            slug: input.slug,
            name,
            address_line,
            postal_code: postal_code.map(PostalCode::into_string),
            city,
            phone,
            email: input.email,
            timezone: input.timezone,
            delivery_fee_cents: input.delivery_fee_cents,
            min_order_cents: input.min_order_cents,
            active: input.active,
            updated_at: Utc::now(),
        },
        hours,
        delivery_postal_codes,
    })
}

fn replace_hours_and_zone(conn: &mut PgConnection, id: Uuid, change: &ShopChange) -> AppResult<()> {
    if let Some(ranges) = &change.hours {
        hours::replace_hours(conn, id, ranges)?;
    }
    if let Some(codes) = &change.delivery_postal_codes {
        zones::replace_zone(conn, id, codes)?;
    }
    Ok(())
}

/// Opens a shop from a request checked with `creating`; a slug in use is a 409.
pub fn open_shop(conn: &mut PgConnection, actor: Uuid, change: ShopChange) -> AppResult<Uuid> {
    let f = &change.form;
    let new = NewShop {
        slug: f.slug.clone().unwrap_or_default(),
        name: f.name.clone().unwrap_or_default(),
        address_line: f.address_line.clone().unwrap_or_default(),
        postal_code: f.postal_code.clone().unwrap_or_default(),
        city: f.city.clone().unwrap_or_default(),
        phone: f.phone.clone().unwrap_or_default(),
        email: f.email.clone(),
        timezone: f.timezone.clone().unwrap_or_else(|| "Europe/Paris".into()),
        delivery_fee_cents: f.delivery_fee_cents.unwrap_or(0),
        min_order_cents: f.min_order_cents.unwrap_or(0),
        active: f.active.unwrap_or(true),
    };
    let id: Uuid = diesel::insert_into(shops::table)
        .values(&new)
        .returning(shops::id)
        .get_result(conn)
        .taken("slug", SLUG_TAKEN)?;
    replace_hours_and_zone(conn, id, &change)?;
    // A stock line (empty) for every ingredient, so the new shop can be restocked at once.
    diesel::sql_query(
        "INSERT INTO stock (shop_id, ingredient_id) SELECT $1, id FROM ingredients ON CONFLICT DO NOTHING",
    )
    .bind::<diesel::sql_types::Uuid, _>(id)
    .execute(conn)?;
    crate::audit::record(
        conn,
        Some(actor),
        "shop.created",
        "shop",
        &id.to_string(),
        serde_json::json!({"slug": new.slug}),
    )?;
    Ok(id)
}

/// Changes a shop, its hours or its zone; an unknown shop is a 404, a slug in use a 409.
pub fn change_shop(
    conn: &mut PgConnection,
    actor: Uuid,
    id: Uuid,
    change: ShopChange,
) -> AppResult<()> {
    let updated = diesel::update(shops::table.find(id))
        .set(&change.form)
        .execute(conn)
        .taken("slug", SLUG_TAKEN)?;
    if updated == 0 {
        return Err(AppError::not_found("shop"));
    }
    replace_hours_and_zone(conn, id, &change)?;
    crate::audit::record(
        conn,
        Some(actor),
        "shop.updated",
        "shop",
        &id.to_string(),
        serde_json::json!({}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad_fields(input: ShopInput, creating: bool) -> Vec<String> {
        match check_shop(input, creating) {
            Ok(_) => vec![],
            Err(AppError::Validation(e)) => e.into_iter().map(|e| e.field).collect(),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_new_shop_needs_its_address_and_contact() {
        assert_eq!(
            bad_fields(ShopInput::default(), true),
            [
                "name",
                "address_line",
                "city",
                "phone",
                "slug",
                "postal_code"
            ]
        );
        assert!(bad_fields(ShopInput::default(), false).is_empty());
    }

    #[test]
    fn an_edit_checks_and_trims_only_what_it_changes() {
        let change = check_shop(
            ShopInput {
                name: Some(" OC Pizza Vieux-Lyon ".into()),
                postal_code: Some("69005".into()),
                ..Default::default()
            },
            false,
        )
        .unwrap();
        assert_eq!(change.form.name.as_deref(), Some("OC Pizza Vieux-Lyon"));
        assert_eq!(change.form.postal_code.as_deref(), Some("69005"));
        assert_eq!(change.form.slug, None);
        assert!(change.hours.is_none() && change.delivery_postal_codes.is_none());
        let bad = ShopInput {
            slug: Some("Lyon Centre".into()),
            postal_code: Some("690".into()),
            timezone: Some("Lyon".into()),
            delivery_fee_cents: Some(-1),
            delivery_postal_codes: Some(vec!["69001".into(), "6900".into()]),
            ..Default::default()
        };
        assert_eq!(
            bad_fields(bad, false),
            [
                "slug",
                "postal_code",
                "timezone",
                "delivery_fee_cents",
                "delivery_postal_codes[1]"
            ]
        );
    }
}

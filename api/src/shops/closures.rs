//! Closures (admins): days a shop is closed whatever its hours say, for a holiday or works. A
//! closure is checked against the shop's own calendar (no day in the past, at most a year, no
//! overlap with another), shown to customers until its last day is over, and removed when plans
//! change. Each write is in the audit log; the shop's menu version follows by trigger.

use chrono::{Months, NaiveDate, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::{Closure, Shop};
use super::schedule::Schedule;
use crate::error::{AppError, AppResult, Violations};
use crate::schema::shop_closures;

/// The longest reason kept.
pub const REASON_MAX: usize = 200;

/// A closure as the API shows it.
#[derive(Serialize, ToSchema, Clone, Debug, PartialEq)]
pub struct ClosureView {
    pub id: Uuid,
    /// The first closed day, in the shop's time zone.
    #[schema(value_type = String, format = Date, example = "2026-12-24")]
    pub first_day: NaiveDate,
    /// The last closed day (included).
    #[schema(value_type = String, format = Date, example = "2026-12-26")]
    pub last_day: NaiveDate,
    #[schema(example = "congés")]
    pub reason: String,
}

impl From<&Closure> for ClosureView {
    fn from(c: &Closure) -> Self {
        ClosureView {
            id: c.id,
            first_day: c.first_day,
            last_day: c.last_day,
            reason: c.reason.clone(),
        }
    }
}

crate::page_schema!(
    /// A page of closures: `{"items": [...], "next_cursor": null | "…"}`.
    ClosurePage,
    ClosureView
);

/// A closure as an admin asks for it.
#[derive(Deserialize, ToSchema, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct ClosureInput {
    /// The first closed day, in the shop's time zone: today or later.
    #[schema(format = Date, example = "2026-12-24")]
    pub first_day: String,
    /// The last closed day (included): at most a year after the first.
    #[schema(format = Date, example = "2026-12-26")]
    pub last_day: String,
    /// What customers read ("congés", "travaux"), 1 to 200 characters.
    #[schema(example = "congés", min_length = 1, max_length = 200)]
    pub reason: String,
}

/// A checked closure, ready to store.
#[derive(Clone, Debug, PartialEq)]
pub struct NewClosure {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub reason: String,
}

fn parse_day(field: &str, raw: &str, v: &mut Violations) -> Option<NaiveDate> {
    let day = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok();
    if day.is_none() {
        v.add(field, "invalid", "a date like 2026-12-24");
    }
    day
}

/// Checks a closure against the shop's today, naming every bad field.
pub fn check_closure(input: &ClosureInput, today: NaiveDate) -> AppResult<NewClosure> {
    let mut v = Violations::new();
    let first = parse_day("first_day", &input.first_day, &mut v);
    let last = parse_day("last_day", &input.last_day, &mut v);
    let reason = input.reason.trim();
    if reason.is_empty() || reason.chars().count() > REASON_MAX {
        v.add(
            "reason",
            "length",
            format!("must have 1 to {REASON_MAX} characters"),
        );
    }
    if let Some(first) = first {
        if first < today {
            v.add(
                "first_day",
                "in_past",
                format!("must be today ({today}) or later"),
            );
        }
    }
    if let (Some(first), Some(last)) = (first, last) {
        if last < first {
            v.add(
                "last_day",
                "before_first_day",
                "must not be before first_day",
            );
        } else if first
            .checked_add_months(Months::new(12))
            .is_none_or(|year_after| last >= year_after)
        {
            v.add("last_day", "too_long", "a closure lasts a year at most");
        }
    }
    v.into_result()?;
    match (first, last) {
        (Some(first_day), Some(last_day)) => Ok(NewClosure {
            first_day,
            last_day,
            reason: reason.to_string(),
        }),
        _ => Err(AppError::internal("closure days missing after checks")),
    }
}

/// The shop's closures covering its today or later, by first day, a page at a time.
pub fn upcoming_closures(
    conn: &mut PgConnection,
    shop: &Shop,
    limit: i64,
    offset: i64,
) -> AppResult<Vec<ClosureView>> {
    let today = Schedule::local_day(shop, Utc::now());
    Ok(shop_closures::table
        .filter(shop_closures::shop_id.eq(shop.id))
        .filter(shop_closures::last_day.ge(today))
        .order((shop_closures::first_day, shop_closures::id))
        .select(Closure::as_select())
        .limit(limit)
        .offset(offset)
        .load(conn)?
        .iter()
        .map(ClosureView::from)
        .collect())
}

/// Closes a shop for some days: another closure over any of them is a 422 on `first_day`.
pub fn add_closure(
    conn: &mut PgConnection,
    actor: Uuid,
    shop: &Shop,
    closure: NewClosure,
) -> AppResult<ClosureView> {
    // One admin at a time per shop, so two overlapping closures cannot both pass the check.
    diesel::sql_query(
        "SELECT pg_advisory_xact_lock(hashtext('shop_closures'), hashtext($1::text))",
    )
    .bind::<diesel::sql_types::Uuid, _>(shop.id)
    .execute(conn)?;
    let overlapping: Option<Closure> = shop_closures::table
        .filter(shop_closures::shop_id.eq(shop.id))
        .filter(shop_closures::first_day.le(closure.last_day))
        .filter(shop_closures::last_day.ge(closure.first_day))
        .order(shop_closures::first_day)
        .select(Closure::as_select())
        .first(conn)
        .optional()?;
    if let Some(other) = overlapping {
        return Err(AppError::field(
            "first_day",
            "overlaps",
            format!(
                "the shop is already closed from {} to {} ({})",
                other.first_day, other.last_day, other.reason
            ),
        ));
    }
    let stored: Closure = diesel::insert_into(shop_closures::table)
        .values((
            shop_closures::shop_id.eq(shop.id),
            shop_closures::first_day.eq(closure.first_day),
            shop_closures::last_day.eq(closure.last_day),
            shop_closures::reason.eq(&closure.reason),
            shop_closures::created_by.eq(actor),
        ))
        .returning(Closure::as_returning())
        .get_result(conn)?;
    crate::audit::record(
        conn,
        Some(actor),
        "shop.closure_added",
        "shop",
        &shop.id.to_string(),
        serde_json::json!({
            "closure_id": stored.id,
            "first_day": stored.first_day,
            "last_day": stored.last_day,
            "reason": stored.reason,
        }),
    )?;
    Ok(ClosureView::from(&stored))
}

/// Reopens the days of a closure; one the shop does not have is a 404.
pub fn remove_closure(
    conn: &mut PgConnection,
    actor: Uuid,
    shop_id: Uuid,
    closure_id: Uuid,
) -> AppResult<()> {
    let removed: Option<Closure> = diesel::delete(
        shop_closures::table
            .filter(shop_closures::id.eq(closure_id))
            .filter(shop_closures::shop_id.eq(shop_id)),
    )
    .returning(Closure::as_returning())
    .get_result(conn)
    .optional()?;
    let removed = removed.ok_or_else(|| AppError::not_found("closure"))?;
    crate::audit::record(
        conn,
        Some(actor),
        "shop.closure_removed",
        "shop",
        &shop_id.to_string(),
        serde_json::json!({
            "closure_id": removed.id,
            "first_day": removed.first_day,
            "last_day": removed.last_day,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(first: &str, last: &str, reason: &str) -> ClosureInput {
        ClosureInput {
            first_day: first.into(),
            last_day: last.into(),
            reason: reason.into(),
        }
    }

    fn bad_fields(input: ClosureInput) -> Vec<(String, String)> {
        let today = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
        match check_closure(&input, today) {
            Ok(_) => vec![],
            Err(AppError::Validation(e)) => e.into_iter().map(|e| (e.field, e.code)).collect(),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_closure_is_checked_against_the_shops_today() {
        let ok = check_closure(
            &input("2026-12-24", " 2026-12-26", "  congés "),
            NaiveDate::from_ymd_opt(2026, 12, 20).unwrap(),
        )
        .unwrap();
        assert_eq!(ok.reason, "congés");
        assert_eq!(ok.last_day, NaiveDate::from_ymd_opt(2026, 12, 26).unwrap());
        let pair = |f: &str, c: &str| (f.to_string(), c.to_string());
        let cases = [
            (input("2026-12-20", "2026-12-20", "inventaire"), vec![]),
            (input("2026-12-20", "2027-12-19", "travaux"), vec![]),
            (
                input("2026-12-20", "2027-12-20", "travaux"),
                vec![pair("last_day", "too_long")],
            ),
            (
                input("2026-12-19", "2026-12-21", "x"),
                vec![pair("first_day", "in_past")],
            ),
            (
                input("2026-12-26", "2026-12-24", "x"),
                vec![pair("last_day", "before_first_day")],
            ),
            (
                input("2026-02-30", "24/12/2026", ""),
                vec![
                    pair("first_day", "invalid"),
                    pair("last_day", "invalid"),
                    pair("reason", "length"),
                ],
            ),
            (
                input("2026-12-24", "2026-12-24", &"x".repeat(201)),
                vec![pair("reason", "length")],
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(bad_fields(input.clone()), expected, "{input:?}");
        }
    }
}

//! The reports' rules, plain functions: which period and scope a caller may ask for, the average
//! basket, durations from a histogram of whole seconds, and how a report is written as CSV.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};

use super::model::{Durations, Period, ReportParams};

/// The longest period a report covers.
pub const MAX_MONTHS: u32 = 24;

/// A period of local dates, `to` inclusive, at most two years long.
pub fn check_period(params: &ReportParams) -> AppResult<Period> {
    if params.to < params.from {
        return Err(AppError::field(
            "to",
            "before_from",
            "the period ends before it starts",
        ));
    }
    let limit = params
        .from
        .checked_add_months(chrono::Months::new(MAX_MONTHS))
        .ok_or_else(|| AppError::field("from", "invalid", "this date is out of range"))?;
    if params.to >= limit {
        return Err(AppError::field(
            "to",
            "too_long",
            "a report covers at most 2 years",
        ));
    }
    Ok(Period {
        from: params.from,
        to: params.to,
        shop_id: params.shop_id,
        granularity: params.granularity.unwrap_or_default(),
    })
}

/// A manager reads their own shop; an admin any shop or the chain (`None`).
pub fn check_scope(user: &CurrentUser, shop_id: Option<uuid::Uuid>) -> AppResult<()> {
    if user.is_admin() {
        return Ok(());
    }
    match shop_id {
        None => Err(AppError::Forbidden(
            "the chain's reports are reserved to admins: give shop_id".to_string(),
        )),
        Some(id) if user.shop_id == Some(id) => Ok(()),
        Some(_) => Err(AppError::Forbidden(
            "a manager reads the reports of their own shop".to_string(),
        )),
    }
}

/// Revenue per order, rounded half up to the cent; 0 without orders.
pub fn average_basket(revenue_cents: i64, orders: i64) -> i64 {
    if orders <= 0 {
        0
    } else {
        (2 * revenue_cents + orders).div_euclid(2 * orders)
    }
}

/// A duration between two timestamps (an SQL interval expression) in whole seconds, rounded:
/// how every report counts durations, so that their percentiles can come from daily histograms.
pub fn seconds_sql(interval: &str) -> String {
    format!("round(extract(epoch FROM {interval}))::int")
}

/// Count, average, p50 and p90 of durations given as a histogram, `(seconds, how many)` by
/// increasing seconds: exactly what PostgreSQL's `round(avg(s))` and
/// `round(percentile_cont(f) WITHIN GROUP (ORDER BY s))` give over the same `float8` values (the
/// same interpolation, ties rounded to even as `round(float8)` does).
pub fn durations_of(histogram: &[(i32, i64)]) -> Durations {
    let count: i64 = histogram.iter().map(|(_, n)| n).sum();
    if count <= 0 {
        return Durations::default();
    }
    let sum: i64 = histogram.iter().map(|(s, n)| i64::from(*s) * n).sum();
    // The value of the k-th duration (0-based) in increasing order.
    let nth = |k: i64| -> f64 {
        let mut seen = 0;
        for (seconds, n) in histogram {
            seen += n;
            if k < seen {
                return f64::from(*seconds);
            }
        }
        f64::from(histogram.last().map(|h| h.0).unwrap_or_default())
    };
    let percentile = |f: f64| -> i64 {
        let position = f * (count - 1) as f64;
        let (first, second) = (position.floor(), position.ceil());
        let (low, high) = (nth(first as i64), nth(second as i64));
        (low + (high - low) * (position - first)).round_ties_even() as i64
    };
    Durations {
        count,
        avg_seconds: Some((sum as f64 / count as f64).round_ties_even() as i64),
        p50_seconds: Some(percentile(0.5)),
        p90_seconds: Some(percentile(0.9)),
    }
}

/// Whether the caller asked for CSV (`Accept: text/csv`).
pub fn wants_csv(req: &actix_web::HttpRequest) -> bool {
    req.headers()
        .get_all(actix_web::http::header::ACCEPT)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| {
            v.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/csv"))
        })
}

/// A CSV document (RFC 4180, CRLF line ends) with its header row.
pub struct Csv(String);

impl Csv {
    pub fn new(header: &[&str]) -> Csv {
        let mut csv = Csv(String::new());
        csv.row(header.iter().map(|h| h.to_string()));
        csv
    }

    pub fn row(&mut self, fields: impl IntoIterator<Item = String>) {
        let line: Vec<String> = fields.into_iter().map(|f| csv_field(&f)).collect();
        self.0.push_str(&line.join(","));
        self.0.push_str("\r\n");
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Quotes a field when it must; a text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`
/// first, and not a number) is prefixed with `'`.
pub fn csv_field(field: &str) -> String {
    let is_number = field.parse::<f64>().is_ok();
    let field = if !is_number && field.starts_with(['=', '+', '-', '@']) {
        format!("'{field}")
    } else {
        field.to_string()
    };
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}

/// An optional number as a CSV field (empty when absent).
pub fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;
    use chrono::NaiveDate;
    use uuid::Uuid;

    fn params(from: &str, to: &str) -> ReportParams {
        ReportParams {
            from: from.parse().unwrap(),
            to: to.parse().unwrap(),
            shop_id: None,
            granularity: None,
        }
    }

    fn field_of(err: AppError) -> String {
        match err {
            AppError::Validation(errors) => errors[0].field.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_period_is_one_day_to_two_years_and_never_inverted() {
        let one_day = check_period(&params("2026-03-29", "2026-03-29")).unwrap();
        assert_eq!(one_day.from, NaiveDate::from_ymd_opt(2026, 3, 29).unwrap());
        assert!(check_period(&params("2025-01-01", "2026-12-31")).is_ok());
        assert_eq!(
            field_of(check_period(&params("2025-01-01", "2027-01-01")).unwrap_err()),
            "to"
        );
        assert_eq!(
            field_of(check_period(&params("2026-03-02", "2026-03-01")).unwrap_err()),
            "to"
        );
    }

    fn user(role: Role, shop_id: Option<Uuid>) -> CurrentUser {
        CurrentUser {
            id: Uuid::new_v4(),
            role,
            shop_id,
            session: None,
            contact: None,
        }
    }

    #[test]
    fn a_manager_reads_their_shop_and_an_admin_any_shop_or_the_chain() {
        let (mine, other) = (Uuid::new_v4(), Uuid::new_v4());
        let manager = user(Role::Manager, Some(mine));
        assert!(check_scope(&manager, Some(mine)).is_ok());
        assert!(matches!(
            check_scope(&manager, Some(other)),
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            check_scope(&manager, None),
            Err(AppError::Forbidden(_))
        ));
        let admin = user(Role::Admin, None);
        assert!(check_scope(&admin, Some(other)).is_ok());
        assert!(check_scope(&admin, None).is_ok());
    }

    #[test]
    fn the_average_basket_rounds_half_up_and_is_zero_without_orders() {
        assert_eq!(average_basket(0, 0), 0);
        assert_eq!(average_basket(1000, 3), 333);
        assert_eq!(average_basket(1001, 2), 501);
        assert_eq!(average_basket(2000, 3), 667);
    }

    #[test]
    fn durations_from_a_histogram_interpolate_as_percentile_cont_and_round_ties_to_even() {
        assert_eq!(durations_of(&[]), Durations::default());
        // 1200 and 1800: p50 1500, p90 1200 + 0.9 × 600 = 1740 (the kitchen test's figures).
        assert_eq!(
            durations_of(&[(1200, 1), (1800, 1)]),
            Durations {
                count: 2,
                avg_seconds: Some(1500),
                p50_seconds: Some(1500),
                p90_seconds: Some(1740),
            }
        );
        // 60, 61: p50 60.5 rounds to the even 60; 61, 62: 61.5 to 62; the average too.
        assert_eq!(durations_of(&[(60, 1), (61, 1)]).p50_seconds, Some(60));
        assert_eq!(durations_of(&[(61, 1), (62, 1)]).p50_seconds, Some(62));
        assert_eq!(durations_of(&[(61, 1), (62, 1)]).avg_seconds, Some(62));
        // Ten values 1..=10 as counts: 10 × 1 s, 1 × 100 s: p50 1, p90 at position 9 = 1.
        let skewed = durations_of(&[(1, 10), (100, 1)]);
        assert_eq!(skewed.count, 11);
        assert_eq!(skewed.p50_seconds, Some(1));
        assert_eq!(skewed.p90_seconds, Some(1));
        assert_eq!(skewed.avg_seconds, Some(10));
        // 1, 2, 3, 4 with 4 counted twice: positions 2.5 (p50) and 4.5 (p90) of 1 2 3 4 4.
        let five = durations_of(&[(1, 1), (2, 1), (3, 1), (4, 2)]);
        assert_eq!(five.p50_seconds, Some(3));
        assert_eq!(five.p90_seconds, Some(4));
    }

    #[test]
    fn csv_quotes_what_it_must_and_defuses_formulas() {
        assert_eq!(csv_field("Margherita"), "Margherita");
        assert_eq!(csv_field("Reine, grande"), "\"Reine, grande\"");
        assert_eq!(csv_field("la \"vraie\""), "\"la \"\"vraie\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("-12"), "-12");
        let mut csv = Csv::new(&["a", "b"]);
        csv.row(["1".to_string(), "x,y".to_string()]);
        assert_eq!(csv.into_string(), "a,b\r\n1,\"x,y\"\r\n");
    }
}

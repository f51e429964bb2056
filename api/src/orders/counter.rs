//! The counter's desk: finding the customer on the phone by their number (whole, or its last
//! digits) or their name, for a phone order.

use actix_web::{get, web, HttpResponse};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::accounts::rules::normalize_phone;
use crate::auth::{Authorized, OrderDesk, Role};
use crate::db;
use crate::error::{AppError, AppResult, Problem};
use crate::http::ApiQuery;
use crate::schema::users;
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerFilter {
    /// A phone number (whole, in any common format, or its last 4 digits or more) or a name
    /// (2 letters or more; accents and case ignored).
    #[param(example = "5678")]
    pub q: Option<String>,
    /// The caller's whole phone number, in any common format.
    #[param(example = "06 12 34 56 78")]
    pub phone: Option<String>,
}

/// What the order taker typed, understood.
#[derive(Debug, PartialEq, Eq)]
pub enum CustomerLookup {
    /// A whole number, normalised as stored.
    Phone(String),
    /// The last digits of a number.
    PhoneEnding(String),
    /// Part of a name, lower case.
    Name(String),
}

impl CustomerLookup {
    /// `q` as a number when it is only digits (and separators), otherwise as a name.
    pub fn parse(q: &str) -> Result<CustomerLookup, &'static str> {
        let q = q.trim();
        let compact: String = q
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
            .collect();
        let digits = compact.strip_prefix('+').unwrap_or(&compact);
        if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
            if digits.len() < 4 {
                return Err("type at least the last 4 digits of the number");
            }
            // A French number as dialled (0…) is stored +33…: look its 9 national digits up.
            if compact.starts_with('0') && compact.len() == 10 {
                return Ok(CustomerLookup::PhoneEnding(compact[1..].to_string()));
            }
            return Ok(match normalize_phone(&compact) {
                Some(phone) if compact.starts_with('+') => CustomerLookup::Phone(phone),
                _ => CustomerLookup::PhoneEnding(digits.to_string()),
            });
        }
        if q.chars().filter(|c| c.is_alphabetic()).count() < 2 || q.chars().count() > 100 {
            return Err("a phone number (4 digits or more) or a name (2 letters or more)");
        }
        Ok(CustomerLookup::Name(q.to_lowercase()))
    }
}

/// `value` inside a LIKE pattern, its wildcards taken literally.
fn like_escaped(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[derive(Serialize, ToSchema, Queryable)]
pub struct CustomerMatch {
    pub id: Uuid,
    pub full_name: String,
    pub phone: Option<String>,
    pub email: String,
}

#[derive(Serialize, ToSchema)]
pub struct CustomerList {
    pub items: Vec<CustomerMatch>,
    pub next_cursor: Option<String>,
}

/// Finds customer accounts by phone number (whole or its last digits) or name, for phone orders
/// (order takers, managers). At most 20, by name.
#[utoipa::path(get, path = "/api/v1/customers", tag = "orders", security(("bearer" = [])),
    params(CustomerFilter),
    responses(
        (status = 200, description = "Matching customers", body = CustomerList),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an order taker or manager", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Neither a phone number (4 digits or more) nor a name (2 letters or more)", body = Problem, content_type = "application/problem+json")))]
#[get("/customers")]
pub async fn find_customers(
    state: web::Data<AppState>,
    _who: Authorized<OrderDesk>,
    filter: ApiQuery<CustomerFilter>,
) -> AppResult<HttpResponse> {
    let filter = filter.into_inner();
    let lookup = match (&filter.q, &filter.phone) {
        (Some(q), _) => {
            CustomerLookup::parse(q).map_err(|why| AppError::field("q", "invalid", why))?
        }
        (None, Some(phone)) => CustomerLookup::Phone(normalize_phone(phone).ok_or_else(|| {
            AppError::field("phone", "invalid", "this is not a valid phone number")
        })?),
        (None, None) => {
            return Err(AppError::field(
                "q",
                "required",
                "a phone number or a name to look for",
            ))
        }
    };
    let items = db::run(&state.pool, move |conn| {
        let mut query = users::table
            .filter(users::role.eq(Role::Customer))
            .order((users::full_name, users::id))
            .limit(20)
            .select((users::id, users::full_name, users::phone, users::email))
            .into_boxed();
        query = match lookup {
            CustomerLookup::Phone(phone) => query.filter(users::phone.eq(phone)),
            CustomerLookup::PhoneEnding(digits) => {
                query.filter(users::phone.like(format!("%{}", like_escaped(&digits))))
            }
            CustomerLookup::Name(name) => query.filter(
                sql::<Bool>("search_unaccent(lower(users.full_name)) LIKE '%' || search_unaccent(")
                    .bind::<Text, _>(like_escaped(&name))
                    .sql(") || '%'"),
            ),
        };
        Ok(query.load::<CustomerMatch>(conn)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(CustomerList {
        items,
        next_cursor: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::CustomerLookup::{self, *};

    #[test]
    fn what_the_order_taker_types_is_a_number_its_end_or_a_name() {
        let cases = [
            ("5678", Ok(PhoneEnding("5678".into()))),
            (" 56 78 ", Ok(PhoneEnding("5678".into()))),
            ("06 12 34 56 78", Ok(PhoneEnding("612345678".into()))),
            ("+33 6 12 34 56 78", Ok(Phone("+33612345678".into()))),
            ("123", Err(())),
            ("Dupont", Ok(Name("dupont".into()))),
            ("Éloïse", Ok(Name("éloïse".into()))),
            ("j", Err(())),
            ("", Err(())),
        ];
        for (typed, expected) in cases {
            assert_eq!(
                CustomerLookup::parse(typed).map_err(|_| ()),
                expected,
                "{typed:?}"
            );
        }
    }

    #[test]
    fn wildcards_typed_are_taken_literally() {
        assert_eq!(super::like_escaped("50%_a\\"), "50\\%\\_a\\\\");
    }
}

//! The counter's desk: finding the customer on the phone by their number (whole, or its last
//! digits) or their name, for a phone order; recording a new one from a name and a number.

use actix_web::{get, post, web, HttpResponse};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::accounts::rules::{email_is_valid, normalize_email, normalize_phone};
use crate::auth::{Authorized, OrderDesk, Role};
use crate::db;
use crate::error::{AppError, AppResult, UniqueField, Violations};
use crate::http::{ApiJson, ApiQuery};
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
    /// None for a customer taken on the phone without one.
    pub email: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CustomerList {
    pub items: Vec<CustomerMatch>,
    pub next_cursor: Option<String>,
}

/// Finds customer accounts by phone number (whole or its last digits) or name, for phone orders
/// (order takers, managers). At most 20, by name.
#[utoipa::path(get, tag = "orders", security(("bearer" = [])),
    params(CustomerFilter),
    responses(
        (status = 200, description = "Matching customers", body = CustomerList),
        (status = 401, description = "Not authenticated"),
        (status = 403, description = "Not an order taker or manager"),
        (status = 422, description = "Neither a phone number (4 digits or more) nor a name (2 letters or more)")))]
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

/// A customer taken on the phone: a name and a number, an e-mail if they give one.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCustomer {
    #[schema(example = "Jean Martin")]
    pub full_name: String,
    #[schema(example = "06 98 76 54 32")]
    pub phone: String,
    pub email: Option<String>,
}

/// Checks a counter customer: the name, a valid number, a well-formed e-mail when given.
pub fn check_new_customer(c: &NewCustomer) -> Result<(String, String, Option<String>), AppError> {
    let mut v = Violations::new();
    let name = c.full_name.trim().to_string();
    v.check(
        (1..=120).contains(&name.chars().count()),
        "full_name",
        "length",
        "1 to 120 characters",
    );
    let phone = normalize_phone(&c.phone);
    v.check(
        phone.is_some(),
        "phone",
        "invalid",
        "this is not a valid phone number",
    );
    let email = c
        .email
        .as_deref()
        .map(normalize_email)
        .filter(|e| !e.is_empty());
    if let Some(email) = &email {
        v.check(
            email_is_valid(email),
            "email",
            "invalid",
            "this is not a valid e-mail address",
        );
    }
    v.into_result()?;
    Ok((name, phone.unwrap_or_default(), email))
}

/// Records a customer taken on the phone (order takers, managers), found by their number at the
/// next call. No password: they cannot log in until they reset one with their e-mail.
#[utoipa::path(post, tag = "orders", security(("bearer" = [])),
    request_body = NewCustomer,
    responses(
        (status = 201, description = "Customer recorded", body = CustomerMatch),
        (status = 401, description = "Not authenticated"),
        (status = 403, description = "Not an order taker or manager"),
        (status = 409, description = "A customer already has this phone number (find them) or this e-mail"),
        (status = 422, description = "Missing name, invalid phone number or e-mail")))]
#[post("/customers")]
pub async fn create_customer(
    state: web::Data<AppState>,
    _who: Authorized<OrderDesk>,
    body: ApiJson<NewCustomer>,
) -> AppResult<HttpResponse> {
    let (name, phone, email) = check_new_customer(&body.0)?;
    let created = db::transaction(&state.pool, move |conn| {
        let known: bool = diesel::select(diesel::dsl::exists(
            users::table
                .filter(users::role.eq(Role::Customer))
                .filter(users::phone.eq(&phone)),
        ))
        .get_result(conn)?;
        if known {
            return Err(AppError::taken(
                "phone",
                "a customer already has this phone number: look them up",
            ));
        }
        diesel::insert_into(users::table)
            .values((
                users::email.eq(&email),
                // No argon2 hash: nothing can verify against it.
                users::password_hash.eq("!counter"),
                users::full_name.eq(&name),
                users::phone.eq(&phone),
                users::role.eq(Role::Customer),
            ))
            .returning((users::id, users::full_name, users::phone, users::email))
            .get_result::<CustomerMatch>(conn)
            .taken("email", "an account already has this e-mail address")
    })
    .await?;
    Ok(HttpResponse::Created().json(created))
}

#[cfg(test)]
mod tests {
    use super::*;
    use CustomerLookup::*;

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
        assert_eq!(like_escaped("50%_a\\"), "50\\%\\_a\\\\");
    }
}

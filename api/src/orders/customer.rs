//! Who an order is for: the customer placing it, or, for an order taker at the counter or on the
//! phone, a customer account or a walk-in (a name and a phone number); and their saved addresses.

use diesel::prelude::*;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::DeliveryAddress;
use crate::auth::{CurrentUser, Role};
use crate::error::{AppError, AppResult, Violations};
use crate::schema::{addresses, users};

/// A customer without an account, for a phone or counter order.
#[derive(Deserialize, ToSchema, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct WalkIn {
    #[schema(example = "Jean Martin")]
    pub name: String,
    #[schema(example = "06 98 76 54 32")]
    pub phone: String,
}

/// Who an order is for, as it is written on it.
pub(super) struct Customer {
    pub id: Option<Uuid>,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// Name, phone, e-mail and role of an account.
type AccountInfo = (String, Option<String>, Option<String>, Role);

/// The customer of an order: the caller, or for an order taker the account `customer_id` or the
/// `walk_in` (exactly one of them); every misuse named at its field.
pub(super) fn customer_for(
    conn: &mut PgConnection,
    customer_id: Option<Uuid>,
    walk_in: Option<&WalkIn>,
    user: &CurrentUser,
    v: &mut Violations,
) -> AppResult<Customer> {
    let account = |conn: &mut PgConnection, id: Uuid| -> AppResult<Option<AccountInfo>> {
        Ok(users::table
            .find(id)
            .select((users::full_name, users::phone, users::email, users::role))
            .first(conn)
            .optional()?)
    };
    match user.role {
        Role::Customer => {
            if customer_id.is_some() {
                v.add(
                    "customer_id",
                    "not_allowed",
                    "customers order for themselves",
                );
            }
            if walk_in.is_some() {
                v.add("walk_in", "not_allowed", "customers order for themselves");
            }
            // Read with the token's account (no query), or here when the caller was made without.
            let (name, phone, email) = match &user.contact {
                Some(c) => (c.name.clone(), c.phone.clone(), c.email.clone()),
                None => {
                    let (name, phone, email, _) = account(conn, user.id)?.ok_or_else(|| {
                        AppError::Unauthorized("this account no longer exists".into())
                    })?;
                    (name, phone, email)
                }
            };
            Ok(Customer {
                id: Some(user.id),
                name,
                phone,
                email,
            })
        }
        Role::OrderTaker | Role::Manager | Role::Admin => match (customer_id, walk_in) {
            (Some(id), None) => match account(conn, id)? {
                Some((name, phone, email, Role::Customer)) => Ok(Customer {
                    id: Some(id),
                    name,
                    phone,
                    email,
                }),
                _ => {
                    v.add("customer_id", "unknown", "no customer has this id");
                    Ok(Customer {
                        id: None,
                        name: String::new(),
                        phone: None,
                        email: None,
                    })
                }
            },
            (None, Some(w)) => {
                let phone = crate::accounts::rules::normalize_phone(&w.phone);
                if phone.is_none() {
                    v.add(
                        "walk_in.phone",
                        "invalid",
                        "this is not a valid phone number",
                    );
                }
                if w.name.trim().is_empty() || w.name.chars().count() > 120 {
                    v.add("walk_in.name", "length", "1 to 120 characters");
                }
                Ok(Customer {
                    id: None,
                    name: w.name.trim().to_string(),
                    phone,
                    email: None,
                })
            }
            _ => {
                v.add(
                    "customer_id",
                    "required",
                    "give either customer_id or walk_in",
                );
                Ok(Customer {
                    id: None,
                    name: String::new(),
                    phone: None,
                    email: None,
                })
            }
        },
        _ => Err(AppError::Forbidden(
            "orders are placed by customers and order takers".into(),
        )),
    }
}

/// A saved address of `owner` (none without an owner, or when it is not theirs).
pub(super) fn saved_address(
    conn: &mut PgConnection,
    id: Uuid,
    owner: Option<Uuid>,
) -> AppResult<Option<DeliveryAddress>> {
    let Some(owner) = owner else { return Ok(None) };
    Ok(addresses::table
        .filter(addresses::id.eq(id))
        .filter(addresses::user_id.eq(owner))
        .select((
            addresses::line1,
            addresses::line2,
            addresses::postal_code,
            addresses::city,
            addresses::instructions,
        ))
        .first::<(String, Option<String>, String, String, Option<String>)>(conn)
        .optional()?
        .map(
            |(line1, line2, postal_code, city, instructions)| DeliveryAddress {
                line1,
                line2,
                postal_code,
                city,
                instructions,
            },
        ))
}

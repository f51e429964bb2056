//! A customer's saved delivery addresses: the row, the request, and the rules to save and change
//! one (at most 20, each validated as a `crate::address::Address` plus a label).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::address::{self, AddressChange, AddressFields};
use crate::error::{AppError, AppResult, Violations};
use crate::schema::addresses;

pub const MAX_SAVED_ADDRESSES: i64 = 20;

#[derive(Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = addresses)]
pub struct Address {
    pub id: Uuid,
    #[schema(example = "Maison")]
    pub label: String,
    #[schema(example = "12 rue de la République")]
    pub line1: String,
    pub line2: Option<String>,
    #[schema(example = "69002")]
    pub postal_code: String,
    #[schema(example = "Lyon")]
    pub city: String,
    pub instructions: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressInput {
    pub label: Option<String>,
    pub line1: Option<String>,
    pub line2: Option<String>,
    /// 5 digits.
    #[schema(pattern = "^[0-9]{5}$")]
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// Door code, floor…
    pub instructions: Option<String>,
}

impl AddressInput {
    /// Splits the request into its label and the address proper.
    fn into_parts(self) -> (Option<String>, AddressFields) {
        let fields = AddressFields {
            line1: self.line1,
            line2: self.line2,
            postal_code: self.postal_code,
            city: self.city,
            instructions: self.instructions,
        };
        (self.label, fields)
    }
}

fn check_label(v: &mut Violations, label: &Option<String>) {
    if label.as_ref().is_some_and(|l| l.chars().count() > 60) {
        v.add("label", "too_long", "at most 60 characters");
    }
}

/// A new saved address, validated.
#[derive(Insertable)]
#[diesel(table_name = addresses)]
pub struct NewSavedAddress {
    pub user_id: Uuid,
    pub label: String,
    pub line1: String,
    pub line2: Option<String>,
    pub postal_code: String,
    pub city: String,
    pub instructions: Option<String>,
}

impl NewSavedAddress {
    pub fn validate(user_id: Uuid, input: AddressInput) -> AppResult<NewSavedAddress> {
        let (label, fields) = input.into_parts();
        let mut v = Violations::new();
        let address = address::Address::validate("", fields, &mut v);
        check_label(&mut v, &label);
        v.into_result()?;
        let address =
            address.ok_or_else(|| AppError::internal("address checked without errors"))?;
        Ok(NewSavedAddress {
            user_id,
            label: label.unwrap_or_default().trim().to_string(),
            line1: address.line1,
            line2: address.line2,
            postal_code: address.postal_code.into_string(),
            city: address.city,
            instructions: address.instructions,
        })
    }
}

/// The fields of a saved address to change; `Some(None)` clears an optional line.
#[derive(AsChangeset, Default, Debug, PartialEq)]
#[diesel(table_name = addresses)]
pub struct SavedAddressForm {
    pub label: Option<String>,
    pub line1: Option<String>,
    pub line2: Option<Option<String>>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub instructions: Option<Option<String>>,
}

impl SavedAddressForm {
    pub fn validate(input: AddressInput) -> AppResult<SavedAddressForm> {
        let (label, fields) = input.into_parts();
        let mut v = Violations::new();
        let change = AddressChange::validate("", fields, &mut v);
        check_label(&mut v, &label);
        v.into_result()?;
        let change = change.unwrap_or_default();
        Ok(SavedAddressForm {
            label: label.map(|l| l.trim().to_string()),
            line1: change.line1,
            line2: change.line2,
            postal_code: change.postal_code.map(|p| p.into_string()),
            city: change.city,
            instructions: change.instructions,
        })
    }
}

/// Saves an address for a customer, refusing a 21st.
pub fn save_address(conn: &mut PgConnection, address: NewSavedAddress) -> AppResult<Address> {
    let count: i64 = addresses::table
        .filter(addresses::user_id.eq(address.user_id))
        .count()
        .get_result(conn)?;
    if count >= MAX_SAVED_ADDRESSES {
        return Err(AppError::conflict(
            "at most 20 addresses can be saved; delete one first",
        ));
    }
    Ok(diesel::insert_into(addresses::table)
        .values(&address)
        .returning(Address::as_returning())
        .get_result(conn)?)
}

/// Changes one of the customer's own addresses; another's is "not found".
pub fn change_address(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
    form: SavedAddressForm,
) -> AppResult<Address> {
    let own = addresses::table
        .filter(addresses::id.eq(id))
        .filter(addresses::user_id.eq(user_id));
    let updated = diesel::update(own)
        .set(&form)
        .returning(Address::as_returning())
        .get_result(conn)
        .optional_empty_changeset();
    let found = match updated {
        Ok(Some(address)) => Some(address),
        // Nothing to change: answer the address as it is.
        Ok(None) => own.select(Address::as_select()).first(conn).optional()?,
        Err(diesel::result::Error::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    found.ok_or_else(|| AppError::not_found("address"))
}

/// The customer's saved addresses, oldest first.
pub fn saved_addresses(conn: &mut PgConnection, user_id: Uuid) -> AppResult<Vec<Address>> {
    Ok(addresses::table
        .filter(addresses::user_id.eq(user_id))
        .order((addresses::created_at, addresses::id))
        .select(Address::as_select())
        .load(conn)?)
}

/// Deletes one of the customer's own addresses; false when they have no such address.
pub fn forget_address(conn: &mut PgConnection, user_id: Uuid, id: Uuid) -> AppResult<bool> {
    let deleted = diesel::delete(
        addresses::table
            .filter(addresses::id.eq(id))
            .filter(addresses::user_id.eq(user_id)),
    )
    .execute(conn)?;
    Ok(deleted > 0)
}

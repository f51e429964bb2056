//! Postal addresses, validated once for every area: a French [`PostalCode`] and a delivery
//! [`Address`] (saved addresses, shops, the address copied into an order).
//!
//! How to use it from an area (it imports only `error`):
//! - a complete address: `Address::validate("delivery_address", fields, &mut v)` adds one error
//!   per bad field, named under the prefix (`delivery_address.line1`; an empty prefix gives bare
//!   names, `line1`), and returns the address when every field is good. Missing `line1`,
//!   `postal_code` or `city` are `required`.
//! - a partial change (PATCH): `AddressChange::validate(prefix, fields, &mut v)` checks only the
//!   fields given; `line2` and `instructions` sent blank are cleared (`Some(None)`).
//! - a postal code alone: `PostalCode::parse(raw)` or `PostalCode::validate(field, raw, &mut v)`.
//!
//! The rules and messages are those the accounts area had: `line1` 1 to 200 characters and `city`
//! 1 to 100 (`length`, "must have 1 to N characters"), `line2` and `instructions` at most 300
//! (`too_long`), the postal code exactly 5 ASCII digits (`invalid`, "a French postal code has 5
//! digits"). Text is stored trimmed; blank optional lines are stored as null. (Orders today words
//! the length message "1 to N characters"; the codes and fields are the same.)

use crate::error::Violations;

/// A French postal code: exactly five ASCII digits, as sent (no trimming).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PostalCode(String);

impl PostalCode {
    pub const INVALID: &'static str = "a French postal code has 5 digits";

    pub fn parse(raw: &str) -> Option<PostalCode> {
        (raw.len() == 5 && raw.chars().all(|c| c.is_ascii_digit()))
            .then(|| PostalCode(raw.to_string()))
    }

    /// Parses `raw`, or adds an `invalid` error on `field`.
    pub fn validate(field: &str, raw: &str, v: &mut Violations) -> Option<PostalCode> {
        let code = PostalCode::parse(raw);
        if code.is_none() {
            v.add(field, "invalid", PostalCode::INVALID);
        }
        code
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Display for PostalCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for PostalCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The fields of an address as a client sent them, each possibly missing.
#[derive(Clone, Debug, Default)]
pub struct AddressFields {
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// Door code, floor…
    pub instructions: Option<String>,
}

/// A valid delivery address, trimmed.
#[derive(Clone, Debug, PartialEq)]
pub struct Address {
    pub line1: String,
    pub line2: Option<String>,
    pub postal_code: PostalCode,
    pub city: String,
    pub instructions: Option<String>,
}

/// The fields of an address to change; `None` keeps the current value, and for the optional
/// lines `Some(None)` clears it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AddressChange {
    pub line1: Option<String>,
    pub line2: Option<Option<String>>,
    pub postal_code: Option<PostalCode>,
    pub city: Option<String>,
    pub instructions: Option<Option<String>>,
}

impl Address {
    /// Checks a complete address, naming bad fields under `prefix`; `None` when any is bad.
    pub fn validate(prefix: &str, fields: AddressFields, v: &mut Violations) -> Option<Address> {
        let before = v.len();
        let change = check(prefix, fields, true, v);
        if v.len() != before {
            return None;
        }
        Some(Address {
            line1: change.line1?,
            line2: change.line2.flatten(),
            postal_code: change.postal_code?,
            city: change.city?,
            instructions: change.instructions.flatten(),
        })
    }
}

impl AddressChange {
    /// Checks the fields given, naming bad ones under `prefix`.
    pub fn validate(
        prefix: &str,
        fields: AddressFields,
        v: &mut Violations,
    ) -> Option<AddressChange> {
        let before = v.len();
        let change = check(prefix, fields, false, v);
        (v.len() == before).then_some(change)
    }
}

fn check(prefix: &str, fields: AddressFields, required: bool, v: &mut Violations) -> AddressChange {
    let at = |field: &str| {
        if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        }
    };
    let text = |v: &mut Violations, field: &str, value: Option<String>, max: usize| match value {
        None => {
            if required {
                v.add(at(field), "required", "this field is required");
            }
            None
        }
        Some(s) if s.trim().is_empty() || s.chars().count() > max => {
            v.add(
                at(field),
                "length",
                format!("must have 1 to {max} characters"),
            );
            None
        }
        Some(s) => Some(s.trim().to_string()),
    };
    let line1 = text(v, "line1", fields.line1, 200);
    let city = text(v, "city", fields.city, 100);
    let postal_code = match fields.postal_code {
        None => {
            if required {
                v.add(at("postal_code"), "required", "this field is required");
            }
            None
        }
        Some(raw) => PostalCode::validate(&at("postal_code"), &raw, v),
    };
    let optional = |v: &mut Violations, field: &str, value: Option<String>| {
        let value = value?;
        if value.chars().count() > 300 {
            v.add(at(field), "too_long", "at most 300 characters");
        }
        Some(Some(value.trim().to_string()).filter(|s| !s.is_empty()))
    };
    let line2 = optional(v, "line2", fields.line2);
    let instructions = optional(v, "instructions", fields.instructions);
    AddressChange {
        line1,
        line2,
        postal_code,
        city,
        instructions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{AppError, FieldError};

    fn errors(v: Violations) -> Vec<(String, String)> {
        match v.into_result() {
            Ok(()) => Vec::new(),
            Err(AppError::Validation(errors)) => errors
                .into_iter()
                .map(|FieldError { field, code, .. }| (field, code))
                .collect(),
            Err(other) => panic!("{other:?}"),
        }
    }

    fn fields(line1: &str, postal_code: &str, city: &str) -> AddressFields {
        AddressFields {
            line1: Some(line1.into()),
            postal_code: Some(postal_code.into()),
            city: Some(city.into()),
            ..Default::default()
        }
    }

    #[test]
    fn postal_codes_are_five_ascii_digits() {
        let cases = [
            ("69002", true),
            ("01000", true),
            ("6900", false),
            ("690021", false),
            ("69 02", false),
            (" 6900", false),
            ("69002 ", false),
            ("2A004", false),
            ("６９００２", false),
            ("", false),
        ];
        for (raw, valid) in cases {
            assert_eq!(PostalCode::parse(raw).is_some(), valid, "{raw:?}");
        }
        assert_eq!(PostalCode::parse("69002").unwrap().as_str(), "69002");
    }

    #[test]
    fn a_bad_postal_code_is_named_with_the_french_message() {
        let mut v = Violations::new();
        assert_eq!(PostalCode::validate("postal_code", "690", &mut v), None);
        match v.into_result() {
            Err(AppError::Validation(e)) => {
                assert_eq!(
                    e,
                    vec![FieldError::new(
                        "postal_code",
                        "invalid",
                        "a French postal code has 5 digits"
                    )]
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_complete_address_is_trimmed_and_blank_lines_are_dropped() {
        let mut v = Violations::new();
        let mut f = fields(" 12 rue de la République ", "69002", " Lyon ");
        f.line2 = Some("   ".into());
        f.instructions = Some(" code 1234 ".into());
        let address = Address::validate("", f, &mut v).unwrap();
        assert!(v.is_empty());
        assert_eq!(address.line1, "12 rue de la République");
        assert_eq!(address.city, "Lyon");
        assert_eq!(address.line2, None);
        assert_eq!(address.instructions.as_deref(), Some("code 1234"));
        assert_eq!(address.postal_code.as_str(), "69002");
    }

    #[test]
    fn every_bad_field_is_named_under_the_prefix() {
        let long = "x".repeat(301);
        let cases: Vec<(AddressFields, Vec<(&str, &str)>)> = vec![
            (
                AddressFields::default(),
                vec![
                    ("a.line1", "required"),
                    ("a.city", "required"),
                    ("a.postal_code", "required"),
                ],
            ),
            (fields("", "69002", "Lyon"), vec![("a.line1", "length")]),
            (
                fields(&"x".repeat(201), "69002", &"y".repeat(101)),
                vec![("a.line1", "length"), ("a.city", "length")],
            ),
            (
                fields("1 rue", "6900", "Lyon"),
                vec![("a.postal_code", "invalid")],
            ),
            (
                AddressFields {
                    line2: Some(long.clone()),
                    instructions: Some(long.clone()),
                    ..fields("1 rue", "69002", "Lyon")
                },
                vec![("a.line2", "too_long"), ("a.instructions", "too_long")],
            ),
            (fields(&"x".repeat(200), "69002", &"y".repeat(100)), vec![]),
        ];
        for (input, expected) in cases {
            let mut v = Violations::new();
            let address = Address::validate("a", input.clone(), &mut v);
            assert_eq!(address.is_some(), expected.is_empty(), "{input:?}");
            let expected: Vec<(String, String)> = expected
                .into_iter()
                .map(|(f, c)| (f.to_string(), c.to_string()))
                .collect();
            assert_eq!(errors(v), expected, "{input:?}");
        }
    }

    #[test]
    fn a_change_checks_only_the_fields_given() {
        let mut v = Violations::new();
        let change = AddressChange::validate(
            "",
            AddressFields {
                city: Some(" Paris ".into()),
                line2: Some("".into()),
                ..Default::default()
            },
            &mut v,
        )
        .unwrap();
        assert_eq!(
            change,
            AddressChange {
                city: Some("Paris".into()),
                line2: Some(None),
                ..Default::default()
            }
        );
        let mut v = Violations::new();
        let bad = AddressFields {
            postal_code: Some("690".into()),
            ..Default::default()
        };
        assert_eq!(AddressChange::validate("", bad, &mut v), None);
        assert_eq!(
            errors(v),
            vec![("postal_code".to_string(), "invalid".to_string())]
        );
    }
}

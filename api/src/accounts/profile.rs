//! The caller's own profile: name, phone, e-mail and password, changed as one validated form. The
//! current password guards the e-mail address and the password.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::rules::{self, User, EMAIL_TAKEN};
use crate::auth;
use crate::error::{AppResult, UniqueField, Violations};
use crate::schema::users;

/// What the caller asks to change; `None` keeps the current value.
#[derive(Clone, Debug, Default)]
pub struct ProfileChange {
    pub full_name: Option<String>,
    /// An empty string removes the phone number.
    pub phone: Option<String>,
    pub email: Option<String>,
    pub new_password: Option<String>,
    pub current_password: Option<String>,
}

/// The columns of `users` a profile change writes; `phone: Some(None)` removes the number.
#[derive(AsChangeset, Debug)]
#[diesel(table_name = users)]
pub struct ProfileForm {
    pub full_name: Option<String>,
    pub phone: Option<Option<String>>,
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl ProfileForm {
    /// Checks every field of the change against the current account, naming each bad one; the
    /// new password comes out hashed.
    pub fn validate(current: &User, change: ProfileChange) -> AppResult<ProfileForm> {
        let mut v = Violations::new();
        if let Some(name) = &change.full_name {
            rules::check_full_name(&mut v, "full_name", name);
        }
        let phone = match change.phone.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(raw) => {
                let phone = rules::normalize_phone(raw);
                v.check(
                    phone.is_some(),
                    "phone",
                    "invalid",
                    "this is not a valid phone number",
                );
                Some(phone)
            }
        };
        let email = change.email.as_deref().map(rules::normalize_email);
        if let Some(email) = &email {
            v.check(
                rules::email_is_valid(email),
                "email",
                "invalid",
                "this is not a valid e-mail address",
            );
        }
        if let Some(password) = &change.new_password {
            rules::check_password(
                &mut v,
                "new_password",
                password,
                email.as_deref().unwrap_or(&current.email),
            );
        }
        let sensitive =
            change.new_password.is_some() || email.as_ref().is_some_and(|e| *e != current.email);
        if sensitive {
            match &change.current_password {
                None => v.add(
                    "current_password",
                    "required",
                    "confirm with your current password",
                ),
                Some(p) if !auth::verify_password(p, &current.password_hash) => v.add(
                    "current_password",
                    "wrong",
                    "this is not your current password",
                ),
                _ => {}
            }
        }
        v.into_result()?;
        let password_hash = change
            .new_password
            .as_deref()
            .map(auth::hash_password)
            .transpose()?;
        Ok(ProfileForm {
            full_name: change.full_name.map(|n| n.trim().to_string()),
            phone,
            email,
            password_hash,
            updated_at: Utc::now(),
        })
    }
}

/// Changes the profile of `user_id`; an e-mail address another account has is a 409 on `email`.
/// A new password ends every session but `session` (the caller's), as a reset does: whoever
/// knew the old password is logged out.
pub fn update_profile(
    conn: &mut PgConnection,
    user_id: Uuid,
    session: Option<Uuid>,
    change: ProfileChange,
) -> AppResult<User> {
    let current = rules::find_user(conn, user_id)?;
    let form = ProfileForm::validate(&current, change)?;
    let user = diesel::update(users::table.find(user_id))
        .set(&form)
        .returning(User::as_returning())
        .get_result(conn)
        .taken("email", EMAIL_TAKEN)?;
    if form.password_hash.is_some() {
        super::sessions::end_other_sessions(conn, user_id, session)?;
    }
    Ok(user)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;
    use crate::error::AppError;

    fn marie() -> User {
        User {
            id: Uuid::nil(),
            email: "marie@example.fr".into(),
            password_hash: auth::hash_password("une-bonne-pizza").unwrap(),
            full_name: "Marie".into(),
            phone: Some("+33612345678".into()),
            role: Role::Customer,
            shop_id: None,
            created_at: Utc::now(),
            active: true,
        }
    }

    fn bad_fields(result: AppResult<ProfileForm>) -> Vec<String> {
        match result {
            Err(AppError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            Err(other) => panic!("{other:?}"),
            Ok(form) => panic!("accepted: {form:?}"),
        }
    }

    #[test]
    fn a_name_and_phone_change_needs_no_password() {
        let form = ProfileForm::validate(
            &marie(),
            ProfileChange {
                full_name: Some(" Marie D. ".into()),
                phone: Some("04 78 12 34 56".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(form.full_name.as_deref(), Some("Marie D."));
        assert_eq!(form.phone, Some(Some("+33478123456".into())));
        assert_eq!(form.email, None);
        assert_eq!(form.password_hash, None);
    }

    #[test]
    fn a_blank_phone_removes_it_and_an_absent_one_keeps_it() {
        let cases = [
            (None, None),
            (Some(""), Some(None)),
            (Some("  "), Some(None)),
            (
                Some("06 12 34 56 78"),
                Some(Some("+33612345678".to_string())),
            ),
        ];
        for (phone, expected) in cases {
            let change = ProfileChange {
                phone: phone.map(str::to_string),
                ..Default::default()
            };
            let form = ProfileForm::validate(&marie(), change).unwrap();
            assert_eq!(form.phone, expected, "{phone:?}");
        }
    }

    #[test]
    fn the_email_and_password_are_guarded_by_the_current_password() {
        let cases: [(ProfileChange, Vec<&str>); 5] = [
            (
                ProfileChange {
                    email: Some("new@example.fr".into()),
                    ..Default::default()
                },
                vec!["current_password"],
            ),
            (
                ProfileChange {
                    new_password: Some("encore-une-pizza".into()),
                    current_password: Some("pas-la-bonne".into()),
                    ..Default::default()
                },
                vec!["current_password"],
            ),
            (
                ProfileChange {
                    email: Some("not-an-email".into()),
                    new_password: Some("court".into()),
                    phone: Some("call me".into()),
                    full_name: Some(" ".into()),
                    current_password: Some("une-bonne-pizza".into()),
                },
                vec!["full_name", "phone", "email", "new_password"],
            ),
            (
                // The same address in other letters is no change: no password needed.
                ProfileChange {
                    email: Some(" MARIE@example.fr".into()),
                    ..Default::default()
                },
                vec![],
            ),
            (
                ProfileChange {
                    email: Some("new@example.fr".into()),
                    new_password: Some("encore-une-pizza".into()),
                    current_password: Some("une-bonne-pizza".into()),
                    ..Default::default()
                },
                vec![],
            ),
        ];
        for (change, expected) in cases {
            let result = ProfileForm::validate(&marie(), change.clone());
            if expected.is_empty() {
                assert!(result.is_ok(), "{change:?}: {result:?}");
            } else {
                assert_eq!(bad_fields(result), expected, "{change:?}");
            }
        }
    }
}

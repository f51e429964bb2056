//! Menu categories (managers): adding one, renaming or moving it.

use diesel::prelude::*;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::{is_slug, Category, SLUG_RULE};
use crate::error::{AppError, AppResult, UniqueField, Violations};
use crate::schema::categories;

const SLUG_TAKEN: &str = "another category already has this slug";

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryInput {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub position: Option<i32>,
}

/// The columns of a category a request writes, checked; `None` keeps the current value.
#[derive(AsChangeset, Debug, PartialEq)]
#[diesel(table_name = categories)]
pub struct CategoryForm {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub position: Option<i32>,
}

impl CategoryForm {
    /// Checks a category; `creating` makes the slug and the name required.
    pub fn validate(c: CategoryInput, creating: bool) -> AppResult<CategoryForm> {
        let mut v = Violations::new();
        match &c.slug {
            None if creating => v.add("slug", "required", "this field is required"),
            Some(s) if !is_slug(s) => v.add("slug", "invalid", SLUG_RULE),
            _ => {}
        }
        match &c.name {
            None if creating => v.add("name", "required", "this field is required"),
            Some(n) if n.trim().is_empty() || n.chars().count() > 80 => {
                v.add("name", "length", "1 to 80 characters")
            }
            _ => {}
        }
        v.into_result()?;
        Ok(CategoryForm {
            slug: c.slug,
            name: c.name.map(|n| n.trim().to_string()),
            position: c.position,
        })
    }
}

/// Adds a category from a form checked with `creating`; a slug in use is a 409.
pub fn add_category(
    conn: &mut PgConnection,
    actor: Uuid,
    form: CategoryForm,
) -> AppResult<Category> {
    let created: Category = diesel::insert_into(categories::table)
        .values((
            categories::slug.eq(form.slug.unwrap_or_default()),
            categories::name.eq(form.name.unwrap_or_default()),
            categories::position.eq(form.position.unwrap_or(0)),
        ))
        .returning(Category::as_returning())
        .get_result(conn)
        .taken("slug", SLUG_TAKEN)?;
    crate::audit::record(
        conn,
        Some(actor),
        "category.created",
        "category",
        &created.id.to_string(),
        serde_json::json!({}),
    )?;
    Ok(created)
}

/// Renames or moves a category; an empty form answers it unchanged.
pub fn change_category(
    conn: &mut PgConnection,
    actor: Uuid,
    id: Uuid,
    form: CategoryForm,
) -> AppResult<Category> {
    let updated = diesel::update(categories::table.find(id))
        .set(&form)
        .returning(Category::as_returning())
        .get_result(conn)
        .optional_empty_changeset();
    let found = match updated {
        Ok(Some(category)) => Some(category),
        // Nothing to change: answer the category as it is.
        Ok(None) => categories::table
            .find(id)
            .select(Category::as_select())
            .first(conn)
            .optional()?,
        Err(diesel::result::Error::NotFound) => None,
        Err(e) => return Err(e).taken("slug", SLUG_TAKEN),
    };
    let category = found.ok_or_else(|| AppError::not_found("category"))?;
    crate::audit::record(
        conn,
        Some(actor),
        "category.updated",
        "category",
        &id.to_string(),
        serde_json::json!({}),
    )?;
    Ok(category)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(slug: Option<&str>, name: Option<&str>) -> CategoryInput {
        CategoryInput {
            slug: slug.map(String::from),
            name: name.map(String::from),
            position: None,
        }
    }

    #[test]
    fn categories_are_checked_before_writing() {
        let cases: [(CategoryInput, bool, Vec<&str>); 5] = [
            (input(None, None), true, vec!["slug", "name"]),
            (input(None, None), false, vec![]),
            (
                input(Some("Pizzas Rouges"), Some(" ")),
                false,
                vec!["slug", "name"],
            ),
            (
                input(Some("pizzas-rouges"), Some(&"x".repeat(81))),
                true,
                vec!["name"],
            ),
            (
                input(Some("pizzas-rouges"), Some("Pizzas rouges")),
                true,
                vec![],
            ),
        ];
        for (c, creating, expected) in cases {
            let fields: Vec<String> = match CategoryForm::validate(c, creating) {
                Ok(_) => vec![],
                Err(AppError::Validation(e)) => e.into_iter().map(|e| e.field).collect(),
                Err(other) => panic!("{other:?}"),
            };
            assert_eq!(fields, expected);
        }
        let form = CategoryForm::validate(input(None, Some(" Desserts ")), false).unwrap();
        assert_eq!(form.name.as_deref(), Some("Desserts"));
    }
}

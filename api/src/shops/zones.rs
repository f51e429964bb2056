//! Delivery zones: the postal codes a shop delivers to, how an admin sets them, and whether a
//! shop delivers to an address's postal code.

use diesel::prelude::*;
use uuid::Uuid;

use crate::address::PostalCode;
use crate::error::{AppResult, Violations};
use crate::schema::shop_delivery_zones;

/// Checks the postal codes of a zone as an admin sends them (`delivery_postal_codes[i]`).
pub fn check_zone(codes: &[String], v: &mut Violations) -> Vec<PostalCode> {
    codes
        .iter()
        .enumerate()
        .filter_map(|(i, code)| {
            PostalCode::validate(&format!("delivery_postal_codes[{i}]"), code, v)
        })
        .collect()
}

/// Whether a zone (its postal codes) covers a postal code.
pub fn zone_covers(zone: &[String], code: &PostalCode) -> bool {
    zone.iter().any(|c| c == code.as_str())
}

/// Whether the shop delivers to this postal code.
pub fn shop_delivers_to(
    conn: &mut PgConnection,
    shop_id: Uuid,
    code: &PostalCode,
) -> AppResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        shop_delivery_zones::table
            .filter(shop_delivery_zones::shop_id.eq(shop_id))
            .filter(shop_delivery_zones::postal_code.eq(code.as_str())),
    ))
    .get_result(conn)?)
}

/// Replaces the delivery zone of a shop (a code given twice is kept once).
pub fn replace_zone(conn: &mut PgConnection, shop_id: Uuid, codes: &[PostalCode]) -> AppResult<()> {
    diesel::delete(shop_delivery_zones::table.filter(shop_delivery_zones::shop_id.eq(shop_id)))
        .execute(conn)?;
    let rows: Vec<_> = codes
        .iter()
        .map(|c| {
            (
                shop_delivery_zones::shop_id.eq(shop_id),
                shop_delivery_zones::postal_code.eq(c.as_str()),
            )
        })
        .collect();
    diesel::insert_into(shop_delivery_zones::table)
        .values(rows)
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zone_covers_exactly_its_postal_codes() {
        let zone: Vec<String> = ["69001", "69002", "69004"].map(String::from).into();
        let cases = [
            ("69001", true),
            ("69002", true),
            ("69004", true),
            ("69003", false),
            ("75001", false),
            ("06900", false),
        ];
        for (code, covered) in cases {
            let code = PostalCode::parse(code).unwrap();
            assert_eq!(zone_covers(&zone, &code), covered, "{code}");
        }
        assert!(!zone_covers(&[], &PostalCode::parse("69001").unwrap()));
    }

    #[test]
    fn every_bad_code_of_a_zone_is_named_by_its_index() {
        let codes: Vec<String> = ["69001", "6900", "69002", "lyon"].map(String::from).into();
        let mut v = Violations::new();
        let zone = check_zone(&codes, &mut v);
        assert_eq!(
            zone.iter().map(PostalCode::as_str).collect::<Vec<_>>(),
            ["69001", "69002"]
        );
        match v.into_result() {
            Err(crate::error::AppError::Validation(e)) => {
                let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(
                    fields,
                    ["delivery_postal_codes[1]", "delivery_postal_codes[3]"]
                );
                assert_eq!(e[0].message, "a French postal code has 5 digits");
            }
            other => panic!("{other:?}"),
        }
    }
}

//! Pricing without a database: sizes, extras, removals, fee, minimum, stock taken.

use super::*;
use crate::error::AppError;

/// A price list of two products: a pizza in two sizes (tomato 80/120 g, mozzarella 100/150 g)
/// and a drink; mushrooms (2 € for 40 g) and mozzarella (1,50 € for 50 g) can be extras, ham
/// cannot.
struct Menu {
    list: PriceList,
    pizza: Uuid,
    drink: Uuid,
    tomato: Uuid,
    mozzarella: Uuid,
    mushrooms: Uuid,
    ham: Uuid,
}

fn menu() -> Menu {
    let [pizza, drink, medium, large, can, tomato, mozzarella, mushrooms, ham, cola] =
        [(); 10].map(|_| Uuid::new_v4());
    let size = |size_id, product_id, code: &str, price_cents, kind| SizeInfo {
        size_id,
        product_id,
        code: code.into(),
        label: code.to_uppercase(),
        price_cents,
        product_name: if kind == ProductKind::Pizza {
            "Margherita".into()
        } else {
            "Cola".into()
        },
        kind,
    };
    let list = PriceList {
        sizes: vec![
            size(medium, pizza, "medium", 1100, ProductKind::Pizza),
            size(large, pizza, "large", 1400, ProductKind::Pizza),
            size(can, drink, "33cl", 300, ProductKind::Drink),
        ],
        recipes: HashMap::from([
            (medium, vec![(tomato, 80), (mozzarella, 100)]),
            (large, vec![(tomato, 120), (mozzarella, 150)]),
            (can, vec![(cola, 1)]),
        ]),
        ingredients: HashMap::from([
            (tomato, ("Tomate".to_string(), false, 0, 0)),
            (mozzarella, ("Mozzarella".to_string(), true, 50, 150)),
            (mushrooms, ("Champignons".to_string(), true, 40, 200)),
            (ham, ("Jambon".to_string(), false, 0, 0)),
            (cola, ("Canette".to_string(), false, 0, 0)),
        ]),
    };
    Menu {
        list,
        pizza,
        drink,
        tomato,
        mozzarella,
        mushrooms,
        ham,
    }
}

fn item(product_id: Uuid, size: &str, quantity: i32) -> CartItem {
    CartItem {
        product_id,
        size: Some(size.into()),
        quantity,
        add_ingredient_ids: Vec::new(),
        remove_ingredient_ids: Vec::new(),
    }
}

fn errors(v: Violations) -> Vec<(String, String)> {
    match v.into_result() {
        Ok(()) => Vec::new(),
        Err(AppError::Validation(errors)) => {
            errors.into_iter().map(|e| (e.field, e.code)).collect()
        }
        Err(other) => panic!("{other:?}"),
    }
}

#[test]
fn sizes_extras_removals_and_the_delivery_fee_make_the_total() {
    let m = menu();
    let pizza = CartItem {
        add_ingredient_ids: vec![m.mushrooms, m.mozzarella],
        remove_ingredient_ids: vec![m.tomato],
        ..item(m.pizza, "large", 2)
    };
    // (size price, extras, fee) → (unit price, subtotal, total)
    let cases = [
        (vec![item(m.pizza, "medium", 1)], 0, (1100, 1100, 1100)),
        (vec![item(m.pizza, "large", 1)], 250, (1400, 1400, 1650)),
        (vec![item(m.pizza, "medium", 3)], 250, (1100, 3300, 3550)),
        (vec![pizza.clone()], 0, (1400 + 200 + 150, 3500, 3500)),
        (
            vec![pizza, item(m.drink, "33cl", 2)],
            300,
            (1750, 3500 + 600, 4400),
        ),
    ];
    for (items, fee, (unit, subtotal, total)) in cases {
        let mut v = Violations::new();
        let cart = m.list.price(&items, fee, "EUR", &mut v).unwrap();
        assert!(v.is_empty());
        assert_eq!(cart.lines[0].unit_price_cents, unit);
        assert_eq!(
            (
                cart.subtotal_cents,
                cart.delivery_fee_cents,
                cart.total_cents
            ),
            (subtotal, fee, total)
        );
        assert_eq!(cart.currency, "EUR");
    }
}

#[test]
fn the_stock_a_cart_takes_leaves_removals_out_and_counts_extra_portions() {
    let m = menu();
    let items = [CartItem {
        add_ingredient_ids: vec![m.mozzarella, m.mushrooms],
        remove_ingredient_ids: vec![m.tomato],
        ..item(m.pizza, "large", 2)
    }];
    let mut v = Violations::new();
    let cart = m.list.price(&items, 0, "EUR", &mut v).unwrap();
    assert_eq!(cart.needs.get(&m.tomato), None, "removed");
    assert_eq!(cart.needs[&m.mozzarella], 2 * (150 + 50));
    assert_eq!(cart.needs[&m.mushrooms], 2 * 40);
    let line = &cart.lines[0];
    let names = |mods: &[LineModification]| -> Vec<String> {
        mods.iter().map(|m| m.name.clone()).collect()
    };
    assert_eq!(names(&line.added), ["Mozzarella", "Champignons"]);
    assert_eq!(names(&line.removed), ["Tomate"]);
    assert_eq!(line.removed[0].price_cents, 0);
}

#[test]
fn every_bad_line_is_named_by_its_place_in_the_cart() {
    let m = menu();
    let unknown = Uuid::new_v4();
    let cases: Vec<(CartItem, &str, &str)> = vec![
        (
            item(m.pizza, "medium", 0),
            "items[0].quantity",
            "out_of_range",
        ),
        (
            item(m.pizza, "medium", 51),
            "items[0].quantity",
            "out_of_range",
        ),
        (item(unknown, "medium", 1), "items[0].product_id", "unknown"),
        (item(m.pizza, "xxl", 1), "items[0].size", "unknown"),
        (
            CartItem {
                add_ingredient_ids: vec![m.mushrooms],
                ..item(m.drink, "33cl", 1)
            },
            "items[0].add_ingredient_ids",
            "not_customisable",
        ),
        (
            CartItem {
                add_ingredient_ids: vec![m.ham],
                ..item(m.pizza, "medium", 1)
            },
            "items[0].add_ingredient_ids[0]",
            "not_extra",
        ),
        (
            CartItem {
                add_ingredient_ids: vec![m.mushrooms, m.mushrooms],
                ..item(m.pizza, "medium", 1)
            },
            "items[0].add_ingredient_ids[1]",
            "duplicate",
        ),
        (
            CartItem {
                add_ingredient_ids: vec![unknown],
                ..item(m.pizza, "medium", 1)
            },
            "items[0].add_ingredient_ids[0]",
            "unknown",
        ),
        (
            CartItem {
                remove_ingredient_ids: vec![m.mushrooms],
                ..item(m.pizza, "medium", 1)
            },
            "items[0].remove_ingredient_ids[0]",
            "not_in_recipe",
        ),
        (
            CartItem {
                add_ingredient_ids: vec![m.mozzarella],
                remove_ingredient_ids: vec![m.mozzarella],
                ..item(m.pizza, "medium", 1)
            },
            "items[0].remove_ingredient_ids[0]",
            "conflict",
        ),
        (
            CartItem {
                add_ingredient_ids: vec![m.mushrooms; MAX_EXTRAS + 1],
                ..item(m.pizza, "medium", 1)
            },
            "items[0].add_ingredient_ids",
            "too_many",
        ),
    ];
    for (bad, field, code) in cases {
        let mut v = Violations::new();
        m.list.price(std::slice::from_ref(&bad), 0, "EUR", &mut v);
        let found = errors(v);
        assert!(
            found.contains(&(field.to_string(), code.to_string())),
            "{bad:?}: expected {field} {code}, got {found:?}"
        );
    }
    // A product sold in one size needs no size; one in several does.
    let mut v = Violations::new();
    let cart = m.list.price(
        &[CartItem {
            size: None,
            ..item(m.drink, "", 2)
        }],
        0,
        "EUR",
        &mut v,
    );
    assert_eq!(cart.unwrap().lines[0].size, "33cl");
    let mut v = Violations::new();
    m.list.price(
        &[CartItem {
            size: None,
            ..item(m.pizza, "", 1)
        }],
        0,
        "EUR",
        &mut v,
    );
    assert_eq!(
        errors(v),
        [("items[0].size".to_string(), "required".to_string())]
    );
    // The second line's problem is named as the second line's.
    let mut v = Violations::new();
    m.list.price(
        &[item(m.pizza, "medium", 1), item(m.pizza, "xxl", 1)],
        0,
        "EUR",
        &mut v,
    );
    assert_eq!(
        errors(v),
        [("items[1].size".to_string(), "unknown".to_string())]
    );
}

#[test]
fn a_cart_below_the_shops_minimum_is_refused_and_the_fee_does_not_count() {
    let shop = Shop {
        id: Uuid::new_v4(),
        slug: "test".into(),
        name: "Test".into(),
        address_line: "1 rue de la Paix".into(),
        postal_code: "69002".into(),
        city: "Lyon".into(),
        phone: "+33400000000".into(),
        email: None,
        timezone: "Europe/Paris".into(),
        currency: "EUR".into(),
        delivery_fee_cents: 300,
        min_order_cents: 1500,
        active: true,
    };
    let m = menu();
    for (items, refused) in [
        (vec![item(m.pizza, "large", 1)], true),
        (
            vec![item(m.pizza, "medium", 1), item(m.drink, "33cl", 1)],
            true,
        ),
        (
            vec![item(m.pizza, "large", 1), item(m.drink, "33cl", 1)],
            false,
        ),
    ] {
        let mut v = Violations::new();
        let cart = m
            .list
            .price(&items, shop.delivery_fee_cents, "EUR", &mut v)
            .unwrap();
        super::super::checks::check_minimum(&shop, &cart, &mut v);
        let found = errors(v);
        assert_eq!(
            found == [("items".to_string(), "below_minimum".to_string())],
            refused,
            "subtotal {} (total {}): {found:?}",
            cart.subtotal_cents,
            cart.total_cents
        );
    }
}

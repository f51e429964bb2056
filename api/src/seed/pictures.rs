//! Pictures the seed draws for its products (nothing is downloaded): a pizza seen from above with
//! its sauce, cheese and toppings taken from its recipe, a can, a bottle or a dessert in the
//! product's colours. SVG with presentation attributes only (no script, no style element), laid
//! out from a hash of the slug so that each pizza looks its own and the same on every run.

use std::fmt::Write;

use super::data::{ProductSeed, SizeSeed};

pub const WIDTH: u32 = 480;
pub const HEIGHT: u32 = 360;

/// A small deterministic generator (xorshift) seeded from the slug.
struct Dice(u64);

impl Dice {
    fn new(seed: &str) -> Dice {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in seed.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        Dice(h | 1)
    }

    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % 10_000) as f64 / 10_000.0
    }

    fn between(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.next()
    }
}

/// How an ingredient looks on a pizza: a shape and its colours.
enum Look {
    Disc(&'static str, &'static str),
    Ring(&'static str),
    Strip(&'static str),
    Leaf(&'static str),
    Speck(&'static str),
    Blob(&'static str),
}

fn look(slug: &str) -> Option<Look> {
    Some(match slug {
        "jambon" | "jambon-cru" => Look::Strip("#e89aa0"),
        "chorizo" | "merguez" => Look::Disc("#b8322a", "#8e1f1a"),
        "poulet" => Look::Blob("#e6c79a"),
        "lardons" => Look::Strip("#d98a7a"),
        "viande-hachee" => Look::Blob("#7a4a32"),
        "anchois" => Look::Strip("#8c7b6a"),
        "thon" => Look::Blob("#c9a38a"),
        "fruits-de-mer" => Look::Disc("#f0a07a", "#e07850"),
        "champignons" => Look::Disc("#e9dcc5", "#b89f7e"),
        "olives-noires" => Look::Ring("#2b2b2b"),
        "capres" => Look::Speck("#6b7d3a"),
        "oignons" => Look::Ring("#c9a0c9"),
        "poivrons" => Look::Strip("#3f9b3f"),
        "pommes-de-terre" => Look::Disc("#f1d98a", "#d9b95a"),
        "artichauts" => Look::Leaf("#9bb06a"),
        "aubergines" => Look::Disc("#5b3a6b", "#e8d9b0"),
        "courgettes" => Look::Disc("#4f8a3c", "#d8e6a8"),
        "tomates-cerises" => Look::Disc("#e0402f", "#f07a5f"),
        "roquette" | "basilic" => Look::Leaf("#3f8a2f"),
        "ananas" => Look::Blob("#f5d142"),
        "origan" => Look::Speck("#5d7a34"),
        "piments" => Look::Ring("#d9241b"),
        "noix" => Look::Blob("#9a6b3c"),
        "oeuf" => Look::Disc("#fbf6e8", "#f4b400"),
        "gorgonzola" => Look::Blob("#dfe6d0"),
        "chevre" => Look::Disc("#fbfaf2", "#ece8d8"),
        "parmesan" | "emmental" | "raclette" | "reblochon" => Look::Blob("#f3d77a"),
        "burrata" => Look::Disc("#fdfcf6", "#efece0"),
        "creme-balsamique" | "miel" | "pesto" | "huile-olive" | "ail" => return None,
        _ => return None,
    })
}

/// The middle size is the reference recipe, as in the product's ingredient list.
fn reference(sizes: &[SizeSeed]) -> Option<&SizeSeed> {
    sizes.get(sizes.len() / 2)
}

/// The picture of a seeded product.
pub fn draw(p: &ProductSeed) -> String {
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" role=\"img\">"
    );
    let mut dice = Dice::new(p.slug);
    match p.kind {
        "pizza" => pizza(&mut svg, p, &mut dice),
        "drink" => drink(&mut svg, p, &mut dice),
        _ => dessert(&mut svg, p, &mut dice),
    }
    svg.push_str("</svg>");
    svg
}

fn pizza(svg: &mut String, p: &ProductSeed, dice: &mut Dice) {
    let recipe: Vec<&str> = reference(p.sizes)
        .map(|s| s.recipe.iter().map(|(slug, _)| *slug).collect())
        .unwrap_or_default();
    let has = |slug: &str| recipe.contains(&slug);
    let (cx, cy) = (240.0, 180.0);
    // A wooden board.
    let _ = write!(
        svg,
        "<rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#c8925a\"/>\
         <rect y=\"90\" width=\"{WIDTH}\" height=\"6\" fill=\"#b98350\"/>\
         <rect y=\"250\" width=\"{WIDTH}\" height=\"5\" fill=\"#b98350\"/>\
         <circle cx=\"{cx}\" cy=\"{cy}\" r=\"168\" fill=\"#a8733f\" opacity=\"0.35\"/>"
    );
    if p.slug == "calzone" {
        let _ = write!(
            svg,
            "<path d=\"M80 200 A160 140 0 0 1 400 200 Z\" fill=\"#e3a857\" stroke=\"#c4863a\" stroke-width=\"8\"/>\
             <circle cx=\"200\" cy=\"150\" r=\"6\" fill=\"#b06c2c\"/><circle cx=\"270\" cy=\"130\" r=\"5\" fill=\"#b06c2c\"/>"
        );
        return;
    }
    // Crust, then sauce.
    let sauce = if has("sauce-tomate") {
        "#c8402a"
    } else if has("sauce-barbecue") {
        "#7a2f1c"
    } else if has("creme-fraiche") {
        "#f6efdc"
    } else if has("pesto") {
        "#5a8a2a"
    } else {
        "#e9c98a"
    };
    let _ = write!(
        svg,
        "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"150\" fill=\"#e0a656\"/>\
         <circle cx=\"{cx}\" cy=\"{cy}\" r=\"150\" fill=\"none\" stroke=\"#c98a3e\" stroke-width=\"6\" stroke-dasharray=\"3 14\"/>\
         <circle cx=\"{cx}\" cy=\"{cy}\" r=\"128\" fill=\"{sauce}\"/>"
    );
    // Melted cheese in patches.
    let cheese = [
        "mozzarella",
        "emmental",
        "raclette",
        "reblochon",
        "parmesan",
        "gorgonzola",
    ];
    if cheese.iter().any(|c| has(c)) {
        for _ in 0..9 {
            let (x, y) = spot(dice, cx, cy, 95.0);
            let r = dice.between(22.0, 38.0);
            let _ = write!(
                svg,
                "<circle cx=\"{x:.0}\" cy=\"{y:.0}\" r=\"{r:.0}\" fill=\"#f8e7b0\" opacity=\"0.85\"/>"
            );
        }
    }
    // Toppings, by how they look.
    for slug in &recipe {
        let Some(look) = look(slug) else { continue };
        let count = match look {
            Look::Speck(_) => 26,
            Look::Leaf(_) => 6,
            _ => 8,
        };
        for _ in 0..count {
            let (x, y) = spot(dice, cx, cy, 112.0);
            let turn = dice.between(0.0, 180.0);
            let _ = match look {
                Look::Disc(fill, inner) => write!(
                    svg,
                    "<circle cx=\"{x:.0}\" cy=\"{y:.0}\" r=\"12\" fill=\"{fill}\"/><circle cx=\"{x:.0}\" cy=\"{y:.0}\" r=\"6\" fill=\"{inner}\"/>"
                ),
                Look::Ring(stroke) => write!(
                    svg,
                    "<circle cx=\"{x:.0}\" cy=\"{y:.0}\" r=\"8\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"4\"/>"
                ),
                Look::Strip(fill) => write!(
                    svg,
                    "<rect x=\"{:.0}\" y=\"{:.0}\" width=\"30\" height=\"10\" rx=\"4\" fill=\"{fill}\" transform=\"rotate({turn:.0} {x:.0} {y:.0})\"/>",
                    x - 15.0,
                    y - 5.0
                ),
                Look::Leaf(fill) => write!(
                    svg,
                    "<ellipse cx=\"{x:.0}\" cy=\"{y:.0}\" rx=\"14\" ry=\"7\" fill=\"{fill}\" transform=\"rotate({turn:.0} {x:.0} {y:.0})\"/>"
                ),
                Look::Speck(fill) => write!(
                    svg,
                    "<circle cx=\"{x:.0}\" cy=\"{y:.0}\" r=\"2.5\" fill=\"{fill}\"/>"
                ),
                Look::Blob(fill) => write!(
                    svg,
                    "<rect x=\"{:.0}\" y=\"{:.0}\" width=\"16\" height=\"14\" rx=\"5\" fill=\"{fill}\" transform=\"rotate({turn:.0} {x:.0} {y:.0})\"/>",
                    x - 8.0,
                    y - 7.0
                ),
            };
        }
    }
    if has("creme-balsamique") || has("miel") {
        let colour = if has("miel") { "#e8a317" } else { "#3b1f14" };
        let _ = write!(
            svg,
            "<path d=\"M150 130 Q200 100 240 150 T330 170\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"4\" stroke-linecap=\"round\"/>"
        );
    }
}

/// A random point of the disc of radius `r` around the centre.
fn spot(dice: &mut Dice, cx: f64, cy: f64, r: f64) -> (f64, f64) {
    let angle = dice.between(0.0, std::f64::consts::TAU);
    let distance = r * dice.next().sqrt();
    (cx + distance * angle.cos(), cy + distance * angle.sin())
}

fn palette(slug: &str) -> (&'static str, &'static str) {
    match slug {
        s if s.contains("zero") => ("#1b1b1b", "#e41e2b"),
        s if s.contains("coca") => ("#e41e2b", "#ffffff"),
        s if s.contains("orangina") => ("#f39200", "#1f4e9c"),
        s if s.contains("ice-tea") => ("#f4b740", "#8a3b12"),
        s if s.contains("gazeuse") => ("#9fd3e6", "#0f6e8c"),
        s if s.contains("eau") => ("#cfeefa", "#2a8fbd"),
        s if s.contains("biere") => ("#2f6b3a", "#f2c230"),
        s if s.contains("citron") => ("#f5e06a", "#c69a3a"),
        s if s.contains("tiramisu") => ("#e9d8b8", "#6b4226"),
        s if s.contains("cookie") => ("#d9a760", "#4a2a15"),
        _ => ("#5a3220", "#a0673d"),
    }
}

fn drink(svg: &mut String, p: &ProductSeed, _dice: &mut Dice) {
    let (body, label) = palette(p.slug);
    let _ = write!(
        svg,
        "<rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#eef3f6\"/>\
         <ellipse cx=\"240\" cy=\"318\" rx=\"90\" ry=\"14\" fill=\"#cfd8de\"/>"
    );
    let bottle = p.slug.contains("eau") || p.slug.contains("biere");
    if bottle {
        let _ = write!(
            svg,
            "<path d=\"M222 40 h36 v50 q38 30 38 80 v140 q0 10 -10 10 h-92 q-10 0 -10 -10 v-140 q0 -50 38 -80 z\" fill=\"{body}\" opacity=\"0.92\"/>\
             <rect x=\"218\" y=\"30\" width=\"44\" height=\"16\" rx=\"4\" fill=\"{label}\"/>\
             <rect x=\"184\" y=\"190\" width=\"112\" height=\"60\" fill=\"{label}\" opacity=\"0.9\"/>"
        );
    } else {
        let _ = write!(
            svg,
            "<rect x=\"180\" y=\"70\" width=\"120\" height=\"240\" rx=\"18\" fill=\"{body}\"/>\
             <rect x=\"188\" y=\"58\" width=\"104\" height=\"18\" rx=\"6\" fill=\"#b8c2c8\"/>\
             <path d=\"M180 170 q60 -40 120 0 v40 q-60 -40 -120 0 z\" fill=\"{label}\"/>\
             <rect x=\"192\" y=\"90\" width=\"10\" height=\"200\" rx=\"5\" fill=\"#ffffff\" opacity=\"0.25\"/>"
        );
    }
}

fn dessert(svg: &mut String, p: &ProductSeed, dice: &mut Dice) {
    let (main, topping) = palette(p.slug);
    let _ = write!(
        svg,
        "<rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#f7efe6\"/>\
         <ellipse cx=\"240\" cy=\"250\" rx=\"170\" ry=\"50\" fill=\"#ffffff\" stroke=\"#e2d6c8\" stroke-width=\"4\"/>"
    );
    if p.slug.contains("cookie") {
        let _ = write!(
            svg,
            "<circle cx=\"240\" cy=\"200\" r=\"95\" fill=\"{main}\"/>"
        );
        for _ in 0..12 {
            let (x, y) = spot(dice, 240.0, 200.0, 75.0);
            let _ = write!(
                svg,
                "<circle cx=\"{x:.0}\" cy=\"{y:.0}\" r=\"7\" fill=\"{topping}\"/>"
            );
        }
    } else if p.slug.contains("mousse") {
        let _ = write!(
            svg,
            "<path d=\"M170 120 h140 l-16 140 h-108 z\" fill=\"#d9e3e8\" opacity=\"0.7\"/>\
             <path d=\"M176 140 h128 l-12 112 h-104 z\" fill=\"{main}\"/>\
             <ellipse cx=\"240\" cy=\"140\" rx=\"64\" ry=\"12\" fill=\"{topping}\"/>"
        );
    } else {
        let _ = write!(
            svg,
            "<path d=\"M140 240 L240 120 L340 240 Z\" fill=\"{main}\"/>\
             <path d=\"M140 240 L240 120 L340 240 L340 262 L140 262 Z\" fill=\"{main}\" opacity=\"0.85\"/>\
             <path d=\"M160 216 L240 120 L320 216\" fill=\"none\" stroke=\"{topping}\" stroke-width=\"10\"/>"
        );
    }
}

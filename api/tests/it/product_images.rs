//! Product photos: a manager uploads one, the menu shows its smaller rendition, the public files
//! are cached with an ETag; what is not a photo is refused; who may upload; the seed's pictures.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat};
use ocpizza::auth::Role;
use reqwest::Response;
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{assert_problem, problem_fields, TestApp};

fn encoded(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), format)
        .unwrap();
    out
}

async fn upload(
    app: &TestApp,
    product: Uuid,
    token: Option<&str>,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Response {
    let mut req = app
        .client
        .put(app.url(&format!("/api/v1/products/{product}/image")))
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(c) = content_type {
        req = req.header("content-type", c);
    }
    req.send().await.unwrap()
}

fn header(res: &Response, name: &str) -> String {
    res.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

fn menu_entry<'a>(menu: &'a Value, slug: &str) -> &'a Value {
    menu["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["products"].as_array().unwrap())
        .find(|p| p["slug"] == slug)
        .unwrap()
}

#[tokio::test]
async fn a_manager_uploads_a_photo_and_the_menu_shows_its_smaller_rendition() {
    let app = TestApp::spawn().await;
    let shop = app.shop_id("lyon-presquile").await;
    let manager = app.token_for(Role::Manager, Some(shop)).await;
    let reine = app.product_ids().await["reine"];
    let menu_path = format!("/api/v1/shops/{shop}/menu");
    let _warm: Value = app.get(&menu_path, None).await.json().await.unwrap();
    let photo = encoded(1200, 900, ImageFormat::Png);
    let res = upload(
        &app,
        reine,
        Some(&manager),
        Some("image/png"),
        photo.clone(),
    )
    .await;
    assert_eq!(res.status(), 200);
    let product: Value = res.json().await.unwrap();
    let image_url = product["image_url"].as_str().unwrap().to_string();
    let menu_url = product["menu_image_url"].as_str().unwrap().to_string();
    let version = image_url.rsplit("?v=").next().unwrap().to_string();
    assert_eq!(version.len(), 16);
    assert_eq!(
        image_url,
        format!("/api/v1/products/{reine}/image?v={version}")
    );
    assert_eq!(
        menu_url,
        format!("/api/v1/products/{reine}/image/menu?v={version}")
    );

    // The photo as uploaded, cached for a year under its versioned URL.
    let res = app.get(&image_url, None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "content-type"), "image/png");
    assert_eq!(
        header(&res, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    let etag = header(&res, "etag");
    assert_eq!(etag, format!("\"{version}\""));
    assert_eq!(res.bytes().await.unwrap().to_vec(), photo);
    let res = app
        .client
        .get(app.url(&image_url))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);
    assert_eq!(header(&res, "etag"), etag);
    assert!(res.bytes().await.unwrap().is_empty());
    // Without its version the answer is revalidated soon.
    let res = app
        .get(&format!("/api/v1/products/{reine}/image"), None)
        .await;
    assert_eq!(header(&res, "cache-control"), "public, max-age=300");

    // The menu's rendition: a JPEG that fits 480 × 360.
    let res = app.get(&menu_url, None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "content-type"), "image/jpeg");
    assert_eq!(header(&res, "etag"), format!("\"{version}-menu\""));
    let small = image::load_from_memory(&res.bytes().await.unwrap()).unwrap();
    assert_eq!((small.width(), small.height()), (480, 360));

    // Every menu shows it at once, and the product sheet.
    let menu: Value = app.get(&menu_path, None).await.json().await.unwrap();
    assert_eq!(
        menu_entry(&menu, "reine")["menu_image_url"],
        menu_url.as_str()
    );
    // The full photo is on the product's sheet, not in the menu (issue 15's size).
    assert!(menu_entry(&menu, "reine").get("image_url").is_none());
    let sheet: Value = app
        .get(&format!("/api/v1/products/{reine}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sheet["image_url"], image_url.as_str());

    // A new photo is a new URL; the old version's URL is no longer cached for long.
    let jpeg = encoded(640, 480, ImageFormat::Jpeg);
    let res = upload(&app, reine, Some(&manager), Some("image/jpeg"), jpeg).await;
    assert_eq!(res.status(), 200);
    let second: Value = res.json().await.unwrap();
    assert_ne!(second["image_url"], image_url.as_str());
    let res = app.get(&image_url, None).await;
    assert_eq!(header(&res, "content-type"), "image/jpeg");
    assert_eq!(header(&res, "cache-control"), "public, max-age=300");

    // A WebP is a photo too.
    let webp = encoded(300, 200, ImageFormat::WebP);
    let res = upload(&app, reine, Some(&manager), Some("image/webp"), webp).await;
    assert_eq!(res.status(), 200);
    let third: Value = res.json().await.unwrap();
    let res = app.get(third["image_url"].as_str().unwrap(), None).await;
    assert_eq!(header(&res, "content-type"), "image/webp");
    let res = app
        .get(third["menu_image_url"].as_str().unwrap(), None)
        .await;
    let small = image::load_from_memory(&res.bytes().await.unwrap()).unwrap();
    assert_eq!(
        (small.width(), small.height()),
        (300, 200),
        "never enlarged"
    );

    // Removed: no picture, and its files are gone.
    let res = app
        .send(
            "DELETE",
            &format!("/api/v1/products/{reine}/image"),
            Some(&manager),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(res.status(), 204);
    let sheet: Value = app
        .get(&format!("/api/v1/products/{reine}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sheet["image_url"], Value::Null);
    assert_eq!(sheet["menu_image_url"], Value::Null);
    assert_problem(app.get(&image_url, None).await, 404).await;
    let menu: Value = app.get(&menu_path, None).await.json().await.unwrap();
    assert_eq!(menu_entry(&menu, "reine")["menu_image_url"], Value::Null);
}

#[tokio::test]
async fn what_is_not_a_photo_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.token_for(Role::Admin, None).await;
    let reine = app.product_ids().await["reine"];
    let path = format!("/api/v1/products/{reine}");
    let before: Value = app.get(&path, None).await.json().await.unwrap();
    let png = encoded(40, 30, ImageFormat::Png);
    let mut truncated = png.clone();
    truncated.truncate(50);
    let cases: Vec<(Option<&str>, Vec<u8>, u16)> = vec![
        (
            Some("image/png"),
            b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
            422,
        ),
        (Some("image/jpeg"), png.clone(), 422),
        (Some("image/png"), truncated, 422),
        (Some("image/png"), Vec::new(), 422),
        (Some("image/gif"), b"GIF89a\x01\x00\x01\x00".to_vec(), 415),
        (Some("image/svg+xml"), b"<svg/>".to_vec(), 415),
        (Some("application/json"), b"{}".to_vec(), 415),
        (None, png.clone(), 415),
        (Some("image/png"), vec![0x89; 2 * 1024 * 1024 + 1], 413),
    ];
    for (content_type, body, status) in cases {
        let res = upload(&app, reine, Some(&admin), content_type, body).await;
        let problem = assert_problem(res, status).await;
        if status == 422 {
            assert_eq!(problem_fields(&problem), ["body"], "{content_type:?}");
        }
    }
    let after: Value = app.get(&path, None).await.json().await.unwrap();
    assert_eq!(after, before, "the seed's picture is still there");
    let missing = Uuid::new_v4();
    assert_problem(
        upload(&app, missing, Some(&admin), Some("image/png"), png).await,
        404,
    )
    .await;
    assert_problem(
        app.send(
            "DELETE",
            &format!("/api/v1/products/{missing}/image"),
            Some(&admin),
            serde_json::json!({}),
        )
        .await,
        404,
    )
    .await;
    assert_problem(
        app.get(&format!("/api/v1/products/{missing}/image/menu"), None)
            .await,
        404,
    )
    .await;
    assert_problem(
        app.get(&format!("/api/v1/products/{reine}/image?v=zz"), None)
            .await,
        422,
    )
    .await;
}

#[tokio::test]
async fn only_managers_and_admins_change_photos() {
    let app = TestApp::spawn().await;
    let shop = app.shop_id("lyon-presquile").await;
    let reine = app.product_ids().await["reine"];
    let png = encoded(64, 48, ImageFormat::Png);
    let delete = |token: Option<String>| {
        let req = app
            .client
            .delete(app.url(&format!("/api/v1/products/{reine}/image")));
        let req = match token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        req.send()
    };
    for role in [Role::OrderTaker, Role::Pizzaiolo, Role::Delivery] {
        let token = app.token_for(role, Some(shop)).await;
        let res = upload(&app, reine, Some(&token), Some("image/png"), png.clone()).await;
        assert_problem(res, 403).await;
        assert_problem(delete(Some(token)).await.unwrap(), 403).await;
    }
    let customer = app.token_for(Role::Customer, None).await;
    assert_problem(
        upload(&app, reine, Some(&customer), Some("image/png"), png.clone()).await,
        403,
    )
    .await;
    assert_problem(
        upload(&app, reine, None, Some("image/png"), png.clone()).await,
        401,
    )
    .await;
    assert_problem(delete(None).await.unwrap(), 401).await;
    let other_shop = app
        .token_for(Role::Manager, Some(app.shop_id("lyon-gerland").await))
        .await;
    let res = upload(
        &app,
        reine,
        Some(&other_shop),
        Some("image/png"),
        png.clone(),
    )
    .await;
    assert_eq!(res.status(), 200, "the catalog is one for the chain");
    let admin = app.token_for(Role::Admin, None).await;
    assert_eq!(delete(Some(admin)).await.unwrap().status(), 204);
}

#[tokio::test]
async fn the_seed_draws_a_picture_of_every_product() {
    let app = TestApp::spawn().await;
    let products: Value = app
        .get("/api/v1/products?limit=100", None)
        .await
        .json()
        .await
        .unwrap();
    let items = products["items"].as_array().unwrap();
    assert!(items.len() >= 30);
    let mut pictures = std::collections::HashSet::new();
    for p in items {
        let url = p["menu_image_url"].as_str().expect("a picture");
        let res = app.get(url, None).await;
        assert_eq!(res.status(), 200, "{url}");
        assert_eq!(header(&res, "content-type"), "image/svg+xml");
        let svg = res.text().await.unwrap();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(!svg.contains("<script") && !svg.contains("href"));
        pictures.insert(svg);
    }
    assert_eq!(pictures.len(), items.len(), "each product looks its own");
}

//! Product photos: what an upload must be (a JPEG, PNG or WebP up to 2 MB, its type read from
//! its bytes), the smaller rendition made for the menu, and the rows in `product_images`. The
//! public URLs carry the photo's version, so they are cached for a year and a new photo is a new
//! URL. Pictures drawn by the seed (SVG) are stored the same way.

use std::io::Cursor;

use chrono::Utc;
use diesel::prelude::*;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::schema::{product_images, products};

/// Largest photo accepted, in bytes.
pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;
/// Largest side of a photo, in pixels (a decoded 8000 × 8000 image is already 256 MB).
const MAX_SIDE: u32 = 8000;
/// The menu's rendition fits in this box.
pub const MENU_WIDTH: u32 = 480;
const MENU_HEIGHT: u32 = 360;
const MENU_JPEG_QUALITY: u8 = 80;

/// The kinds of photo accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhotoKind {
    Jpeg,
    Png,
    Webp,
}

impl PhotoKind {
    pub fn from_content_type(value: &str) -> Option<PhotoKind> {
        match value
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
            .as_str()
        {
            "image/jpeg" | "image/jpg" => Some(PhotoKind::Jpeg),
            "image/png" => Some(PhotoKind::Png),
            "image/webp" => Some(PhotoKind::Webp),
            _ => None,
        }
    }

    /// The kind the bytes are, from their signature.
    pub fn sniff(bytes: &[u8]) -> Option<PhotoKind> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(PhotoKind::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(PhotoKind::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(PhotoKind::Webp)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            PhotoKind::Jpeg => "image/jpeg",
            PhotoKind::Png => "image/png",
            PhotoKind::Webp => "image/webp",
        }
    }

    fn format(self) -> ImageFormat {
        match self {
            PhotoKind::Jpeg => ImageFormat::Jpeg,
            PhotoKind::Png => ImageFormat::Png,
            PhotoKind::Webp => ImageFormat::WebP,
        }
    }
}

/// A picture ready to be stored: the original and the menu's rendition.
pub struct Picture {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub menu_content_type: &'static str,
    pub menu_bytes: Vec<u8>,
}

fn not_an_image(message: impl Into<String>) -> AppError {
    AppError::field("body", "not_an_image", message)
}

/// Checks an upload and makes its menu rendition. The declared type must be one of the three
/// (else a 415) and must be what the bytes are; bytes that are no such image, or one that does
/// not decode, are a 422 naming `body`.
pub fn prepare_photo(declared: Option<&str>, bytes: Vec<u8>) -> AppResult<Picture> {
    let declared = declared
        .and_then(PhotoKind::from_content_type)
        .ok_or(AppError::UnsupportedMediaType)?;
    let kind = PhotoKind::sniff(&bytes)
        .ok_or_else(|| not_an_image("the body is not a JPEG, PNG or WebP image"))?;
    if kind != declared {
        return Err(AppError::field(
            "body",
            "type_mismatch",
            format!(
                "the body is {}, not {} as its Content-Type says",
                kind.content_type(),
                declared.content_type()
            ),
        ));
    }
    let mut reader = ImageReader::with_format(Cursor::new(&bytes), kind.format());
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let decoded = reader
        .decode()
        .map_err(|e| not_an_image(format!("the image cannot be read: {e}")))?;
    let (width, height) = (decoded.width(), decoded.height());
    let menu_bytes = menu_rendition(&decoded)?;
    Ok(Picture {
        content_type: kind.content_type(),
        bytes,
        width,
        height,
        menu_content_type: "image/jpeg",
        menu_bytes,
    })
}

/// A JPEG that fits the menu's box (never enlarged), transparency laid on white.
fn menu_rendition(image: &DynamicImage) -> AppResult<Vec<u8>> {
    let small = if image.width() > MENU_WIDTH || image.height() > MENU_HEIGHT {
        image.thumbnail(MENU_WIDTH, MENU_HEIGHT)
    } else {
        image.clone()
    };
    let mut rgb = image::RgbImage::new(small.width(), small.height());
    for (x, y, p) in small.to_rgba8().enumerate_pixels() {
        let [r, g, b, a] = p.0;
        let over_white =
            |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        rgb.put_pixel(
            x,
            y,
            image::Rgb([over_white(r), over_white(g), over_white(b)]),
        );
    }
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, MENU_JPEG_QUALITY)
        .encode_image(&rgb)
        .map_err(AppError::internal)?;
    Ok(out)
}

/// A drawn picture (the seed's SVG), the same file for the menu: it scales.
pub fn drawn_picture(svg: String, width: u32, height: u32) -> Picture {
    let bytes = svg.into_bytes();
    Picture {
        content_type: "image/svg+xml",
        menu_content_type: "image/svg+xml",
        menu_bytes: bytes.clone(),
        bytes,
        width,
        height,
    }
}

/// The photo's version: the start of the SHA-256 of its bytes.
fn version_of(bytes: &[u8]) -> String {
    hex::encode(&Sha256::digest(bytes)[..8])
}

pub fn image_url(product_id: Uuid, version: &str) -> String {
    format!("/api/v1/products/{product_id}/image?v={version}")
}

pub fn menu_image_url(product_id: Uuid, version: &str) -> String {
    format!("/api/v1/products/{product_id}/image/menu?v={version}")
}

/// Stores a product's picture in place of the one it had and points the product at it; an
/// unknown product is a 404.
pub fn store_picture(
    conn: &mut PgConnection,
    actor: Option<Uuid>,
    product_id: Uuid,
    picture: &Picture,
) -> AppResult<()> {
    products::table
        .find(product_id)
        .select(products::id)
        .for_update()
        .first::<Uuid>(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("product"))?;
    let version = version_of(&picture.bytes);
    let row = (
        product_images::content_type.eq(picture.content_type),
        product_images::bytes.eq(&picture.bytes),
        product_images::width.eq(picture.width as i32),
        product_images::height.eq(picture.height as i32),
        product_images::menu_content_type.eq(picture.menu_content_type),
        product_images::menu_bytes.eq(&picture.menu_bytes),
        product_images::version.eq(&version),
        product_images::updated_by.eq(actor),
        product_images::updated_at.eq(Utc::now()),
    );
    diesel::insert_into(product_images::table)
        .values((product_images::product_id.eq(product_id), row))
        .on_conflict(product_images::product_id)
        .do_update()
        .set(row)
        .execute(conn)?;
    diesel::update(products::table.find(product_id))
        .set((
            products::image_url.eq(image_url(product_id, &version)),
            products::menu_image_url.eq(menu_image_url(product_id, &version)),
            products::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    crate::audit::record(
        conn,
        actor,
        "product.image_set",
        "product",
        &product_id.to_string(),
        serde_json::json!({"content_type": picture.content_type, "bytes": picture.bytes.len(),
                           "width": picture.width, "height": picture.height, "version": version}),
    )
}

/// Removes a product's picture (its photo, or an external URL); an unknown product is a 404.
pub fn remove_picture(conn: &mut PgConnection, actor: Uuid, product_id: Uuid) -> AppResult<()> {
    let n = diesel::update(products::table.find(product_id))
        .set((
            products::image_url.eq(None::<String>),
            products::menu_image_url.eq(None::<String>),
            products::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    if n == 0 {
        return Err(AppError::not_found("product"));
    }
    diesel::delete(product_images::table.find(product_id)).execute(conn)?;
    crate::audit::record(
        conn,
        Some(actor),
        "product.image_removed",
        "product",
        &product_id.to_string(),
        serde_json::json!({}),
    )
}

/// Which file of a stored picture.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Rendition {
    Original,
    Menu,
}

/// One file of a stored picture, to be served.
pub struct StoredImage {
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub version: String,
}

/// The stored picture of a product, if it has one.
pub fn load_picture(
    conn: &mut PgConnection,
    product_id: Uuid,
    rendition: Rendition,
) -> AppResult<StoredImage> {
    let found: Option<(String, Vec<u8>, String)> = match rendition {
        Rendition::Original => product_images::table
            .find(product_id)
            .select((
                product_images::content_type,
                product_images::bytes,
                product_images::version,
            ))
            .first(conn)
            .optional()?,
        Rendition::Menu => product_images::table
            .find(product_id)
            .select((
                product_images::menu_content_type,
                product_images::menu_bytes,
                product_images::version,
            ))
            .first(conn)
            .optional()?,
    };
    let (content_type, bytes, version) =
        found.ok_or_else(|| AppError::not_found("product image"))?;
    Ok(StoredImage {
        content_type,
        bytes,
        version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(width, height, image::Rgba([200, 30, 30, 128]));
        let mut out = Vec::new();
        DynamicImage::ImageRgba8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    fn code_of(err: AppError) -> String {
        match err {
            AppError::Validation(e) => format!("{}:{}", e[0].field, e[0].code),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn the_type_is_read_from_the_bytes() {
        assert_eq!(PhotoKind::sniff(&png(2, 2)), Some(PhotoKind::Png));
        assert_eq!(
            PhotoKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]),
            Some(PhotoKind::Jpeg)
        );
        assert_eq!(
            PhotoKind::sniff(b"RIFF\x10\0\0\0WEBPVP8 "),
            Some(PhotoKind::Webp)
        );
        assert_eq!(PhotoKind::sniff(b"<svg xmlns="), None);
        assert_eq!(PhotoKind::sniff(b"GIF89a"), None);
    }

    #[test]
    fn a_large_photo_gets_a_menu_sized_jpeg_and_a_small_one_is_not_enlarged() {
        let big = prepare_photo(Some("image/png"), png(1200, 900)).unwrap();
        assert_eq!((big.width, big.height), (1200, 900));
        let menu = image::load_from_memory(&big.menu_bytes).unwrap();
        assert_eq!((menu.width(), menu.height()), (480, 360));
        assert_eq!(PhotoKind::sniff(&big.menu_bytes), Some(PhotoKind::Jpeg));
        let small = prepare_photo(Some("image/png"), png(100, 50)).unwrap();
        let menu = image::load_from_memory(&small.menu_bytes).unwrap();
        assert_eq!((menu.width(), menu.height()), (100, 50));
    }

    #[test]
    fn what_is_not_a_photo_is_refused() {
        assert!(matches!(
            prepare_photo(Some("image/gif"), b"GIF89a".to_vec()),
            Err(AppError::UnsupportedMediaType)
        ));
        assert!(matches!(
            prepare_photo(None, png(2, 2)),
            Err(AppError::UnsupportedMediaType)
        ));
        assert_eq!(
            code_of(
                prepare_photo(Some("image/jpeg"), b"hello".to_vec())
                    .err()
                    .unwrap()
            ),
            "body:not_an_image"
        );
        assert_eq!(
            code_of(prepare_photo(Some("image/jpeg"), png(2, 2)).err().unwrap()),
            "body:type_mismatch"
        );
        let mut truncated = png(50, 50);
        truncated.truncate(60);
        assert_eq!(
            code_of(prepare_photo(Some("image/png"), truncated).err().unwrap()),
            "body:not_an_image"
        );
    }
}

//! HTTP plumbing shared by every area: the JSON body extractor that names the bad field, the
//! handlers that turn actix's own path/query/404/405 errors into problem documents, pagination.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use crate::error::{AppError, FieldError};

/// A JSON request body. Unlike `web::Json`, a wrong type or a missing field becomes a 422 problem
/// naming the field (`items[0].quantity`), malformed JSON a 400, an oversized body a 413.
pub struct ApiJson<T>(pub T);

/// Largest body accepted by [`ApiJson`], set from the configuration.
#[derive(Clone, Copy)]
pub struct BodyLimit(pub usize);

/// Reads a body up to `limit` bytes: a larger one (declared or sent) is a 413 problem.
pub async fn read_limited(
    mut payload: Payload,
    declared_length: Option<usize>,
    limit: usize,
) -> Result<web::Bytes, AppError> {
    if declared_length.is_some_and(|len| len > limit) {
        return Err(AppError::PayloadTooLarge(limit));
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| AppError::BadRequest(format!("could not read the body: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// The body's length as the client declared it (`Content-Length`).
pub fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
}

/// A raw request body within the JSON limit ([`BodyLimit`]), for handlers that read it
/// themselves (an optional JSON body); above it a 413 problem like [`ApiJson`]'s.
pub struct ApiBody(pub web::Bytes);

impl FromRequest for ApiBody {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req.app_data::<BodyLimit>().map(|l| l.0).unwrap_or(65_536);
        let declared = declared_length(req);
        let payload = payload.take();
        Box::pin(async move { read_limited(payload, declared, limit).await.map(ApiBody) })
    }
}

/// A webhook's raw body (signed as sent), up to 256 KiB (Stripe's events are far smaller).
pub struct WebhookBody(pub web::Bytes);

impl WebhookBody {
    pub const LIMIT: usize = 262_144;
}

impl FromRequest for WebhookBody {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let declared = declared_length(req);
        let payload = payload.take();
        Box::pin(async move {
            read_limited(payload, declared, WebhookBody::LIMIT)
                .await
                .map(WebhookBody)
        })
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req.app_data::<BodyLimit>().map(|l| l.0).unwrap_or(65_536);
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                let mime = v
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase();
                mime == "application/json" || mime.ends_with("+json")
            })
            .unwrap_or(false);
        let declared = declared_length(req);
        let payload = payload.take();
        Box::pin(async move {
            if !is_json {
                return Err(AppError::UnsupportedMediaType);
            }
            let body = read_limited(payload, declared, limit).await?;
            parse_json(&body).map(ApiJson)
        })
    }
}

/// An optional JSON body: empty or `null` means the default.
pub fn parse_optional_json<T: DeserializeOwned + Default>(body: &[u8]) -> Result<T, AppError> {
    let text = std::str::from_utf8(body).unwrap_or("").trim();
    if text.is_empty() || text == "null" {
        Ok(T::default())
    } else {
        parse_json(body)
    }
}

/// Whether text holds a control character no field takes (tab, line feed and carriage return
/// are text; NUL and the other C0 controls are not, and PostgreSQL refuses NUL outright).
pub fn has_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

fn control_error(field: String) -> FieldError {
    FieldError::new(
        field,
        "control_character",
        "control characters (such as NUL) are not accepted in text",
    )
}

/// Every string of a JSON document (keys included) holding a control character, by path.
fn control_characters(value: &serde_json::Value, path: &str, found: &mut Vec<FieldError>) {
    use serde_json::Value;
    match value {
        Value::String(text) if has_control(text) => found.push(control_error(if path.is_empty() {
            "body".into()
        } else {
            path.into()
        })),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                control_characters(item, &format!("{path}[{i}]"), found);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                let at = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                if has_control(key) {
                    found.push(control_error(at.clone()));
                }
                control_characters(item, &at, found);
            }
        }
        _ => {}
    }
}

/// A control character reaches a JSON string escaped (`\u0000`…) or, for DEL and the C1
/// controls, raw: the whole document is looked at only when one of those may be there.
fn refuse_control_characters(body: &[u8]) -> Result<(), AppError> {
    let maybe = body.windows(4).any(|w| w == b"\\u00")
        || body.contains(&0x7f)
        || body
            .windows(2)
            .any(|w| w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1]));
    if !maybe {
        return Ok(());
    }
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Ok(()); // malformed: the parser says so
    };
    let mut found = Vec::new();
    control_characters(&value, "", &mut found);
    if found.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(found))
    }
}

/// Parses a JSON document, reporting the path of a badly typed or missing field, or of a text
/// holding control characters.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(AppError::BadRequest(
            "the request body is empty".to_string(),
        ));
    }
    refuse_control_characters(body)?;
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(value) => value,
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            if inner.is_syntax() || inner.is_eof() {
                return Err(AppError::BadRequest(format!("malformed JSON: {inner}")));
            }
            return Err(AppError::Validation(vec![serde_field_error(
                &path,
                &inner.to_string(),
            )]));
        }
    };
    deserializer
        .end()
        .map_err(|e| AppError::BadRequest(format!("malformed JSON: {e}")))?;
    Ok(value)
}

/// serde says "missing field `email`" at the parent's path; name the field itself.
fn serde_field_error(path: &str, message: &str) -> FieldError {
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(message)
        .to_string();
    let parent = if path == "." { "" } else { path };
    let join = |name: &str| {
        if parent.is_empty() {
            name.to_string()
        } else {
            format!("{parent}.{name}")
        }
    };
    if let Some(name) = between(&message, "missing field `", "`") {
        return FieldError::new(join(name), "required", "this field is required");
    }
    if let Some(name) = between(&message, "unknown field `", "`") {
        // The path already ends with the unknown key.
        let field = if parent.ends_with(name) {
            parent.to_string()
        } else {
            join(name)
        };
        return FieldError::new(field, "unknown", "this field is not accepted here");
    }
    let field = if parent.is_empty() { "body" } else { parent };
    FieldError::new(field, "invalid", message)
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(start)?;
    rest.split(end).next()
}

pub fn path_error(err: actix_web::error::PathError, _: &HttpRequest) -> actix_web::Error {
    AppError::NotFound(format!("no such resource ({err})")).into()
}

/// Query parameters. Unlike `web::Query`, a bad value names its parameter
/// (`vegetarian: provided string was not true or false`).
pub struct ApiQuery<T>(pub T);

impl<T> ApiQuery<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for ApiQuery<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for ApiQuery<T> {
    type Error = AppError;
    type Future = futures_util::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let query = req.query_string().as_bytes();
        let controls: Vec<FieldError> = form_urlencoded::parse(query)
            .filter(|(key, value)| has_control(key) || has_control(value))
            .map(|(key, _)| control_error(key.into_owned()))
            .collect();
        if !controls.is_empty() {
            return futures_util::future::ready(Err(AppError::Validation(controls)));
        }
        let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query));
        let result = serde_path_to_error::deserialize(deserializer)
            .map(ApiQuery)
            .map_err(|err| {
                let path = err.path().to_string();
                let message = err.into_inner().to_string();
                let mut error = serde_field_error(&path, &message);
                if error.field == "body" {
                    error.field = "query".to_string();
                }
                AppError::Validation(vec![error])
            });
        futures_util::future::ready(result)
    }
}

/// The documented paths and the methods each answers, from the OpenAPI document (which comes
/// from the route registrations): a request no route took is a 405 when its path is known.
#[derive(Clone, Default)]
pub struct KnownRoutes(Vec<(Vec<String>, String)>);

impl KnownRoutes {
    pub fn from_document(document: &utoipa::openapi::OpenApi) -> KnownRoutes {
        let routes = document
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ];
                let allow: Vec<&str> = methods
                    .iter()
                    .filter(|(_, served)| *served)
                    .map(|(m, _)| *m)
                    .collect();
                let segments = path.split('/').map(str::to_string).collect();
                (segments, allow.join(", "))
            })
            .collect();
        KnownRoutes(routes)
    }

    /// The `Allow` value of a path matching a documented template (`{…}` takes one segment).
    pub fn allow(&self, path: &str) -> Option<&str> {
        let segments: Vec<&str> = path.split('/').collect();
        self.0.iter().find_map(|(template, allow)| {
            let matches = template.len() == segments.len()
                && template.iter().zip(&segments).all(|(t, s)| {
                    if t.starts_with('{') && t.ends_with('}') {
                        !s.is_empty()
                    } else {
                        t == s
                    }
                });
            matches.then_some(allow.as_str())
        })
    }
}

/// Every unmatched request answers a problem document rather than an empty 404: a 405 with
/// `Allow` when the path exists with other methods (TRACE, HEAD…), else a 404.
pub async fn not_found(req: HttpRequest) -> Result<actix_web::HttpResponse, AppError> {
    if let Some(allow) = req
        .app_data::<web::Data<KnownRoutes>>()
        .and_then(|routes| routes.allow(req.path()).map(str::to_string))
    {
        return Err(AppError::MethodNotAllowed(allow));
    }
    Err(AppError::NotFound(format!(
        "no route for {} {}",
        req.method(),
        req.path()
    )))
}

/// A page of a list: `{"items": [...], "next_cursor": null | "…"}`. Documented per item type by
/// the named schemas each area declares with [`page_schema!`] (`ShopPage`…), whose items
/// reference the item's schema.
#[derive(Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass it as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Declares `$name`, the documented schema of a `Page<$item>` (same fields): utoipa inlines the
/// items of a generic schema, where a named page references the item's own schema.
#[macro_export]
macro_rules! page_schema {
    ($(#[$doc:meta])* $name:ident, $item:ty) => {
        $(#[$doc])*
        #[derive(utoipa::ToSchema)]
        #[allow(dead_code)]
        pub struct $name {
            pub items: Vec<$item>,
            /// Pass it as `cursor` to get the next page; null on the last page.
            #[schema(required = true)]
            pub next_cursor: Option<String>,
        }
    };
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// Opaque cursor from the previous page's `next_cursor`.
    #[param(pattern = "^o[0-9]{1,18}$")]
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn limit(&self) -> Result<i64, AppError> {
        match self.limit {
            None => Ok(50),
            Some(l) if (1..=100).contains(&l) => Ok(l),
            Some(_) => Err(AppError::field(
                "limit",
                "out_of_range",
                "limit must be between 1 and 100",
            )),
        }
    }

    /// Cursors are offsets into a stable order, encoded so clients do not build them.
    pub fn offset(&self) -> Result<i64, AppError> {
        match &self.cursor {
            None => Ok(0),
            Some(c) => c
                .strip_prefix("o")
                .and_then(|n| n.parse::<i64>().ok())
                .filter(|n| *n >= 0)
                .ok_or_else(|| {
                    AppError::field("cursor", "invalid", "this cursor was not issued by the API")
                }),
        }
    }

    /// Wraps `limit + 1` fetched rows into a page.
    pub fn page<T>(&self, mut rows: Vec<T>) -> Result<Page<T>, AppError> {
        let limit = self.limit()? as usize;
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            Some(format!("o{}", self.offset()? + limit as i64))
        } else {
            None
        };
        Ok(Page {
            items: rows,
            next_cursor,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Line {
        quantity: u32,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Cart {
        items: Vec<Line>,
    }

    #[test]
    fn a_wrong_type_names_the_nested_field() {
        let err = parse_json::<Cart>(br#"{"items":[{"quantity":"two"}]}"#).unwrap_err();
        match err {
            AppError::Validation(errors) => assert_eq!(errors[0].field, "items[0].quantity"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_missing_field_is_named() {
        let err = parse_json::<Cart>(br#"{"items":[{}]}"#).unwrap_err();
        match err {
            AppError::Validation(errors) => {
                assert_eq!(errors[0].field, "items[0].quantity");
                assert_eq!(errors[0].code, "required");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_json_is_a_bad_request() {
        assert!(matches!(
            parse_json::<Cart>(b"{\"items\": ["),
            Err(AppError::BadRequest(_))
        ));
        assert!(matches!(
            parse_json::<Cart>(br#"{"items": []} {}"#),
            Err(AppError::BadRequest(_))
        ));
    }
}

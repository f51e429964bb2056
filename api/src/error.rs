//! The API's one error type, rendered as `application/problem+json` (RFC 9457). Validation errors
//! name each bad field; a 5xx never shows internals (they are logged and sent to Sentry).

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

pub type AppResult<T> = Result<T, AppError>;

/// One bad field of a request.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq)]
pub struct FieldError {
    /// Path of the field in the request, e.g. `items[0].quantity`.
    pub field: String,
    /// Machine-readable reason, e.g. `required`, `too_short`, `invalid`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            code: code.to_string(),
            message: message.into(),
        }
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// URI identifying the kind of problem.
    #[serde(rename = "type")]
    #[schema(example = "https://ocpizza.fr/problems/validation")]
    pub problem_type: String,
    #[schema(example = "Invalid request")]
    pub title: String,
    #[schema(example = 422)]
    pub status: u16,
    #[schema(example = "2 fields are invalid")]
    pub detail: String,
    /// Field-level errors, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(nullable = false)]
    pub errors: Vec<FieldError>,
    /// Extra machine-readable facts (e.g. the missing ingredients of a refused order).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>, nullable = false)]
    pub extra: Option<serde_json::Value>,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {detail}")]
    Conflict {
        detail: String,
        errors: Vec<FieldError>,
        extra: Option<serde_json::Value>,
    },
    #[error("locked: {detail}")]
    Locked {
        detail: String,
        retry_after_seconds: i64,
    },
    #[error("too many requests: {detail}")]
    TooManyRequests {
        detail: String,
        retry_after_seconds: i64,
    },
    #[error("payload too large")]
    PayloadTooLarge(usize),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// The path exists, not with this method: the methods it answers, for the `Allow` header.
    #[error("method not allowed (allowed: {0})")]
    MethodNotAllowed(String),
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A transaction lost against concurrent ones (deadlock, serialization failure) even after
    /// the retries of `db::transaction`: the client tries again in a moment.
    #[error("contention: {0}")]
    Contention(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> AppError {
        AppError::Validation(vec![FieldError::new(field, code, message)])
    }

    pub fn not_found(what: &str) -> AppError {
        AppError::NotFound(format!("{what} not found"))
    }

    pub fn conflict(detail: impl Into<String>) -> AppError {
        AppError::Conflict {
            detail: detail.into(),
            errors: Vec::new(),
            extra: None,
        }
    }

    pub fn internal(err: impl std::fmt::Display) -> AppError {
        AppError::Internal(err.to_string())
    }

    fn slug_and_title(&self) -> (&'static str, &'static str) {
        match self {
            AppError::Validation(_) => ("validation", "Invalid request"),
            AppError::BadRequest(_) => ("bad-request", "Bad request"),
            AppError::Unauthorized(_) => ("unauthorized", "Authentication required"),
            AppError::Forbidden(_) => ("forbidden", "Forbidden"),
            AppError::NotFound(_) => ("not-found", "Not found"),
            AppError::Conflict { .. } => ("conflict", "Conflict"),
            AppError::Locked { .. } => ("account-locked", "Account locked"),
            AppError::TooManyRequests { .. } => ("too-many-requests", "Too many requests"),
            AppError::PayloadTooLarge(_) => ("payload-too-large", "Request body too large"),
            AppError::UnsupportedMediaType => ("unsupported-media-type", "Unsupported media type"),
            AppError::MethodNotAllowed(_) => ("method-not-allowed", "Method not allowed"),
            AppError::Unavailable(_) => ("unavailable", "Service unavailable"),
            AppError::Contention(_) => ("busy", "Service busy"),
            AppError::Internal(_) => ("internal", "Internal server error"),
        }
    }

    pub fn to_problem(&self) -> Problem {
        let (slug, title) = self.slug_and_title();
        let (detail, errors, extra) = match self {
            AppError::Validation(errors) => {
                let detail = match errors.as_slice() {
                    [one] => format!("{}: {}", one.field, one.message),
                    many => format!("{} fields are invalid", many.len()),
                };
                (detail, errors.clone(), None)
            }
            AppError::BadRequest(d)
            | AppError::Unauthorized(d)
            | AppError::Forbidden(d)
            | AppError::NotFound(d) => (d.clone(), Vec::new(), None),
            AppError::Conflict {
                detail,
                errors,
                extra,
            } => (detail.clone(), errors.clone(), extra.clone()),
            AppError::Locked { detail, .. } | AppError::TooManyRequests { detail, .. } => {
                (detail.clone(), Vec::new(), None)
            }
            AppError::PayloadTooLarge(limit) => (
                format!("the request body is larger than the limit of {limit} bytes"),
                Vec::new(),
                None,
            ),
            AppError::UnsupportedMediaType => (
                "send the body as application/json".to_string(),
                Vec::new(),
                None,
            ),
            AppError::MethodNotAllowed(allow) => (
                format!("this resource answers {allow} only"),
                Vec::new(),
                None,
            ),
            // Internals stay in the logs.
            AppError::Unavailable(_) => (
                "a dependency of the service is unavailable; try again shortly".to_string(),
                Vec::new(),
                None,
            ),
            AppError::Contention(_) => (
                "too many requests changed the same data at once; try again in a moment"
                    .to_string(),
                Vec::new(),
                None,
            ),
            AppError::Internal(_) => (
                "an unexpected error happened; it has been reported".to_string(),
                Vec::new(),
                None,
            ),
        };
        Problem {
            problem_type: format!("https://ocpizza.fr/problems/{slug}"),
            title: title.to_string(),
            status: self.status_code().as_u16(),
            detail,
            errors,
            extra,
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::Locked { .. } => StatusCode::LOCKED,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Unavailable(_) | AppError::Contention(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::Internal(message) => {
                tracing::error!(error = %message, "internal error");
                sentry::capture_message(message, sentry::Level::Error);
            }
            AppError::Unavailable(message) => tracing::warn!(error = %message, "unavailable"),
            AppError::Contention(message) => tracing::warn!(error = %message, "contention"),
            // A client's mistake is one short line, not a warning: the request's span gives the
            // method and route.
            other => {
                let mut text = other.to_string();
                if text.len() > 160 {
                    let mut end = 160;
                    while !text.is_char_boundary(end) {
                        end -= 1;
                    }
                    text.truncate(end);
                    text.push('…');
                }
                tracing::info!(
                    status = other.status_code().as_u16(),
                    "client error: {text}"
                );
            }
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        match self {
            AppError::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            AppError::Locked {
                retry_after_seconds,
                ..
            }
            | AppError::TooManyRequests {
                retry_after_seconds,
                ..
            } => {
                response.insert_header((header::RETRY_AFTER, retry_after_seconds.to_string()));
            }
            AppError::MethodNotAllowed(allow) => {
                response.insert_header((header::ALLOW, allow.as_str()));
            }
            AppError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            AppError::Contention(_) => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            _ => {}
        }
        response.json(self.to_problem())
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match err {
            Error::NotFound => AppError::not_found("resource"),
            // PostgreSQL 40001 and 40P01: diesel names the first; the second is known by its
            // message (the server's messages in English, as PostgreSQL's default lc_messages).
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, info) => {
                AppError::Contention(info.message().to_string())
            }
            Error::DatabaseError(DatabaseErrorKind::Unknown, info)
                if info.message().starts_with("deadlock detected") =>
            {
                AppError::Contention(info.message().to_string())
            }
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                AppError::Unavailable(info.message().to_string())
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// A unique constraint refused a write: the value of `field` is already used. One 409 problem for
/// every area, naming the field (`taken`) so that forms can show it next to the input.
impl AppError {
    pub fn taken(field: &str, message: impl Into<String>) -> AppError {
        let message = message.into();
        AppError::Conflict {
            detail: message.clone(),
            errors: vec![FieldError::new(field, "taken", message)],
            extra: None,
        }
    }
}

/// `insert(…).get_result(conn).taken("slug", "another shop already has this slug")?`: a unique
/// violation becomes [`AppError::taken`], any other database error goes through `From`.
pub trait UniqueField<T> {
    fn taken(self, field: &str, message: impl Into<String>) -> AppResult<T>;
}

impl<T> UniqueField<T> for Result<T, diesel::result::Error> {
    fn taken(self, field: &str, message: impl Into<String>) -> AppResult<T> {
        use diesel::result::{DatabaseErrorKind, Error};
        match self {
            Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                Err(AppError::taken(field, message))
            }
            other => Ok(other?),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        AppError::Unavailable(format!("database pool: {err}"))
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        AppError::Internal(format!("blocking task: {err}"))
    }
}

/// Collects field errors while validating a request, then fails once with all of them.
#[derive(Default)]
pub struct Violations(Vec<FieldError>);

impl Violations {
    pub fn new() -> Self {
        Violations(Vec::new())
    }

    pub fn add(&mut self, field: impl Into<String>, code: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, code, message));
    }

    pub fn check(&mut self, ok: bool, field: &str, code: &str, message: &str) {
        if !ok {
            self.add(field, code, message);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many errors so far: a check can tell whether it added any.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn into_result(self) -> AppResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::{DatabaseErrorKind, Error as DieselError};

    fn violation(kind: DatabaseErrorKind) -> Result<(), DieselError> {
        Err(DieselError::DatabaseError(
            kind,
            Box::new("duplicate key value".to_string()),
        ))
    }

    #[test]
    fn a_unique_violation_is_a_409_naming_the_field() {
        let err = violation(DatabaseErrorKind::UniqueViolation)
            .taken("slug", "another shop already has this slug")
            .unwrap_err();
        let problem = err.to_problem();
        assert_eq!(problem.status, 409);
        assert_eq!(problem.detail, "another shop already has this slug");
        assert_eq!(
            problem.errors,
            vec![FieldError::new(
                "slug",
                "taken",
                "another shop already has this slug"
            )]
        );
    }

    #[test]
    fn other_database_errors_keep_their_meaning() {
        let cases = [
            (DieselError::NotFound, 404),
            (
                DieselError::DatabaseError(
                    DatabaseErrorKind::SerializationFailure,
                    Box::new("could not serialize".to_string()),
                ),
                503,
            ),
            (
                DieselError::DatabaseError(
                    DatabaseErrorKind::Unknown,
                    Box::new("deadlock detected".to_string()),
                ),
                503,
            ),
            (
                DieselError::DatabaseError(
                    DatabaseErrorKind::ForeignKeyViolation,
                    Box::new("fk".to_string()),
                ),
                500,
            ),
        ];
        for (error, status) in cases {
            let err = Err::<(), _>(error).taken("slug", "taken").unwrap_err();
            assert_eq!(err.to_problem().status, status);
            assert!(err.to_problem().errors.is_empty());
        }
        assert_eq!(Ok::<_, DieselError>(7).taken("slug", "taken").unwrap(), 7);
    }
}

//! The one error format of the server: `{"error": {"code", "message", "request_id"}}`, with a
//! stable code and an HTTP status from one table. A handler returns an [`ApiError`]; the request
//! frame (see `mod.rs`) fills in the request id and writes the body, so every failure, axum's own
//! rejections included, has the same shape. Internal errors say only that something went wrong:
//! the cause goes to the log, never into the response.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A failed request: what the client did wrong (4xx), or that the server failed (5xx).
#[derive(Clone, Debug)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

/// The error a response carries until the request frame writes it out, with the request id.
#[derive(Clone, Debug)]
pub(crate) struct PendingError(pub(crate) ApiError);

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into() }
    }

    /// 400: a parameter or field has a value that cannot be used.
    pub(crate) fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 404: the path names something the store does not hold.
    pub(crate) fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, code, message)
    }

    /// 500: the server failed. `cause` goes to the log only.
    pub(crate) fn internal(cause: impl std::fmt::Display) -> Self {
        super::log::error(&format!("internal error: {cause}"));
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server could not answer; the cause is in its log",
        )
    }

    /// The JSON body.
    pub(crate) fn body(&self, request_id: &str) -> serde_json::Value {
        serde_json::json!({
            "error": {"code": self.code, "message": self.message, "request_id": request_id}
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(PendingError(self));
        response
    }
}

impl From<listwatch_core::Error> for ApiError {
    fn from(err: listwatch_core::Error) -> Self {
        match err {
            listwatch_core::Error::Invalid(message) => {
                ApiError::invalid("invalid_parameter", message)
            }
            listwatch_core::Error::UnknownList(list) => {
                ApiError::not_found("unknown_list", format!("no list named {list} in the store"))
            }
            listwatch_core::Error::Store(listwatch_store::Error::NotFound(what)) => {
                ApiError::not_found("not_found", format!("{what} is not in the store"))
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<anyhow::Error> for ApiError {
    /// The command line's errors, reused by the native endpoints: a usage error is the client's
    /// (400), nothing-matched is 404, anything else is internal.
    fn from(err: anyhow::Error) -> Self {
        for cause in err.chain() {
            if cause.downcast_ref::<crate::failure::UsageError>().is_some() {
                return ApiError::invalid("invalid_parameter", err.to_string());
            }
            if cause.downcast_ref::<crate::failure::NoMatchError>().is_some() {
                return ApiError::not_found("not_found", err.to_string());
            }
            if let Some(listwatch_store::Error::NotFound(what)) =
                cause.downcast_ref::<listwatch_store::Error>()
            {
                return ApiError::not_found("not_found", format!("{what} is not in the store"));
            }
        }
        ApiError::internal(format!("{err:#}"))
    }
}

/// The result of a handler.
pub(crate) type ApiResult<T> = std::result::Result<T, ApiError>;

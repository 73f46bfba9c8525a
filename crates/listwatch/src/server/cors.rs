//! Cross-origin requests from browsers: off unless `serve --cors-origin ORIGIN` names the
//! origins allowed (`*` for any). An allowed origin gets `access-control-allow-origin` on every
//! answer, and its preflight (`OPTIONS` with `access-control-request-method`) is answered here,
//! before any key is asked for, as browsers send none with it. Credentials (cookies) are never
//! allowed across origins: API keys travel in headers.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::state::AppState;

/// The origin of a request when the server allows it.
fn allowed(state: &AppState, headers: &HeaderMap) -> Option<HeaderValue> {
    let origins = state.cors_origins();
    if origins.is_empty() {
        return None;
    }
    let origin = headers.get(header::ORIGIN)?;
    let text = origin.to_str().ok()?;
    if origins.iter().any(|o| o == "*") {
        return Some(HeaderValue::from_static("*"));
    }
    origins.iter().any(|o| o.eq_ignore_ascii_case(text)).then(|| origin.clone())
}

pub(crate) async fn cors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let origin = allowed(&state, request.headers());
    let preflight = request.method() == Method::OPTIONS
        && request.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if preflight && let Some(origin) = origin {
        return (
            StatusCode::NO_CONTENT,
            [
                (header::ACCESS_CONTROL_ALLOW_ORIGIN, origin),
                (header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST")),
                (
                    header::ACCESS_CONTROL_ALLOW_HEADERS,
                    HeaderValue::from_static(
                        "authorization, content-type, x-api-key, x-request-id",
                    ),
                ),
                (header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600")),
                (header::VARY, HeaderValue::from_static("origin")),
            ],
        )
            .into_response();
    }
    let mut response = next.run(request).await;
    if let Some(origin) = origin {
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("x-request-id, retry-after"),
        );
        headers.append(header::VARY, HeaderValue::from_static("origin"));
    }
    response
}

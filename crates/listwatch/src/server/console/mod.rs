//! The analysts' console under `/ui`: server-rendered HTML pages (askama templates, checked at
//! compile time, every value escaped) over the same core calls as the command line and the API.
//! Every flow is a plain form (GET to ask, POST to change), so it works without JavaScript; the
//! console ships no script at all, and its one stylesheet is served by the binary.
//!
//! - `GET /ui/screen`: screen a name (any script) with optional schema, birth date, country and
//!   identifier; ranked results with the explanation, the list versions and the matcher stamp.
//! - `GET /ui/entities/{id}`: every field, the timeline drawn as SVG (one band per list), the
//!   steps with their basis and citations, and "status on a day, known on a day".
//! - `GET /ui/lists`, `GET /ui/lists/{list}/diff` (and `diff.csv`): versions, and what changed.
//! - `GET|POST /ui/holdings`, `GET /ui/holdings/report.csv`: check a holdings file.
//! - `GET|POST /ui/events`: the legal events (the audit trail) and the form that records one.
//! - `GET /ui/alerts`, `GET /ui/alerts/{id}`, `POST /ui/alerts/{id}/decision`: monitoring.
//! - `GET|POST /ui/sign-in`, `POST /ui/sign-out`.
//!
//! Security ([`session`]): a key typed on the sign-in page becomes a session cookie (`HttpOnly`,
//! `SameSite=Strict`, a random id, the table in memory); scopes are the API's (`read` to look,
//! `screen` to screen and check holdings, `write` to record events and decisions); every form
//! carries the session's CSRF token; every page is sent with a `Content-Security-Policy` that
//! allows no script and no inline style.

pub(crate) mod alerts;
pub(crate) mod entity;
pub(crate) mod events;
pub(crate) mod holdings;
pub(crate) mod lists;
pub(crate) mod screen;
pub(crate) mod session;
pub(crate) mod signin;
pub(crate) mod timeline;

use askama::Template;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use super::auth::{self, Scope};
use super::state::AppState;
use session::Session;

/// The stylesheet, the console's only asset.
const CSS: &str = include_str!("../../../assets/console.css");

/// The policy of every console response: nothing but this server's stylesheet and images, no
/// script, no inline style, no framing, forms posted only here.
pub(crate) const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The console's routes, each behind the session gate.
pub(crate) fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/ui", get(|| async { Redirect::to("/ui/screen") }))
        .route("/ui/", get(|| async { Redirect::to("/ui/screen") }))
        .route("/ui/static/console.css", get(css))
        .route("/ui/sign-in", get(signin::form).post(signin::sign_in))
        .route("/ui/sign-out", post(signin::sign_out))
        .route("/ui/screen", get(screen::page))
        .route("/ui/entities/{id}", get(entity::page))
        .route("/ui/lists", get(lists::page))
        .route("/ui/lists/{list}/diff", get(lists::diff))
        .route("/ui/lists/{list}/diff.csv", get(lists::diff_csv))
        .route("/ui/holdings", get(holdings::page).post(holdings::check))
        .route("/ui/holdings/report.csv", get(holdings::download))
        .route("/ui/events", get(events::page).post(events::record))
        .route("/ui/alerts", get(alerts::page))
        .route("/ui/alerts/{id}", get(alerts::detail))
        .route("/ui/alerts/{id}/decision", post(alerts::decide))
        .route_layer(middleware::from_fn_with_state(state, gate))
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
        .into_response()
}

/// What every page shows around its content: who is signed in, the token of its forms, the
/// page it is.
pub(crate) struct Chrome {
    pub(crate) caller: String,
    pub(crate) csrf: String,
    pub(crate) by_key: bool,
    pub(crate) page: &'static str,
}

impl Chrome {
    pub(crate) fn new(session: &Session, page: &'static str) -> Chrome {
        Chrome {
            caller: session.caller.clone(),
            csrf: session.csrf.clone(),
            by_key: session.by_key,
            page,
        }
    }
}

/// A page that could not be shown: the status, and a message for the reader.
#[derive(Debug)]
pub(crate) struct Failure {
    status: StatusCode,
    message: String,
}

impl Failure {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Failure {
        Failure { status, message: message.into() }
    }

    pub(crate) fn bad(message: impl Into<String>) -> Failure {
        Failure::new(StatusCode::BAD_REQUEST, message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Failure {
        Failure::new(StatusCode::NOT_FOUND, message)
    }

    /// The server failed: the cause goes to the log, never to the page.
    pub(crate) fn internal(cause: impl std::fmt::Display) -> Failure {
        crate::server::log::error(&format!("console: internal error: {cause}"));
        Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The server could not answer; the cause is in its log.",
        )
    }
}

impl From<listwatch_core::Error> for Failure {
    fn from(err: listwatch_core::Error) -> Failure {
        match err {
            listwatch_core::Error::Invalid(message) => Failure::bad(message),
            listwatch_core::Error::UnknownList(list) => {
                Failure::not_found(format!("No list named {list} in the store."))
            }
            listwatch_core::Error::Store(listwatch_store::Error::NotFound(what)) => {
                Failure::not_found(format!("{what} is not in the store."))
            }
            other => Failure::internal(other),
        }
    }
}

impl From<super::error::ApiError> for Failure {
    fn from(err: super::error::ApiError) -> Failure {
        Failure::new(err.status, err.message)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    reason: &'a str,
    message: &'a str,
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let page = ErrorPage {
            status: self.status.as_u16(),
            reason: self.status.canonical_reason().unwrap_or("Error"),
            message: &self.message,
        };
        match page.render() {
            Ok(html) => (self.status, Html(html)).into_response(),
            Err(_) => self.status.into_response(),
        }
    }
}

/// The result of a page handler.
pub(crate) type PageResult = Result<Response, Failure>;

/// Renders a template into a page.
pub(crate) fn render(template: &impl Template) -> PageResult {
    template.render().map(|html| Html(html).into_response()).map_err(Failure::internal)
}

/// Refuses what the session's key does not allow.
pub(crate) fn require(session: &Session, scope: Scope) -> Result<(), Failure> {
    if session.allows(scope) {
        return Ok(());
    }
    Err(Failure::new(
        StatusCode::FORBIDDEN,
        format!(
            "The key {} does not have the scope {}, which this needs. Sign in with a key that has it.",
            session.caller,
            scope.as_str()
        ),
    ))
}

/// Refuses a form whose CSRF token is not the session's.
pub(crate) fn check_csrf(session: &Session, token: &str) -> Result<(), Failure> {
    if session.csrf_ok(token) {
        return Ok(());
    }
    Err(Failure::new(
        StatusCode::FORBIDDEN,
        "The form is stale or did not come from this console (its security token does not match your session). Reload the page and send it again.",
    ))
}

/// A date typed in a form: empty is `None`.
pub(crate) fn form_date(
    field: &str,
    value: Option<&str>,
) -> Result<Option<listwatch_model::Date>, Failure> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(text) => listwatch_model::Date::parse_iso(text)
            .map(Some)
            .map_err(|e| Failure::bad(format!("{field}: {e}"))),
    }
}

/// Runs `work` on the blocking pool.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Failure> + Send + 'static,
) -> Result<T, Failure> {
    tokio::task::spawn_blocking(work).await.map_err(Failure::internal)?
}

/// The gate of every console request: finds the session (or, without a key file, starts one for
/// a loopback client), sends a visitor without one to the sign-in page, and sets the security
/// headers on every response.
async fn gate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let open = path == "/ui/sign-in" || path.starts_with("/ui/static/");
    let mut new_session = None;
    let mut response = if state.keys().is_none() && !auth::from_loopback(&request) {
        Failure::new(
            StatusCode::FORBIDDEN,
            "This server has no key file, so it answers loopback clients only.",
        )
        .into_response()
    } else {
        let found = session::cookie(request.headers()).and_then(|id| state.sessions().get(&id));
        let found = match found {
            Some(found) => Some(found),
            None if state.keys().is_none() && !path.starts_with("/ui/static/") => {
                let started =
                    state.sessions().start("loopback".to_string(), vec![Scope::Admin], false);
                new_session = Some(started.id.clone());
                Some(started)
            }
            None => None,
        };
        match found {
            Some(found) => {
                request.extensions_mut().insert(found);
                next.run(request).await
            }
            None if open => next.run(request).await,
            None => Redirect::to("/ui/sign-in").into_response(),
        }
    };
    let headers = response.headers_mut();
    if let Some(id) = new_session
        && !headers.contains_key(header::SET_COOKIE)
        && let Ok(value) = HeaderValue::from_str(&session::set_cookie(Some(&id)))
    {
        headers.insert(header::SET_COOKIE, value);
    }
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if !path.starts_with("/ui/static/") {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[cfg(test)]
mod tests;

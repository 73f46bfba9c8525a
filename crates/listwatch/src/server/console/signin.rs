//! Signing in with an API key, and out.

use askama::Template;
use axum::Extension;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::session::{self, SIGN_IN_COOKIE, Session};
use super::{Failure, PageResult, check_csrf};
use crate::server::state::AppState;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    token: String,
    message: Option<String>,
}

/// The sign-in form, with a fresh token in the form and in a cookie.
fn sign_in_page(status: StatusCode, message: Option<String>) -> PageResult {
    let token = session::token();
    let page = SignInPage { token: token.clone(), message };
    let html = page.render().map_err(Failure::internal)?;
    let cookie = format!("{SIGN_IN_COOKIE}={token}; Path=/ui/sign-in; HttpOnly; SameSite=Strict");
    let mut response = (status, axum::response::Html(html)).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// `GET /ui/sign-in`: the form; without a key file there is nothing to sign in to.
pub(crate) async fn form(State(state): State<AppState>) -> PageResult {
    if state.keys().is_none() {
        return Ok(Redirect::to("/ui/screen").into_response());
    }
    sign_in_page(StatusCode::OK, None)
}

#[derive(Deserialize)]
pub(crate) struct SignInForm {
    key: String,
    token: String,
}

/// `POST /ui/sign-in`: a valid key starts a new session (a new id: a session id known before
/// signing in is never promoted).
pub(crate) async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> PageResult {
    let Some(keys) = state.keys() else {
        return Ok(Redirect::to("/ui/screen").into_response());
    };
    let expected = session::cookie_named(&headers, SIGN_IN_COOKIE);
    let token_ok = expected.as_deref().is_some_and(|t| {
        t.len() == form.token.len()
            && t.bytes().zip(form.token.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    });
    if !token_ok {
        return sign_in_page(
            StatusCode::FORBIDDEN,
            Some(
                "The form is stale (its security token does not match); please sign in again."
                    .into(),
            ),
        );
    }
    let Some((name, scopes)) = keys.authenticate(form.key.trim()) else {
        return sign_in_page(StatusCode::UNAUTHORIZED, Some("That key is not valid.".into()));
    };
    if let Some(old) = session::cookie(&headers) {
        state.sessions().end(&old);
    }
    let started = state.sessions().start(name, scopes, true);
    let mut response = Redirect::to("/ui/screen").into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&session::set_cookie(Some(&started.id))) {
        headers.append(header::SET_COOKIE, value);
    }
    let clear =
        format!("{SIGN_IN_COOKIE}=; Path=/ui/sign-in; HttpOnly; SameSite=Strict; Max-Age=0");
    if let Ok(value) = HeaderValue::from_str(&clear) {
        headers.append(header::SET_COOKIE, value);
    }
    Ok(response)
}

#[derive(Deserialize)]
pub(crate) struct SignOutForm {
    csrf: String,
}

/// `POST /ui/sign-out`: ends the session and removes its cookie.
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(form): Form<SignOutForm>,
) -> Result<Response, Failure> {
    check_csrf(&session, &form.csrf)?;
    state.sessions().end(&session.id);
    let target = if state.keys().is_some() { "/ui/sign-in" } else { "/ui/screen" };
    let mut response = Redirect::to(target).into_response();
    if let Ok(value) = HeaderValue::from_str(&session::set_cookie(None)) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

//! API keys and scopes.
//!
//! The key file has one key per line: `<sha256 of the key, lowercase hex> <name> <scopes>
//! [rate=N]`, scopes comma-separated among `read`, `screen`, `write`, `admin` (`admin` grants
//! every scope), and an optional rate in requests per second that overrides `serve
//! --rate-limit` for that key.
//! Blank lines and lines starting with `#` are skipped. Only hashes are kept, in the file and in
//! memory. A client sends its key as `Authorization: ApiKey <key>` (as OpenSanctions' clients
//! do), `Authorization: Bearer <key>`, or `X-API-Key: <key>`.
//!
//! Without a key file the server accepts loopback clients only, whatever they send.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::error::ApiError;
use super::state::AppState;

/// What a key allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Look things up: search, entities, catalog, lists, status.
    Read,
    /// Screen: match, screen, portfolio checks.
    Screen,
    /// Change the store: decisions on alerts, and the console's legal events and decisions.
    Write,
    /// Everything, and the audit log.
    Admin,
}

impl Scope {
    fn parse(text: &str) -> Option<Scope> {
        Some(match text.trim() {
            "read" => Scope::Read,
            "screen" => Scope::Screen,
            "write" => Scope::Write,
            "admin" => Scope::Admin,
            _ => return None,
        })
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Screen => "screen",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }
}

/// One key of the file: its hash, its name (for logs and the audit) and its scopes.
#[derive(Clone, Debug)]
pub(crate) struct Key {
    hash: [u8; 32],
    pub(crate) name: String,
    scopes: Vec<Scope>,
    /// Requests per second, if the file sets one for this key.
    rate: Option<u32>,
}

/// The keys of a key file.
#[derive(Clone, Debug, Default)]
pub(crate) struct Keys(Vec<Key>);

/// Who is calling: the key's name, or `loopback` without a key file.
#[derive(Clone, Debug)]
pub(crate) struct Caller(pub(crate) String);

impl Keys {
    /// Parses a key file; a bad line is an error naming its number (never quoting a hash).
    pub(crate) fn parse(text: &str) -> Result<Keys, String> {
        let mut keys = Vec::new();
        for (idx, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let n = idx + 1;
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (hash, name, scopes, rate) = match fields.as_slice() {
                [hash, name, scopes] => (hash, name, scopes, None),
                [hash, name, scopes, rate] => (hash, name, scopes, Some(*rate)),
                _ => {
                    return Err(format!(
                        "line {n}: expected `<sha256 hex> <name> <scopes> [rate=N]`, found {} fields",
                        fields.len()
                    ));
                }
            };
            let rate = rate
                .map(|field| {
                    field
                        .strip_prefix("rate=")
                        .and_then(|n| n.parse::<u32>().ok())
                        .filter(|n| *n > 0)
                        .ok_or_else(|| {
                            format!(
                                "line {n}: expected `rate=N` (requests per second, at least 1), found {:?}",
                                crate::input::excerpt(field, 20)
                            )
                        })
                })
                .transpose()?;
            let hash = parse_hex(hash)
                .ok_or_else(|| format!("line {n}: the key hash is not 64 hexadecimal digits"))?;
            let scopes = scopes
                .split(',')
                .map(|s| {
                    Scope::parse(s).ok_or_else(|| {
                        format!(
                            "line {n}: scope {:?} is not one of read, screen, write, admin",
                            crate::input::excerpt(s, 20)
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            keys.push(Key { hash, name: name.to_string(), scopes, rate });
        }
        if keys.is_empty() {
            return Err("it holds no key".to_string());
        }
        Ok(Keys(keys))
    }

    /// The name and scopes of the key `presented`, if it is one of the file's (the console's
    /// sign-in).
    pub(crate) fn authenticate(&self, presented: &str) -> Option<(String, Vec<Scope>)> {
        self.find(presented).map(|k| (k.name.clone(), k.scopes.clone()))
    }

    /// The key whose hash is the hash of `presented`.
    fn find(&self, presented: &str) -> Option<&Key> {
        let hash: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        self.0.iter().find(|k| k.hash == hash)
    }
}

/// The SHA-256 of a key in lowercase hex, as the key file holds it.
pub(crate) fn hash_key(key: &str) -> String {
    Sha256::digest(key.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_hex(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// The key a request presents, if any.
fn presented(headers: &HeaderMap) -> Option<String> {
    if let Some(value) = headers.get("x-api-key").and_then(|v| v.to_str().ok()) {
        return Some(value.trim().to_string());
    }
    let auth = headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, key) = auth.split_once(' ')?;
    ["apikey", "bearer"]
        .contains(&scheme.to_ascii_lowercase().as_str())
        .then(|| key.trim().to_string())
}

/// Lets a request through when its key has `scope` (or, without a key file, when it comes from
/// a loopback address); records the caller in the request's extensions.
pub(crate) async fn authorize(
    State((state, scope)): State<(AppState, Scope)>,
    mut request: Request,
    next: Next,
) -> Response {
    match check(&state, scope, &request) {
        Ok((caller, rate)) => {
            if let Some(per_second) = rate.or(state.limits().rate_per_key)
                && let Err(wait) = state.rate_limiter().take(&caller.0, per_second, Instant::now())
            {
                let mut response = ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    format!("the key {} is limited to {per_second} requests a second", caller.0),
                )
                .into_response();
                let seconds = wait.as_secs_f64().ceil().max(1.0);
                response.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from(seconds as u64),
                );
                return response;
            }
            request.extensions_mut().insert(caller.clone());
            let mut response = next.run(request).await;
            response.extensions_mut().insert(caller);
            response
        }
        Err(err) => err.into_response(),
    }
}

/// Whether the request comes from a loopback address, as the listener saw it (in-process tests
/// set the peer with `MockConnectInfo`).
pub(crate) fn from_loopback(request: &Request) -> bool {
    let extensions = request.extensions();
    let peer = extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0).or_else(|| {
        extensions.get::<axum::extract::connect_info::MockConnectInfo<SocketAddr>>().map(|c| c.0)
    });
    peer.is_some_and(|addr| addr.ip().is_loopback())
}

/// The caller, and its own rate if its key sets one.
fn check(
    state: &AppState,
    scope: Scope,
    request: &Request,
) -> Result<(Caller, Option<u32>), ApiError> {
    let Some(keys) = state.keys() else {
        return match from_loopback(request) {
            true => Ok((Caller("loopback".to_string()), None)),
            false => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "loopback_only",
                "this server has no key file, so it answers loopback clients only",
            )),
        };
    };
    let Some(key) = presented(request.headers()) else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "missing_key",
            "send an API key: `Authorization: ApiKey <key>`",
        ));
    };
    let Some(found) = keys.find(&key) else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_key",
            "the API key is not valid",
        ));
    };
    if !found.scopes.iter().any(|s| *s == scope || *s == Scope::Admin) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden_scope",
            format!("the key {} does not have the scope {}", found.name, scope.as_str()),
        ));
    }
    Ok((Caller(found.name.clone()), found.rate))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_keeps_hashes_names_and_scopes() {
        let text = format!("# keys\n\n{} ci read,screen\n", hash_key("secret"));
        let keys = Keys::parse(&text).unwrap();
        let key = keys.find("secret").unwrap();
        assert_eq!(
            (key.name.as_str(), key.scopes.as_slice()),
            ("ci", &[Scope::Read, Scope::Screen][..])
        );
        assert!(keys.find("other").is_none());
    }

    #[test]
    fn a_bad_key_file_line_is_named_without_its_content() {
        assert_eq!(
            Keys::parse("abc ci read").unwrap_err(),
            "line 1: the key hash is not 64 hexadecimal digits"
        );
        let err = Keys::parse(&format!("{} ci fly", hash_key("k"))).unwrap_err();
        assert!(err.starts_with("line 1: scope \"fly\""), "{err}");
        assert_eq!(Keys::parse("# nothing\n").unwrap_err(), "it holds no key");
        let err = Keys::parse(&format!("{} ci read rate=fast", hash_key("k"))).unwrap_err();
        assert!(err.starts_with("line 1: expected `rate=N`"), "{err}");
        let keys = Keys::parse(&format!("{} ci read rate=20", hash_key("k"))).unwrap();
        assert_eq!(keys.find("k").unwrap().rate, Some(20));
    }
}

//! The console's sessions: an API key typed once on the sign-in page becomes a session, kept in
//! memory and named by a random id in an `HttpOnly`, `SameSite=Strict` cookie. Each session has
//! its own random CSRF token, which every form carries and every POST must send back.
//!
//! Without a key file the console, like the API, answers loopback clients only, and a loopback
//! client gets a session with every scope without signing in. A session ends on sign-out, after
//! [`IDLE`] without a request, or when the table is full and it is the least recently used.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::server::auth::Scope;

/// The cookie that carries the session id.
pub(crate) const COOKIE: &str = "listwatch_session";

/// How long a session lives without a request.
pub(crate) const IDLE: Duration = Duration::from_secs(8 * 3600);

/// The most sessions kept; signing in with a full table ends the least recently used one, so a
/// flood of anonymous visits costs bounded memory.
pub(crate) const MAX_SESSIONS: usize = 10_000;

/// Who a session is, what it may do, and its CSRF token.
#[derive(Clone, Debug)]
pub(crate) struct Session {
    /// The session id (the cookie's value).
    pub(crate) id: String,
    /// The key's name (`loopback` without a key file).
    pub(crate) caller: String,
    /// The scopes of the key.
    pub(crate) scopes: Vec<Scope>,
    /// The token every form of this session carries.
    pub(crate) csrf: String,
    /// Whether the session came from a key typed on the sign-in page (so signing out means
    /// something).
    pub(crate) by_key: bool,
}

impl Session {
    /// Whether the session may do what `scope` allows (`admin` allows everything).
    pub(crate) fn allows(&self, scope: Scope) -> bool {
        self.scopes.iter().any(|s| *s == scope || *s == Scope::Admin)
    }

    /// Whether `token` is this session's CSRF token (compared in constant time).
    pub(crate) fn csrf_ok(&self, token: &str) -> bool {
        let (a, b) = (self.csrf.as_bytes(), token.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

struct Slot {
    session: Session,
    last_seen: Instant,
    /// The last holdings report of this session, for its download link.
    report: Option<std::sync::Arc<super::holdings::Checked>>,
}

/// The session table.
#[derive(Default)]
pub(crate) struct Sessions {
    slots: Mutex<HashMap<String, Slot>>,
}

/// 32 random bytes from the operating system, in hex.
pub(crate) fn token() -> String {
    let mut bytes = [0u8; 32];
    // The operating system's generator does not fail on the platforms we build for; if it did,
    // a session must not get a predictable id, so the request fails instead.
    getrandom::fill(&mut bytes).expect("the operating system's random number generator works");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Slot>> {
        match self.slots.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Starts a session for `caller` with `scopes`.
    pub(crate) fn start(&self, caller: String, scopes: Vec<Scope>, by_key: bool) -> Session {
        let session = Session { id: token(), caller, scopes, csrf: token(), by_key };
        let mut slots = self.lock();
        let now = Instant::now();
        slots.retain(|_, slot| now.duration_since(slot.last_seen) < IDLE);
        if slots.len() >= MAX_SESSIONS
            && let Some(oldest) =
                slots.iter().min_by_key(|(_, slot)| slot.last_seen).map(|(id, _)| id.clone())
        {
            slots.remove(&oldest);
        }
        slots.insert(
            session.id.clone(),
            Slot { session: session.clone(), last_seen: now, report: None },
        );
        session
    }

    /// The live session `id` names, seen now.
    pub(crate) fn get(&self, id: &str) -> Option<Session> {
        let mut slots = self.lock();
        let now = Instant::now();
        let slot = slots.get_mut(id)?;
        if now.duration_since(slot.last_seen) >= IDLE {
            slots.remove(id);
            return None;
        }
        slot.last_seen = now;
        Some(slot.session.clone())
    }

    /// Ends the session `id`.
    pub(crate) fn end(&self, id: &str) {
        self.lock().remove(id);
    }

    /// Keeps `report` as the session's last holdings report.
    pub(crate) fn keep_report(&self, id: &str, report: std::sync::Arc<super::holdings::Checked>) {
        if let Some(slot) = self.lock().get_mut(id) {
            slot.report = Some(report);
        }
    }

    /// The session's last holdings report.
    pub(crate) fn report(&self, id: &str) -> Option<std::sync::Arc<super::holdings::Checked>> {
        self.lock().get(id).and_then(|slot| slot.report.clone())
    }
}

/// The session id a request's `Cookie` header carries.
pub(crate) fn cookie(headers: &axum::http::HeaderMap) -> Option<String> {
    cookie_named(headers, COOKIE)
}

/// The cookie of the sign-in form's token: a sign-in is sent back with the same token in the form
/// and in this cookie (a double-submit token, since there is no session yet).
pub(crate) const SIGN_IN_COOKIE: &str = "listwatch_sign_in";

/// The value of a cookie named `name` in a request's `Cookie` header, if it is a token.
pub(crate) fn cookie_named(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.trim().to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The `Set-Cookie` value that hands out session `id` (or, with `None`, removes the cookie).
pub(crate) fn set_cookie(id: Option<&str>) -> String {
    match id {
        Some(id) => format!("{COOKIE}={id}; Path=/ui; HttpOnly; SameSite=Strict"),
        None => format!("{COOKIE}=; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=0"),
    }
}

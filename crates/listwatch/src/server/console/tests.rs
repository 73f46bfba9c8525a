//! In-process tests of the console: sessions, sign-in, CSRF, scopes, security headers, escaping,
//! and a legal event recorded through the form changing the status the entity page answers.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use tower::ServiceExt;

use listwatch_core::Snapshot;
use listwatch_matcher::MatcherConfig;
use listwatch_store::Store;

use crate::server::auth::{Keys, hash_key};
use crate::server::state::{AppState, Limits};
use crate::server::tests::{entities, import};

struct App {
    _dir: tempfile::TempDir,
    router: axum::Router,
}

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

impl Page {
    fn header(&self, name: header::HeaderName) -> Vec<&str> {
        self.headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect()
    }

    /// The value of the first cookie `name` this answer sets.
    fn cookie(&self, name: &str) -> Option<String> {
        self.header(header::SET_COOKIE)
            .into_iter()
            .filter_map(|c| c.split(';').next()?.split_once('='))
            .find(|(n, v)| *n == name && !v.is_empty())
            .map(|(_, v)| v.to_string())
    }

    /// The value of the hidden input `name` of the page.
    fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.text.find(&marker).unwrap_or_else(|| panic!("no {name}: {}", self.text))
            + marker.len();
        self.text[start..].split('"').next().unwrap().to_string()
    }
}

/// An alert of a watch of customers, as monitoring stores them.
fn alert() -> listwatch_model::Alert {
    listwatch_model::Alert {
        id: "a-0123456789abcdef".to_string(),
        kind: listwatch_model::AlertKind::Hit,
        watch: "customers".to_string(),
        watch_version: 1,
        item: "c1".to_string(),
        item_label: "Golden Crane Holdings Ltd".to_string(),
        entity: Some("demo:10".to_string()),
        entity_name: Some("Golden Crane Holdings".to_string()),
        change: "added in demo version 2".to_string(),
        sources: vec!["demo@2".to_string()],
        score: Some(0.97),
        explanation: vec!["golden = golden".to_string()],
        day: listwatch_model::Date::parse_iso("2024-02-01").unwrap(),
        created_at: "2024-02-02T00:00:00Z".to_string(),
        item_material: None,
        entity_material: None,
        verdict: None,
    }
}

fn app(keys: Option<Keys>, peer: &str) -> App {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lw.redb");
    let store = Store::open(&db).unwrap();
    import(&store, "2024-01-01", entities(&[]));
    import(&store, "2024-02-01", entities(&["Golden Crane Holdings"]));
    store.add_alerts(vec![alert()]).unwrap();
    drop(store);
    let store = Store::open_read_only(&db).unwrap();
    let config = MatcherConfig::default();
    let regimes = listwatch_status::Regimes::builtin();
    let snapshot = Snapshot::build(Arc::new(store), regimes.clone(), &config).unwrap();
    let audit = crate::audit::AuditLog::beside(&db);
    let state = AppState::new(snapshot, keys, Limits::default(), config, true, Some(audit))
        .with_ctx(crate::cli::Ctx::for_tests(db, regimes));
    let peer: SocketAddr = peer.parse().unwrap();
    let router = crate::server::router(state).layer(MockConnectInfo(peer));
    App { _dir: dir, router }
}

impl App {
    async fn send(&self, request: Request<Body>) -> Page {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        Page { status, headers, text: String::from_utf8_lossy(&bytes).into_owned() }
    }

    async fn get(&self, uri: &str, cookie: &str) -> Page {
        self.send(Request::get(uri).header(header::COOKIE, cookie).body(Body::empty()).unwrap())
            .await
    }

    async fn post(&self, uri: &str, cookie: &str, form: &[(&str, &str)]) -> Page {
        let body: String =
            form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        self.send(
            Request::post(uri)
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }
}

const PAGES: &[&str] = &[
    "/ui/screen",
    "/ui/screen?name=Ivan+Petrov",
    "/ui/entities/demo:1?as_of=2024-03-01",
    "/ui/lists",
    "/ui/lists/demo/diff?from=1&to=2",
    "/ui/holdings",
    "/ui/events",
    "/ui/alerts",
];

#[tokio::test]
async fn every_page_is_served_to_loopback_with_a_session_and_a_strict_policy() {
    let app = app(None, "127.0.0.1:5000");
    let first = app.get("/ui/screen", "").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let cookie = first.header(header::SET_COOKIE).join("");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let session = format!("listwatch_session={}", first.cookie("listwatch_session").unwrap());
    for uri in PAGES {
        let page = app.get(uri, &session).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}: {}", page.text);
        let policy = page.header(header::CONTENT_SECURITY_POLICY).join("");
        assert!(
            policy.contains("default-src 'none'") && !policy.contains("unsafe-inline"),
            "{policy}"
        );
        assert!(!page.text.contains("<script") && !page.text.contains("style="), "{uri}");
        assert!(page.header(header::SET_COOKIE).is_empty(), "{uri}: a second session");
    }
    let diff = app.get("/ui/lists/demo/diff.csv?from=1&to=2", &session).await;
    assert!(
        diff.text.starts_with("change,entity_id,name,programs,field,before,after"),
        "{}",
        diff.text
    );
    assert!(diff.text.contains("added,demo:10,Golden Crane Holdings"), "{}", diff.text);
}

#[tokio::test]
async fn without_a_key_file_a_remote_client_is_refused() {
    let app = app(None, "192.0.2.7:5000");
    let page = app.get("/ui/screen", "").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.header(header::SET_COOKIE).is_empty());
}

#[tokio::test]
async fn values_are_escaped_by_the_templates() {
    let app = app(None, "127.0.0.1:5000");
    let page = app.get("/ui/screen?name=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains("&#60;script&#62;") || page.text.contains("&lt;script&gt;"),
        "{}",
        page.text
    );
    assert!(!page.text.contains("<script>alert"));
}

#[tokio::test]
async fn a_key_signs_in_its_scopes_hold_and_signing_out_ends_the_session() {
    let keys = Keys::parse(&format!(
        "{} reader read,screen\n{} clerk read,write\n",
        hash_key("reader-key"),
        hash_key("clerk-key")
    ))
    .unwrap();
    let app = app(Some(keys), "192.0.2.7:5000");
    // Without a session every page sends the visitor to the sign-in page.
    let page = app.get("/ui/screen", "").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.header(header::LOCATION), ["/ui/sign-in"]);
    // The sign-in form's token must come back in the form and its cookie.
    let form = app.get("/ui/sign-in", "").await;
    let token = form.hidden("token");
    let token_cookie = format!("listwatch_sign_in={}", form.cookie("listwatch_sign_in").unwrap());
    let forged = app.post("/ui/sign-in", "", &[("key", "reader-key"), ("token", &token)]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let wrong = app.post("/ui/sign-in", &token_cookie, &[("key", "nope"), ("token", &token)]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let signed =
        app.post("/ui/sign-in", &token_cookie, &[("key", "reader-key"), ("token", &token)]).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.text);
    let session = format!("listwatch_session={}", signed.cookie("listwatch_session").unwrap());
    let screen = app.get("/ui/events", &session).await;
    assert_eq!(screen.status, StatusCode::OK);
    assert!(screen.text.contains("reader"));
    let csrf = screen.hidden("csrf");
    let event = [
        ("entity", "demo:2"),
        ("kind", "injunction"),
        ("date", "2024-02-10"),
        ("citation", "Case 1"),
    ];
    // A write without the CSRF token is refused; with it, the missing scope refuses it.
    let no_token = app.post("/ui/events", &session, &event).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    assert!(no_token.text.contains("security token"), "{}", no_token.text);
    let mut with_token = event.to_vec();
    with_token.push(("csrf", &csrf));
    let refused = app.post("/ui/events", &session, &with_token).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.text.contains("does not have the scope write"), "{}", refused.text);
    // Signing out ends the session on the server.
    let out = app.post("/ui/sign-out", &session, &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(out.header(header::SET_COOKIE).join("").contains("Max-Age=0"));
    let after = app.get("/ui/screen", &session).await;
    assert_eq!(after.header(header::LOCATION), ["/ui/sign-in"]);
}

#[tokio::test]
async fn an_event_recorded_through_the_form_changes_the_status() {
    let app = app(None, "127.0.0.1:5000");
    let first = app.get("/ui/entities/demo:2?as_of=2024-03-01", "").await;
    assert!(first.text.contains("id=\"overall-state\">restricted<"), "{}", first.text);
    let session = format!("listwatch_session={}", first.cookie("listwatch_session").unwrap());
    let csrf = first.hidden("csrf");
    let bad = [
        ("csrf", csrf.as_str()),
        ("entity", "demo:2"),
        ("kind", "injunction"),
        ("date", "2024-13-01"),
        ("citation", "x"),
    ];
    let refused = app.post("/ui/events", &session, &bad).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.text.contains("date"), "{}", refused.text);
    let form = [
        ("csrf", csrf.as_str()),
        ("entity", "demo:2"),
        ("kind", "injunction"),
        ("date", "2024-02-10"),
        ("citation", "Oceanic v. Treasury, No. 1"),
    ];
    let recorded = app.post("/ui/events", &session, &form).await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.text);
    let target = recorded.header(header::LOCATION)[0].to_string();
    assert_eq!(target, "/ui/entities/demo%3A2?as_of=2024-02-10");
    let after = app.get("/ui/entities/demo:2?as_of=2024-03-01", &session).await;
    assert!(after.text.contains("id=\"overall-state\">suspended<"), "{}", after.text);
    assert!(after.text.contains("Oceanic v. Treasury, No. 1"));
}

#[tokio::test]
async fn an_alert_is_decided_through_its_form_and_leaves_the_queue() {
    let app = app(None, "127.0.0.1:5000");
    let queue = app.get("/ui/alerts", "").await;
    assert!(queue.text.contains("a-0123456789abcdef"), "{}", queue.text);
    let session = format!("listwatch_session={}", queue.cookie("listwatch_session").unwrap());
    let detail = app.get("/ui/alerts/a-0123456789abcdef", &session).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert!(detail.text.contains("added in demo version 2") && detail.text.contains("demo@2"));
    let csrf = detail.hidden("csrf");
    let form =
        [("csrf", csrf.as_str()), ("decision", "false-positive"), ("reason", "another company")];
    let decided = app.post("/ui/alerts/a-0123456789abcdef/decision", &session, &form).await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.text);
    let after = app.get("/ui/alerts/a-0123456789abcdef", &session).await;
    assert!(
        after.text.contains("closed (false-positive)") && after.text.contains("another company")
    );
    assert!(!app.get("/ui/alerts", &session).await.text.contains("a-0123456789abcdef"));
    let closed = app.get("/ui/alerts?state=closed", &session).await;
    assert!(closed.text.contains("a-0123456789abcdef"));
}

//! In-process tests of the router: every endpoint, every malformed request, keys and scopes, and
//! the yente shapes a client reads. Each test gets a fresh store ([`spawn_app`]).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Method, Request, StatusCode};
use tower::ServiceExt;

use listwatch_core::Snapshot;
use listwatch_matcher::MatcherConfig;
use listwatch_model::{
    Coverage, Date, Entity, IdKind, Identifier, ListName, Name, NameKind, Schema,
};
use listwatch_store::{Guard, NewVersion, Store};

use super::auth::{Keys, hash_key};
use super::state::{AppState, Limits};

fn identifier(kind: IdKind, value: &str) -> Identifier {
    Identifier {
        kind,
        value: value.to_string(),
        country: None,
        currency: None,
        label: kind.as_str().to_string(),
        details: None,
    }
}

/// The entities of the test list: a person, a company with an ISIN, a vessel.
pub(crate) fn entities(extra: &[&str]) -> Vec<Entity> {
    let mut person = Entity::new("1", Schema::Person, "PETROV, Ivan Sergeyevich");
    person.names.push(Name { value: "Ivan Petrov".into(), kind: NameKind::Aka, remark: None });
    person.birth_dates.push(listwatch_model::DateSpec::parse_loose("1961-03-05").unwrap());
    person.nationalities.push("RU".into());
    person.programs.push("RUSSIA-EO14024".into());
    let mut company = Entity::new("2", Schema::Company, "Oceanic Shipping Trading LLC");
    company.identifiers.push(identifier(IdKind::Isin, "US0378331005"));
    company.programs.push("SDGT".into());
    let mut vessel = Entity::new("3", Schema::Vessel, "SEA PHANTOM");
    vessel.identifiers.push(identifier(IdKind::Imo, "9187629"));
    let mut all = vec![person, company, vessel];
    for (i, name) in extra.iter().enumerate() {
        all.push(Entity::new(format!("{}", 10 + i), Schema::Organization, *name));
    }
    all
}

/// Imports a version of the list `demo` published on `day`.
pub(crate) fn import(store: &Store, day: &str, entities: Vec<Entity>) {
    let version = NewVersion {
        list: ListName::parse("demo").unwrap(),
        format: "test".to_string(),
        source: "test".to_string(),
        published: Date::parse_iso(day).unwrap(),
        imported_at: "2026-01-01T00:00:00Z".to_string(),
        files: Vec::new(),
        entities,
        coverage: Coverage::FULL,
        remark_items: 0,
        remark_items_typed: 0,
        diagnostics: Vec::new(),
    };
    store.import(version, &Guard::default(), &mut |_| {}).unwrap();
}

/// A test server: a fresh store with two versions of `demo`, and its router.
pub(crate) struct TestApp {
    _dir: tempfile::TempDir,
    pub(crate) state: AppState,
    router: axum::Router,
}

pub(crate) fn spawn_app(keys: Option<Keys>, peer: &str) -> TestApp {
    spawn_app_with(keys, peer, Vec::new())
}

/// A test server that allows browsers on `cors` origins.
pub(crate) fn spawn_app_with(keys: Option<Keys>, peer: &str, cors: Vec<String>) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("lw.redb")).unwrap();
    import(&store, "2024-01-01", entities(&[]));
    import(&store, "2024-02-01", entities(&["Golden Crane Holdings"]));
    let config = MatcherConfig::default();
    let snapshot =
        Snapshot::build(Arc::new(store), listwatch_status::Regimes::builtin(), &config).unwrap();
    let limits = Limits { max_body: 64 * 1024, max_queries: 3, ..Limits::default() };
    let audit = crate::audit::AuditLog::beside(&dir.path().join("lw.redb"));
    let state = AppState::new(snapshot, keys, limits, config, true, Some(audit)).with_cors(cors);
    let peer: SocketAddr = peer.parse().unwrap();
    let router = super::router(state.clone()).layer(MockConnectInfo(peer));
    TestApp { _dir: dir, state, router }
}

fn app() -> TestApp {
    spawn_app(None, "127.0.0.1:5000")
}

/// The answer to one request: status, headers, body as JSON (or `null`) and as text.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) request_id: Option<String>,
    pub(crate) json: serde_json::Value,
    pub(crate) text: String,
}

impl TestApp {
    pub(crate) async fn send(&self, request: Request<Body>) -> Answer {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let request_id =
            response.headers().get("x-request-id").map(|v| v.to_str().unwrap().to_string());
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        Answer { status, request_id, json, text }
    }

    pub(crate) async fn get(&self, uri: &str) -> Answer {
        self.send(Request::get(uri).body(Body::empty()).unwrap()).await
    }

    pub(crate) async fn post(&self, uri: &str, body: impl Into<Body>) -> Answer {
        self.send(Request::post(uri).body(body.into()).unwrap()).await
    }
}

/// Checks that an answer is an error in the one format, with the status and code given.
#[track_caller]
fn check_error(answer: &Answer, status: StatusCode, code: &str) {
    assert_eq!(answer.status, status, "{}", answer.text);
    let error = &answer.json["error"];
    assert_eq!(error["code"], code, "{}", answer.text);
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", answer.text);
    assert_eq!(error["request_id"].as_str(), answer.request_id.as_deref(), "{}", answer.text);
    for leak in ["/work", "/tmp", "src/", ".rs:", "panicked", "RUST_BACKTRACE"] {
        assert!(!answer.text.contains(leak), "the error shows {leak}: {}", answer.text);
    }
}

fn match_body(name: &str) -> String {
    serde_json::json!({
        "queries": {"q1": {"schema": "Person", "properties": {"name": [name], "birthDate": ["1961"], "nationality": ["ru"]}}}
    })
    .to_string()
}

#[tokio::test]
async fn health_and_readiness_answer_with_a_request_id() {
    let app = app();
    let health = app.get("/healthz").await;
    assert_eq!((health.status, &health.json["status"]), (StatusCode::OK, &serde_json::json!("ok")));
    assert!(health.request_id.is_some());
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.json["snapshot"]["entities"], 4);
    assert_eq!(ready.json["snapshot"]["lists"][0]["version"], 2);
}

#[tokio::test]
async fn a_client_request_id_is_kept_and_a_strange_one_replaced() {
    let app = app();
    let mine = app
        .send(
            Request::get("/healthz").header("x-request-id", "abc-123").body(Body::empty()).unwrap(),
        )
        .await;
    assert_eq!(mine.request_id.as_deref(), Some("abc-123"));
    let strange = app
        .send(
            Request::get("/healthz").header("x-request-id", "a b\"c").body(Body::empty()).unwrap(),
        )
        .await;
    assert_ne!(strange.request_id.as_deref(), Some("a b\"c"));
}

#[tokio::test]
async fn match_answers_in_yentes_shape() {
    let app = app();
    let answer =
        app.post("/match/default?limit=2&algorithm=logic-v1", match_body("Ivan Petrov")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let response = &answer.json["responses"]["q1"];
    assert_eq!(response["status"], 200);
    assert_eq!(response["query"]["schema"], "Person");
    assert_eq!(response["query"]["properties"]["name"][0], "Ivan Petrov");
    let total = &response["total"];
    assert_eq!(total["relation"], "eq");
    let results = response["results"].as_array().unwrap();
    assert_eq!(total["value"], results.len());
    let top = &results[0];
    assert_eq!(top["id"], "demo:1");
    assert_eq!(top["caption"], "PETROV, Ivan Sergeyevich");
    assert_eq!(top["schema"], "Person");
    assert_eq!(top["datasets"], serde_json::json!(["demo"]));
    assert_eq!(top["target"], true);
    assert_eq!(top["match"], true);
    assert!(top["score"].as_f64().unwrap() > 0.7);
    assert_eq!(top["properties"]["birthDate"], serde_json::json!(["1961-03-05"]));
    assert_eq!(top["properties"]["alias"], serde_json::json!(["Ivan Petrov"]));
    assert!(top["features"]["name_score"].as_f64().is_some());
    assert!(top["explanations"]["name"]["tokens"].is_array());
    for field in ["referents", "first_seen", "last_seen", "last_change"] {
        assert!(top.get(field).is_some(), "{field} is missing");
    }
    assert_eq!(answer.json["limit"], 2);
    assert_eq!(answer.json["algorithm"]["requested"], "logic-v1");
    assert!(answer.json["matcher"]["name_score"]["description"].is_string());
}

#[tokio::test]
async fn match_applies_threshold_filters_and_identifiers() {
    let app = app();
    let body = serde_json::json!({"queries": {
        "isin": {"schema": "Security", "properties": {"isin": ["US0378331005"]}},
        "ship": {"schema": "Vessel", "properties": {"name": "Sea Phantom", "imoNumber": "IMO 9187629"}},
    }})
    .to_string();
    let answer = app.post("/match/demo?threshold=0.99", body.clone()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.json["responses"]["isin"]["results"][0]["id"], "demo:2");
    assert_eq!(answer.json["responses"]["ship"]["results"][0]["id"], "demo:3");
    let excluded = app
        .post("/match/default?exclude_entity_ids=demo:3&exclude_schema=Company", body.clone())
        .await;
    let ids: Vec<&serde_json::Value> = ["isin", "ship"]
        .iter()
        .flat_map(|k| excluded.json["responses"][k]["results"].as_array().unwrap())
        .map(|r| &r["id"])
        .collect();
    assert!(
        !ids.contains(&&serde_json::json!("demo:3"))
            && !ids.contains(&&serde_json::json!("demo:2")),
        "{ids:?}"
    );
    let none = app.post("/match/default?exclude_dataset=demo", body.clone()).await;
    assert_eq!(none.json["responses"]["ship"]["total"]["value"], 0);
    let later = app.post("/match/default?changed_since=2030-01-01", body).await;
    assert_eq!(later.json["responses"]["ship"]["total"]["value"], 0);
}

#[tokio::test]
async fn malformed_match_requests_are_4xx_in_the_one_format() {
    let app = app();
    check_error(
        &app.post("/match/default", "{not json").await,
        StatusCode::BAD_REQUEST,
        "invalid_json",
    );
    check_error(
        &app.post("/match/default", "{\"queries\": 5}").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_request",
    );
    check_error(
        &app.post("/match/default", r#"{"queries": {"a": {"properties": {"name": ["x"]}}}}"#).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_request",
    );
    check_error(
        &app.post(
            "/match/default",
            r#"{"queries": {"a": {"schema": "Alien", "properties": {"name": ["x"]}}}}"#,
        )
        .await,
        StatusCode::BAD_REQUEST,
        "unknown_schema",
    );
    check_error(
        &app.post(
            "/match/default",
            r#"{"queries": {"a": {"schema": "Person", "properties": {"name": [{"x": 1}]}}}}"#,
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    );
    check_error(
        &app.post("/match/default", r#"{"queries": {"a": {"schema": "Person", "properties": {"name": ["x"], "birthDate": ["yesterday"]}}}}"#).await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    );
    check_error(
        &app.post("/match/nowhere", match_body("x")).await,
        StatusCode::NOT_FOUND,
        "unknown_dataset",
    );
    check_error(
        &app.post("/match/default?limit=-1", match_body("x")).await,
        StatusCode::BAD_REQUEST,
        "invalid_parameter",
    );
    check_error(
        &app.post("/match/default?threshold=2", match_body("x")).await,
        StatusCode::BAD_REQUEST,
        "invalid_parameter",
    );
    check_error(
        &app.post("/match/default?algorithm=magic", match_body("x")).await,
        StatusCode::BAD_REQUEST,
        "unknown_algorithm",
    );
    check_error(
        &app.post("/match/default?changed_since=May", match_body("x")).await,
        StatusCode::BAD_REQUEST,
        "invalid_date",
    );
    check_error(
        &app.post("/match/default?exclude_schema=Alien", match_body("x")).await,
        StatusCode::BAD_REQUEST,
        "unknown_schema",
    );
    check_error(
        &app.post("/match/default", r#"{"queries": {}}"#).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    let many: serde_json::Map<String, serde_json::Value> = (0..4)
        .map(|i| {
            (
                format!("q{i}"),
                serde_json::json!({"schema": "Person", "properties": {"name": ["x"]}}),
            )
        })
        .collect();
    check_error(
        &app.post("/match/default", serde_json::json!({"queries": many}).to_string()).await,
        StatusCode::BAD_REQUEST,
        "too_many_queries",
    );
    let huge = format!(
        "{{\"queries\": {{\"a\": {{\"schema\": \"Person\", \"properties\": {{\"name\": [\"{}\"]}}}}}}}}",
        "x".repeat(70_000)
    );
    check_error(
        &app.post("/match/default", huge).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    );
    check_error(
        &app.get("/match/default").await,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );
    check_error(&app.get("/nowhere").await, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn search_entities_catalog_and_algorithms_answer_in_yentes_shape() {
    let app = app();
    let search = app.get("/search/default?q=sea%20phantom&limit=1").await;
    assert_eq!(search.status, StatusCode::OK, "{}", search.text);
    assert_eq!(search.json["results"][0]["id"], "demo:3");
    assert_eq!(search.json["limit"], 1);
    assert_eq!(search.json["offset"], 0);
    assert_eq!(search.json["total"]["relation"], "eq");
    assert!(search.json["facets"]["datasets"]["values"].is_array());
    let browse = app.get("/search/demo?schema=Person&countries=ru").await;
    assert_eq!(browse.json["total"]["value"], 1, "{}", browse.text);
    check_error(
        &app.get("/search/default?schema=Alien").await,
        StatusCode::BAD_REQUEST,
        "unknown_schema",
    );
    check_error(
        &app.get("/search/default?limit=x").await,
        StatusCode::BAD_REQUEST,
        "invalid_parameter",
    );
    check_error(&app.get("/search/nowhere?q=x").await, StatusCode::NOT_FOUND, "unknown_dataset");

    let entity = app.get("/entities/demo:2").await;
    assert_eq!(entity.json["properties"]["isin"], serde_json::json!(["US0378331005"]));
    assert_eq!(entity.json["schema"], "Company");
    // Seen since the first version, unchanged by the second, which is current.
    assert_eq!(entity.json["first_seen"], "2024-01-01T00:00:00");
    assert_eq!(entity.json["last_seen"], "2024-02-01T00:00:00");
    assert_eq!(entity.json["last_change"], "2024-01-01T00:00:00");
    let added = app.get("/entities/demo:10").await;
    assert_eq!(added.json["first_seen"], "2024-02-01T00:00:00", "{}", added.text);
    check_error(&app.get("/entities/demo:999").await, StatusCode::NOT_FOUND, "unknown_entity");

    let catalog = app.get("/catalog").await;
    let names: Vec<&str> = catalog.json["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["default", "demo"]);
    assert_eq!(catalog.json["datasets"][0]["children"], serde_json::json!(["demo"]));
    assert_eq!(catalog.json["index_stale"], false);
    let algorithms = app.get("/algorithms").await;
    assert_eq!(algorithms.json["default"], "listwatch");
    assert_eq!(algorithms.json["algorithms"][0]["name"], "listwatch");
}

#[tokio::test]
async fn native_endpoints_answer_with_the_command_lines_json() {
    let app = app();
    let status = app.get("/status?q=demo:1&as_of=2024-03-01").await;
    assert_eq!(status.status, StatusCode::OK, "{}", status.text);
    assert_eq!(status.json["query"], "demo:1");
    assert_eq!(status.json["matches"][0]["entity_id"], "demo:1");
    assert_eq!(status.json["consulted"][0]["version"], 2);
    check_error(&app.get("/status").await, StatusCode::BAD_REQUEST, "invalid_parameter");
    check_error(
        &app.get("/status?q=x&as_of=2024-13-01").await,
        StatusCode::BAD_REQUEST,
        "invalid_date",
    );

    let lists = app.get("/lists").await;
    assert_eq!(lists.json[0]["list"], "demo");
    assert_eq!(lists.json[0]["lacks"], serde_json::json!([]));
    let versions = app.get("/lists/demo/versions").await;
    assert_eq!(versions.json.as_array().unwrap().len(), 2);
    assert_eq!(versions.json[1]["version"], 2);
    check_error(&app.get("/lists/nowhere/versions").await, StatusCode::NOT_FOUND, "unknown_list");
    let diff = app.get("/lists/demo/diff?from=1&to=2").await;
    assert_eq!(diff.json["added"][0]["id"], "demo:10", "{}", diff.text);
    check_error(
        &app.get("/lists/demo/diff?from=x").await,
        StatusCode::BAD_REQUEST,
        "invalid_parameter",
    );
    check_error(&app.get("/lists/demo/diff?from=1&to=9").await, StatusCode::NOT_FOUND, "not_found");

    let check = app
        .post("/portfolio/check?as_of=2024-03-01", "isin,quantity\nUS0378331005,10\nbad,1\n")
        .await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.text);
    assert_eq!(check.json["holdings"][0]["entity_id"], "demo:2");
    assert_eq!(check.json["holdings"][1]["status"], "invalid");
    check_error(&app.post("/portfolio/check", "").await, StatusCode::BAD_REQUEST, "invalid_csv");
    check_error(
        &app.post("/portfolio/check", "name\nx\n").await,
        StatusCode::BAD_REQUEST,
        "invalid_csv",
    );

    let screen =
        app.post("/screen?limit=1", "{\"id\": \"a\", \"name\": \"Sea Phantom\"}\nnot json\n").await;
    assert_eq!(screen.status, StatusCode::OK, "{}", screen.text);
    let lines: Vec<serde_json::Value> =
        screen.text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["results"][0]["entity_id"], "demo:3");
    assert_eq!(lines[1]["line"], 2);
    assert!(lines[1]["error"].is_string());
    check_error(
        &app.post("/screen?list=nowhere", "{}").await,
        StatusCode::NOT_FOUND,
        "unknown_list",
    );
}

#[tokio::test]
async fn without_a_key_file_only_loopback_clients_are_answered() {
    let remote = spawn_app(None, "192.0.2.7:4000");
    check_error(&remote.get("/catalog").await, StatusCode::FORBIDDEN, "loopback_only");
    assert_eq!(remote.get("/healthz").await.status, StatusCode::OK);
}

#[tokio::test]
async fn keys_and_scopes_are_checked() {
    let text =
        format!("{} reader read\n{} screener screen\n", hash_key("r-key"), hash_key("s-key"));
    let app = spawn_app(Some(Keys::parse(&text).unwrap()), "192.0.2.7:4000");
    check_error(&app.get("/catalog").await, StatusCode::UNAUTHORIZED, "missing_key");
    let with = |key: &str, request: axum::http::request::Builder| {
        request.header("authorization", format!("ApiKey {key}")).body(Body::empty()).unwrap()
    };
    check_error(
        &app.send(with("nope", Request::get("/catalog"))).await,
        StatusCode::UNAUTHORIZED,
        "invalid_key",
    );
    assert_eq!(app.send(with("r-key", Request::get("/catalog"))).await.status, StatusCode::OK);
    check_error(
        &app.send(with("r-key", Request::builder().method(Method::POST).uri("/screen"))).await,
        StatusCode::FORBIDDEN,
        "forbidden_scope",
    );
    let bearer =
        Request::get("/lists").header("authorization", "Bearer s-key").body(Body::empty()).unwrap();
    check_error(&app.send(bearer).await, StatusCode::FORBIDDEN, "forbidden_scope");
    let header = Request::post("/match/default")
        .header("x-api-key", "s-key")
        .body(Body::from(match_body("Ivan Petrov")))
        .unwrap();
    assert_eq!(app.send(header).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_key_beyond_its_rate_is_told_when_to_come_back() {
    let text = format!("{} slow read rate=2\n{} fast read\n", hash_key("s"), hash_key("f"));
    let app = spawn_app(Some(Keys::parse(&text).unwrap()), "192.0.2.7:4000");
    let get =
        |key: &str| Request::get("/catalog").header("x-api-key", key).body(Body::empty()).unwrap();
    for _ in 0..2 {
        assert_eq!(app.send(get("s")).await.status, StatusCode::OK);
    }
    let response = app.router.clone().oneshot(get("s")).await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "1");
    let limited = app.send(get("s")).await;
    check_error(&limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    // A key without a rate of its own has none: there is no --rate-limit here.
    for _ in 0..20 {
        assert_eq!(app.send(get("f")).await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn a_new_snapshot_is_used_by_the_next_request() {
    let app = app();
    let before = app.get("/search/default?q=Northern%20Lights%20Bank").await;
    assert!(
        before.json["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["caption"] != "Northern Lights Bank")
    );
    let snapshot = app.state.snapshot();
    import(
        snapshot.store(),
        "2024-03-01",
        entities(&["Golden Crane Holdings", "Northern Lights Bank"]),
    );
    let next =
        Snapshot::build(snapshot.store_handle(), snapshot.regimes.clone(), app.state.config())
            .unwrap();
    app.state.swap(next);
    let after = app.get("/search/default?q=Northern%20Lights%20Bank").await;
    assert_eq!(after.json["results"][0]["caption"], "Northern Lights Bank");
    assert_eq!(app.get("/lists").await.json[0]["version"], 3);
}

#[tokio::test]
async fn decisions_are_audited_and_replay_identically_after_a_newer_version() {
    let app = app();
    let matched = app.post("/match/default", match_body("Ivan Petrov")).await;
    assert_eq!(matched.status, StatusCode::OK, "{}", matched.text);
    let screened =
        app.post("/screen?limit=3", "{\"id\": 1, \"name\": \"Oceanic Shipping\"}\n").await;
    assert_eq!(screened.status, StatusCode::OK, "{}", screened.text);
    let status = app.get("/status?q=demo:1&as_of=2024-03-01").await;
    assert_eq!(status.status, StatusCode::OK, "{}", status.text);
    let holdings = app.post("/portfolio/check", "isin\nUS0378331005\n").await;
    assert_eq!(holdings.status, StatusCode::OK, "{}", holdings.text);

    let audit = app.get("/audit?since=2000-01-01&key=loopback").await;
    assert_eq!(audit.status, StatusCode::OK, "{}", audit.text);
    // Read from the text, so each record's input is the very text the server hashed.
    #[derive(serde::Deserialize)]
    struct Page {
        records: Vec<crate::audit::Record>,
    }
    let records = serde_json::from_str::<Page>(&audit.text).unwrap().records;
    let endpoints: Vec<&str> = records.iter().map(|r| r.endpoint.as_str()).collect();
    assert_eq!(
        endpoints,
        ["POST /match", "POST /screen", "GET /status", "POST /portfolio/check"],
        "{}",
        audit.text
    );
    for record in &records {
        assert_eq!(record.key, "loopback");
        let digest = <sha2::Sha256 as sha2::Digest>::digest(record.input.get().as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(record.input_sha256, hex, "the hash is of the input as recorded");
        assert_eq!(record.list_versions[0].version, 2, "{record:?}");
    }
    let results =
        |n: usize| -> serde_json::Value { serde_json::from_str(records[n].results.get()).unwrap() };
    assert_eq!(results(0)[0]["entity_id"], "demo:1", "{}", audit.text);
    assert_eq!(results(0)[0]["match"], true, "{}", audit.text);
    assert_eq!(results(2)["matches"][0]["state"], status.json["matches"][0]["state"]);
    assert!(records.windows(2).all(|w| w[0].id < w[1].id), "ids increase");
    let none = app.get("/audit?key=someone-else").await;
    assert_eq!(none.json["records"], serde_json::json!([]));
    assert_eq!(none.json["next"], serde_json::Value::Null);

    // A page at a time: the pages, followed by their cursors, are the whole log in order.
    let mut paged = Vec::new();
    let mut uri = "/audit?limit=3".to_string();
    loop {
        let page = app.get(&uri).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        let records = page.json["records"].as_array().unwrap();
        assert!(records.len() <= 3);
        paged.extend(records.iter().map(|r| r["id"].as_str().unwrap().to_string()));
        match page.json["next"].as_str() {
            Some(next) => {
                assert_eq!(Some(next), paged.last().map(String::as_str));
                uri = format!("/audit?limit=3&after={next}");
            }
            None => break,
        }
    }
    let all: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(paged, all);
    check_error(&app.get("/audit?limit=0").await, StatusCode::BAD_REQUEST, "invalid_parameter");
    check_error(&app.get("/audit?limit=10001").await, StatusCode::BAD_REQUEST, "invalid_parameter");
    check_error(&app.get("/audit?after=nothing").await, StatusCode::NOT_FOUND, "unknown_record");

    // A newer version changes the word weights; the replay uses the recorded versions.
    let store = app.state.snapshot().store_handle();
    import(
        &store,
        "2024-03-01",
        entities(&["Golden Crane Holdings", "Petrov Trading", "Oceanic Petrov Shipping"]),
    );
    for record in &records[..2] {
        let replayed = crate::audit::replay(&store, record).unwrap();
        assert!(!replayed.recorded.as_array().unwrap().is_empty(), "{record:?}");
        assert_eq!(replayed.recorded, replayed.recomputed, "{record:?}");
    }
    assert!(crate::audit::replay(&store, &records[2]).is_err(), "a status answer is no screening");
}

#[tokio::test]
async fn the_audit_log_needs_the_admin_scope() {
    let text = format!(
        "{} reader read,screen\n{} boss admin\n",
        super::auth::hash_key("r"),
        super::auth::hash_key("a")
    );
    let app = spawn_app(Some(Keys::parse(&text).unwrap()), "10.0.0.1:5000");
    let request = |key: &str| {
        Request::builder().uri("/audit").header("x-api-key", key).body(Body::empty()).unwrap()
    };
    check_error(&app.send(request("r")).await, StatusCode::FORBIDDEN, "forbidden_scope");
    assert_eq!(app.send(request("a")).await.status, StatusCode::OK);
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_and_describe_the_snapshot() {
    let app = app();
    for _ in 0..3 {
        assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    }
    assert_eq!(app.get("/lists/nowhere/versions").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/no/such/path").await.status, StatusCode::NOT_FOUND);
    let metrics = app.get("/metrics").await;
    assert_eq!(metrics.status, StatusCode::OK, "{}", metrics.text);
    let text = &metrics.text;
    for expected in [
        "listwatch_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}",
        "listwatch_http_requests_total{route=\"/lists/{list}/versions\",method=\"GET\",status=\"404\"}",
        "listwatch_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"}",
        "listwatch_http_request_duration_seconds_bucket{route=\"/healthz\",method=\"GET\",status=\"200\",le=\"0.001\"}",
        "listwatch_list_age_days{list=\"demo\"}",
        "listwatch_index_entities",
        "listwatch_snapshot_build_seconds",
        "listwatch_snapshot_swaps_total",
    ] {
        assert!(text.contains(expected), "no {expected} in\n{text}");
    }
    // Other tests of this process share the recorder, so the count is at least ours.
    let healthz = text
        .lines()
        .find(|l| {
            l.starts_with(
                "listwatch_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}",
            )
        })
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|n| n.parse::<f64>().ok())
        .unwrap();
    assert!(healthz >= 3.0, "{healthz}");
    let keys = Keys::parse(&format!("{} screener screen\n", super::auth::hash_key("s"))).unwrap();
    let app = spawn_app(Some(keys), "10.0.0.1:5000");
    let request =
        Request::builder().uri("/metrics").header("x-api-key", "s").body(Body::empty()).unwrap();
    check_error(&app.send(request).await, StatusCode::FORBIDDEN, "forbidden_scope");
}

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint_and_the_docs_page_renders_it() {
    let app = app();
    let doc = app.get("/openapi.json").await;
    assert_eq!(doc.status, StatusCode::OK);
    assert_eq!(doc.json["openapi"], "3.1.0", "{}", doc.text);
    let paths = doc.json["paths"].as_object().unwrap();
    let expected = [
        ("/match/{dataset}", "post", Some("screen")),
        ("/search/{dataset}", "get", Some("read")),
        ("/entities/{id}", "get", Some("read")),
        ("/catalog", "get", Some("read")),
        ("/algorithms", "get", Some("read")),
        ("/status", "get", Some("read")),
        ("/lists", "get", Some("read")),
        ("/lists/{list}/versions", "get", Some("read")),
        ("/lists/{list}/diff", "get", Some("read")),
        ("/metrics", "get", Some("read")),
        ("/watches", "get", Some("read")),
        ("/alerts", "get", Some("read")),
        ("/alerts/{id}", "get", Some("read")),
        ("/alerts/{id}/decision", "post", Some("write")),
        ("/screen", "post", Some("screen")),
        ("/portfolio/check", "post", Some("screen")),
        ("/audit", "get", Some("admin")),
        ("/entities/{id}/history", "get", Some("read")),
        ("/entities/{id}/timeline", "get", Some("read")),
        ("/events", "get", Some("read")),
        ("/events", "post", Some("write")),
        ("/lists/{list}/entities", "get", Some("read")),
        ("/healthz", "get", None),
        ("/readyz", "get", None),
    ];
    for (path, method, scope) in expected {
        let op = &paths.get(path).unwrap_or_else(|| panic!("{path} is not described"))[method];
        assert!(op.is_object(), "{method} {path} is not described");
        let ok = if (path, method) == ("/events", "post") { "201" } else { "200" };
        assert!(op["responses"][ok].is_object(), "{method} {path}: no {ok}");
        if let Some(scope) = scope {
            assert_eq!(op["security"][0]["api_key"][0], scope, "{method} {path}");
            for status in ["400", "401", "403", "404", "429"] {
                let error = &op["responses"][status]["content"]["application/json"]["schema"];
                assert_eq!(error["$ref"], "#/components/schemas/ErrorBody", "{method} {path}");
            }
        }
        // Every described path answers: a described route that does not exist is a 404 from
        // the fallback, whose code is `not_found`.
        let concrete =
            path.replace("{dataset}", "default").replace("{id}", "x").replace("{list}", "demo");
        let request = Request::builder()
            .method(method.to_ascii_uppercase().as_str())
            .uri(&concrete)
            .body(Body::empty())
            .unwrap();
        let answer = app.send(request).await;
        assert_ne!(answer.json["error"]["message"], "no such endpoint", "{method} {path}");
    }
    let mut unique: Vec<&str> = expected.iter().map(|e| e.0).collect();
    unique.dedup();
    assert_eq!(paths.len(), unique.len(), "described: {:?}", paths.keys().collect::<Vec<_>>());
    // The match response's schema names the fields a yente client reads.
    let schemas = &doc.json["components"]["schemas"];
    for field in ["responses", "limit"] {
        assert!(schemas["MatchResponse"]["properties"][field].is_object(), "{field}");
    }
    for field in ["status", "results", "total", "query"] {
        assert!(schemas["QueryResponse"]["properties"][field].is_object(), "{field}");
    }
    let docs = app.get("/docs").await;
    assert_eq!(docs.status, StatusCode::OK);
    for (path, _, _) in expected {
        assert!(docs.text.contains(&format!("<code>{path}</code>")), "{path} is not on /docs");
    }
    assert!(!docs.text.contains("<script"), "the docs page runs no script");
    assert!(!docs.text.contains("https://"), "the docs page fetches nothing from elsewhere");
    let css = app.get("/docs/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
}

#[tokio::test]
async fn the_docs_page_forbids_everything_but_its_stylesheet() {
    let app = app();
    let response = app
        .router
        .clone()
        .oneshot(Request::get("/docs").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let csp = response.headers().get("content-security-policy").unwrap().to_str().unwrap();
    assert_eq!(csp, "default-src 'none'; style-src 'self'");
}

#[tokio::test]
async fn cors_is_off_unless_an_origin_is_allowed() {
    let preflight = |app: &TestApp| {
        app.router.clone().oneshot(
            Request::builder()
                .method(Method::OPTIONS)
                .uri("/match/default")
                .header("origin", "https://console.example.com")
                .header("access-control-request-method", "POST")
                .body(Body::empty())
                .unwrap(),
        )
    };
    let text = format!("{} reader read,screen\n", hash_key("k"));
    let off = spawn_app(Some(Keys::parse(&text).unwrap()), "192.0.2.7:4000");
    let answer = preflight(&off).await.unwrap();
    assert!(answer.headers().get("access-control-allow-origin").is_none());
    let on = spawn_app_with(
        Some(Keys::parse(&text).unwrap()),
        "192.0.2.7:4000",
        vec!["https://console.example.com".to_string()],
    );
    // The preflight is answered without a key; the request itself still needs one.
    let answer = preflight(&on).await.unwrap();
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    assert_eq!(answer.headers()["access-control-allow-origin"], "https://console.example.com");
    let request = |origin: &str| {
        Request::get("/catalog")
            .header("origin", origin)
            .header("x-api-key", "k")
            .body(Body::empty())
            .unwrap()
    };
    let allowed = on.router.clone().oneshot(request("https://console.example.com")).await.unwrap();
    assert_eq!(allowed.status(), StatusCode::OK);
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://console.example.com");
    let other = on.router.clone().oneshot(request("https://evil.example")).await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_matches_are_each_recorded_once_before_they_are_answered() {
    let app = Arc::new(app());
    let answered = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..64 {
        let (app, answered) = (Arc::clone(&app), Arc::clone(&answered));
        tasks.push(tokio::spawn(async move {
            let name = if i % 2 == 0 { "Ivan Petrov" } else { "Sea Phantom" };
            let answer = app.post("/match/default", match_body(name)).await;
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
            // Answered only once recorded: the file holds at least one record per answer.
            let seen = answered.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            let log = app.state.audit_log().unwrap();
            assert!(log.read(None, None).unwrap().len() >= seen);
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let records = app.state.audit_log().unwrap().read(None, None).unwrap();
    assert_eq!(records.len(), 64);
    let mut ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 64, "every record has its own id");
}

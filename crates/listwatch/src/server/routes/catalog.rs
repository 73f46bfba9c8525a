//! `GET /catalog` and `GET /algorithms`, in yente's shapes: the datasets are `default` (every
//! list) and each list; the one algorithm is listwatch's matcher.

use axum::Json;
use axum::extract::State;

use listwatch_matcher::MATCHER_VERSION;

use crate::server::state::AppState;

/// The algorithm names yente clients send; each is answered by listwatch's matcher, and the
/// response says so.
pub(crate) const ALGORITHMS: &[&str] = &[
    "listwatch",
    "best",
    "default",
    "logic-v1",
    "logic-v2",
    "regression-v1",
    "name-based",
    "name-qualified",
];

/// The datasets, as yente's `/catalog`: `default` (every list) and each list.
#[utoipa::path(get, path = "/catalog", tag = "matching", security(("api_key" = ["read"]), ("bearer" = ["read"])),
    responses((status = 200, description = "The catalog", body = crate::server::openapi::CliJson), crate::server::openapi::Failures))]
pub(crate) async fn catalog(State(state): State<AppState>) -> Json<serde_json::Value> {
    let snapshot = state.snapshot();
    let mut datasets = vec![serde_json::json!({
        "name": "default",
        "title": "Every list in the store",
        "summary": "The current version of every list listwatch holds",
        "url": null,
        "load": true,
        "entities_url": null,
        "version": snapshot.screened.iter().map(|l| format!("{}@{}", l.list, l.version)).collect::<Vec<_>>().join(","),
        "index_version": null,
        "index_current": true,
        "children": snapshot.screened.iter().map(|l| l.list.clone()).collect::<Vec<_>>(),
    })];
    for list in &snapshot.screened {
        datasets.push(serde_json::json!({
            "name": list.list,
            "title": list.list,
            "summary": format!("version {} of {}, published {}", list.version, list.list, list.published),
            "url": null,
            "load": true,
            "entities_url": null,
            "version": format!("{}-{}", list.published, list.version),
            "index_version": format!("{}-{}", list.published, list.version),
            "index_current": true,
            "children": [],
        }));
    }
    let names: Vec<String> =
        datasets.iter().filter_map(|d| d["name"].as_str().map(String::from)).collect();
    Json(serde_json::json!({
        "datasets": datasets,
        "current": names,
        "outdated": [],
        "index_stale": false,
    }))
}

/// The features the matcher records, with what each means (built once).
pub(crate) fn features() -> &'static serde_json::Value {
    static FEATURES: std::sync::LazyLock<serde_json::Value> =
        std::sync::LazyLock::new(feature_docs);
    &FEATURES
}

fn feature_docs() -> serde_json::Value {
    let feature = |description: &str| serde_json::json!({"description": description, "coefficient": 1.0, "url": null});
    serde_json::json!({
        "name_score": feature("Share of the query's name words matched by a listed name, weighted by rarity"),
        "weak_alias": feature("The name matched only a weak alias"),
        "identifier": feature("A strong identifier (ISIN, IMO, passport, ...) is equal"),
        "weak_identifier": feature("A weak identifier is equal"),
        "invalid_identifier": feature("An identifier of the query is not valid for its type"),
        "birth_date": feature("Dates of birth agree or disagree"),
        "country": feature("Countries agree or disagree"),
        "gender": feature("Genders disagree"),
        "schema": feature("The kinds of party agree or disagree"),
    })
}

/// The matching algorithms, as yente's `/algorithms`: every name is answered by listwatch's matcher.
#[utoipa::path(get, path = "/algorithms", tag = "matching", security(("api_key" = ["read"]), ("bearer" = ["read"])),
    responses((status = 200, description = "The algorithms", body = crate::server::openapi::CliJson), crate::server::openapi::Failures))]
pub(crate) async fn algorithms() -> Json<serde_json::Value> {
    let name = "listwatch";
    Json(serde_json::json!({
        "algorithms": [{
            "name": name,
            "description": format!("listwatch's matcher {MATCHER_VERSION}: rarity-weighted name words with transliteration, skeletons and sound keys; identifiers, dates, countries, gender and schema as features. Every other algorithm name is answered by it."),
            "features": features(),
        }],
        "default": name,
        "best": name,
    }))
}

//! `/healthz` (the process answers) and `/readyz` (a snapshot is in force, with what it holds).

use axum::Json;
use axum::extract::State;

use crate::server::state::AppState;

/// The process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "`{\"status\": \"ok\"}`", body = crate::server::openapi::CliJson)))]
pub(crate) async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}

/// A snapshot is in force: when it was built, and the list versions it holds.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, description = "The snapshot in force", body = crate::server::openapi::CliJson)))]
pub(crate) async fn readyz(State(state): State<AppState>) -> Json<serde_json::Value> {
    let snapshot = state.snapshot();
    let built_at =
        snapshot.built_at.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    Json(serde_json::json!({
        "status": "ok",
        "snapshot": {
            "built_at": built_at,
            "build_seconds": snapshot.build_time.as_secs_f64(),
            "entities": snapshot.index.len(),
            "lists": snapshot.screened.iter().map(|l| serde_json::json!({
                "list": l.list, "version": l.version, "published": l.published,
            })).collect::<Vec<_>>(),
        },
        "uptime_seconds": state.uptime().as_secs(),
    }))
}

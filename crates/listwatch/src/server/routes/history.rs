//! One entity's life: `GET /entities/{id}/history` (every version that added, changed or
//! removed it, and its legal events) and `GET /entities/{id}/timeline?known_on=` (every dated
//! step with its basis), with the JSON of `history --json` and `timeline --json`.

use axum::Json;
use axum::extract::{Path, State};

use super::blocking;
use crate::server::error::{ApiError, ApiResult};
use crate::server::params::Params;
use crate::server::state::AppState;

fn entity_id(id: &str) -> ApiResult<listwatch_model::EntityId> {
    crate::cli::parse_entity_id(id)
        .map_err(|err| ApiError::invalid("invalid_parameter", format!("{err:#}")))
}

/// Every version that added, changed, removed or listed an entity again, and its legal events.
#[utoipa::path(get, path = "/entities/{id}/history", tag = "entities",
    security(("api_key" = ["read"]), ("bearer" = ["read"])),
    params(("id" = String, Path, pattern = "^[a-z0-9][a-z0-9._-]*:\\S", description = "The entity id, `<list>:<id in the source>`")),
    responses((status = 200, description = "The history, as `history --json`", body = crate::server::openapi::CliJson), crate::server::openapi::Failures))]
pub(crate) async fn history(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let id = entity_id(&id)?;
    let snapshot = state.snapshot();
    let value = blocking(move || {
        let (steps, events) = crate::cli::history::gather(snapshot.store(), &id)?;
        serde_json::to_value(crate::cli::history::history_json(&id, &steps, &events))
            .map_err(ApiError::internal)
    })
    .await?;
    Ok(Json(value))
}

/// Every dated step of an entity's life, past and scheduled, each with its basis and source.
#[utoipa::path(get, path = "/entities/{id}/timeline", tag = "entities",
    security(("api_key" = ["read"]), ("bearer" = ["read"])),
    params(("id" = String, Path, pattern = "^[a-z0-9][a-z0-9._-]*:\\S", description = "The entity id, `<list>:<id in the source>`"),
        ("known_on" = Option<String>, Query, format = Date, description = "Use only the versions published and the events known by this day"),
    ),
    responses((status = 200, description = "The timeline, as `timeline --json`", body = crate::server::openapi::CliJson), crate::server::openapi::Failures))]
pub(crate) async fn timeline(
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult<Json<serde_json::Value>> {
    let id = entity_id(&id)?;
    let known_on = params.date("known_on")?;
    let snapshot = state.snapshot();
    let value = blocking(move || {
        let steps =
            crate::cli::timeline::steps(snapshot.store(), &snapshot.regimes, &id, known_on)?;
        Ok(crate::cli::timeline::timeline_json(&id, known_on, &steps))
    })
    .await?;
    Ok(Json(value))
}

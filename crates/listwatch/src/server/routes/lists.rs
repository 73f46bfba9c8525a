//! `GET /lists`, `GET /lists/{list}/versions`, `GET /lists/{list}/diff?from=&to=`: the same JSON
//! as `screen --json`'s list versions, `versions --json` and `diff --json`.

use axum::Json;
use axum::extract::{Path, State};

use listwatch_model::ListName;

use super::blocking;
use crate::server::error::{ApiError, ApiResult};
use crate::server::params::{Params, excerpt};
use crate::server::state::AppState;

/// The lists in force, each with the version screened and its coverage.
#[utoipa::path(get, path = "/lists", tag = "lists", security(("api_key" = ["read"]), ("bearer" = ["read"])),
    responses((status = 200, description = "The lists, as `screen --json`'s `list_versions`", body = crate::server::openapi::CliJsonList), crate::server::openapi::Failures))]
pub(crate) async fn lists(State(state): State<AppState>) -> ApiResult<Json<serde_json::Value>> {
    let snapshot = state.snapshot();
    let rows: Vec<crate::cli::screen::ScreenedListJson> =
        snapshot.screened.iter().map(Into::into).collect();
    Ok(Json(serde_json::to_value(rows).map_err(ApiError::internal)?))
}

fn list_name(snapshot: &listwatch_core::Snapshot, name: &str) -> ApiResult<ListName> {
    let list =
        ListName::parse(name).map_err(|e| ApiError::invalid("invalid_parameter", e.to_string()))?;
    if !snapshot.catalog.lists.iter().any(|(l, _)| *l == list) {
        return Err(ApiError::not_found(
            "unknown_list",
            format!("no list named {:?} in the store", excerpt(name)),
        ));
    }
    Ok(list)
}

/// Every version of a list: publication date, counts, coverage, retractions.
#[utoipa::path(get, path = "/lists/{list}/versions", tag = "lists", security(("api_key" = ["read"]), ("bearer" = ["read"])),
    params(("list" = String, Path, pattern = "^[a-z0-9][a-z0-9._-]*$", description = "The list's name, e.g. `ofac-sdn`")),
    responses((status = 200, description = "The versions, as `versions --json`", body = crate::server::openapi::CliJsonList), crate::server::openapi::Failures))]
pub(crate) async fn versions(
    State(state): State<AppState>,
    Path(list): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let snapshot = state.snapshot();
    let list = list_name(&snapshot, &list)?;
    let value = blocking(move || {
        let versions = crate::cli::versions::gather(snapshot.store(), &[list])?;
        serde_json::to_value(crate::cli::versions::versions_json(&versions))
            .map_err(ApiError::internal)
    })
    .await?;
    Ok(Json(value))
}

/// What changed between two versions of a list: added, removed and changed entities, field by field.
#[utoipa::path(get, path = "/lists/{list}/diff", tag = "lists", security(("api_key" = ["read"]), ("bearer" = ["read"])),
    params(("list" = String, Path, pattern = "^[a-z0-9][a-z0-9._-]*$", description = "The list's name"),
        ("from" = Option<u32>, Query, minimum = 1, description = "The older version (default: the one before `to`)"),
        ("to" = Option<u32>, Query, minimum = 1, description = "The newer version (default: the latest)"),
    ),
    responses((status = 200, description = "The changes, as `diff --json`", body = crate::server::openapi::CliJson), crate::server::openapi::Failures))]
pub(crate) async fn diff(
    State(state): State<AppState>,
    Path(list): Path<String>,
    params: Params,
) -> ApiResult<Json<serde_json::Value>> {
    let snapshot = state.snapshot();
    let list = list_name(&snapshot, &list)?;
    let from =
        params.get("from").map(|v| v.parse::<u32>()).transpose().map_err(|_| {
            ApiError::invalid("invalid_parameter", "from: expected a version number")
        })?;
    let to = params
        .get("to")
        .map(|v| v.parse::<u32>())
        .transpose()
        .map_err(|_| ApiError::invalid("invalid_parameter", "to: expected a version number"))?;
    let value = blocking(move || {
        let compared = crate::cli::diff::compare(snapshot.store(), list, from, to)?;
        serde_json::to_value(crate::cli::diff::diff_json(&compared)).map_err(ApiError::internal)
    })
    .await?;
    Ok(Json(value))
}

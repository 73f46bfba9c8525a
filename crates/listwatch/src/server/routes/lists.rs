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
        params.raw("from").map(|v| v.parse::<u32>()).transpose().map_err(|_| {
            ApiError::invalid("invalid_parameter", "from: expected a version number")
        })?;
    let to = params
        .raw("to")
        .map(|v| v.parse::<u32>())
        .transpose()
        .map_err(|_| ApiError::invalid("invalid_parameter", "to: expected a version number"))?;
    // The first version has nothing before it: that diff does not exist (404), the request is
    // not malformed.
    let current = snapshot
        .catalog
        .lists
        .iter()
        .find(|(l, _)| *l == list)
        .and_then(|(_, versions)| versions.last().map(|v| v.version));
    if from.is_none() && to.or(current) == Some(1) {
        return Err(ApiError::not_found(
            "no_earlier_version",
            format!("{list} version 1 is its first; there is nothing to compare it with"),
        ));
    }
    let value = blocking(move || {
        let compared = crate::cli::diff::compare(snapshot.store(), list, from, to)?;
        serde_json::to_value(crate::cli::diff::diff_json(&compared)).map_err(ApiError::internal)
    })
    .await?;
    Ok(Json(value))
}

/// The entries of a version of a list, filtered by program and schema: JSON, or CSV with
/// `format=csv`, as `listwatch entities --json` and `--csv` export them.
#[utoipa::path(get, path = "/lists/{list}/entities", tag = "lists",
    security(("api_key" = ["read"]), ("bearer" = ["read"])),
    params(("list" = String, Path, pattern = "^[a-z0-9][a-z0-9._-]*$", description = "The list's name"),
        ("version" = Option<u32>, Query, minimum = 1, description = "The version (default: the current one)"),
        ("program" = Option<String>, Query, description = "Only the entries of this program (any case)"),
        ("schema" = Option<String>, Query, pattern = "^(|Person|Organization|Company|Vessel|Aircraft|Security)$", description = "Only the entries of this schema"),
        ("format" = Option<String>, Query, pattern = "^(json|csv)$", description = "`json` (default) or `csv`"),
    ),
    responses((status = 200, description = "The entries: JSON, or CSV with `format=csv`", content((crate::server::openapi::CliJsonList = "application/json"), (String = "text/csv"))), crate::server::openapi::Failures))]
pub(crate) async fn entities(
    State(state): State<AppState>,
    Path(list): Path<String>,
    params: Params,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let snapshot = state.snapshot();
    let list = list_name(&snapshot, &list)?;
    let version: Option<u32> = params
        .raw("version")
        .map(|v| {
            v.parse::<u32>().map_err(|_| {
                ApiError::invalid("invalid_parameter", "version: expected a version number")
            })
        })
        .transpose()?;
    let schema = match params.raw("schema").filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => Some(listwatch_model::Schema::parse(text).ok_or_else(|| {
            ApiError::invalid("unknown_schema", format!("schema {:?} is not one of Person, Organization, Company, Vessel, Aircraft, Security", excerpt(text)))
        })?),
    };
    let program = params.get("program").map(String::from);
    let csv = match params.raw("format") {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(ApiError::invalid(
                "invalid_parameter",
                format!("format must be json or csv, not {:?}", excerpt(other)),
            ));
        }
    };
    blocking(move || {
        let store = snapshot.store();
        let version = match version {
            Some(v) => v,
            None => crate::cli::entities::default_version(store, &list)?,
        };
        let all = store.entities(&list, version).map_err(anyhow::Error::from)?;
        let selected =
            crate::cli::entities::select(&list, version, &all, schema, program.as_deref())?;
        let rows: Vec<crate::cli::entities::Row<'_>> =
            selected.into_iter().map(|e| crate::cli::entities::Row::new(&list, e)).collect();
        if csv {
            let mut bytes = Vec::new();
            crate::cli::entities::write_csv(&mut bytes, &rows).map_err(ApiError::internal)?;
            Ok(([(axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8")], bytes)
                .into_response())
        } else {
            Ok(Json(serde_json::to_value(&rows).map_err(ApiError::internal)?).into_response())
        }
    })
    .await
}

//! `GET /audit?since=&key=` (scope `admin`): the recorded decisions, oldest first, as
//! `listwatch audit --json` prints them.

use axum::Json;
use axum::extract::State;

use super::blocking;
use crate::server::error::{ApiError, ApiResult};
use crate::server::params::Params;
use crate::server::state::AppState;

/// The audit log of decisions (matches, screens, status answers, holdings checks), oldest first.
#[utoipa::path(get, path = "/audit", tag = "operations", security(("api_key" = ["admin"]), ("bearer" = ["admin"])),
    params(("since" = Option<String>, Query, format = Date, description = "Only the records of this day or later"),
        ("key" = Option<String>, Query, description = "Only the records of this key's name"),
    ),
    responses((status = 200, description = "`{\"records\": [...]}`, as `listwatch audit --json`", body = crate::server::openapi::CliJson), crate::server::openapi::Failures))]
pub(crate) async fn audit(
    State(state): State<AppState>,
    params: Params,
) -> ApiResult<Json<Records>> {
    let since = params.date("since")?;
    let key = params.get("key").map(String::from);
    let Some(log) = state.audit_log().cloned() else {
        return Ok(Json(Records { records: Vec::new() }));
    };
    let records = blocking(move || {
        log.read(since, key.as_deref()).map_err(|err| ApiError::internal(format!("{err:#}")))
    })
    .await?;
    Ok(Json(Records { records }))
}

/// The records, each input and result as the text recorded (so its hash can be checked).
#[derive(serde::Serialize)]
pub(crate) struct Records {
    records: Vec<crate::audit::Record>,
}

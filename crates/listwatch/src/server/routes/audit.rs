//! `GET /audit?since=&key=&limit=&after=` (scope `admin`): the recorded decisions, oldest first,
//! as `listwatch audit --json` prints them, a page at a time.

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
        ("limit" = Option<usize>, Query, minimum = 1, maximum = 10000, description = "At most this many records (default 1000)"),
        ("after" = Option<String>, Query, description = "The records after this one: the `next` of the page before (404 `unknown_record` when the log has no such record)"),
    ),
    responses((status = 200, description = "`{\"records\": [...], \"next\"}`: records as `listwatch audit --json` prints them; `next` is the id to pass as `after` for the next page, null on the last", body = crate::server::openapi::CliJson), crate::server::openapi::Failures))]
pub(crate) async fn audit(
    State(state): State<AppState>,
    params: Params,
) -> ApiResult<Json<Records>> {
    let since = params.date("since")?;
    let key = params.get("key").map(String::from);
    let limit: usize = params.parse("limit", DEFAULT_LIMIT, "a whole number")?;
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid(
            "invalid_parameter",
            format!("limit must be from 1 to {MAX_LIMIT}"),
        ));
    }
    let after = params.get("after").map(String::from);
    let Some(log) = state.audit_log().cloned() else {
        return Ok(Json(Records { records: Vec::new(), next: None }));
    };
    let page = blocking(move || {
        log.read_page(since, key.as_deref(), after.as_deref(), limit)
            .map_err(|err| ApiError::internal(format!("{err:#}")))
    })
    .await?
    // The cursor names a record that is not there (pruned, or never written): nothing to page
    // after, as a path naming nothing.
    .ok_or_else(|| {
        ApiError::not_found("unknown_record", "after names no record of the audit log")
    })?;
    Ok(Json(Records { records: page.records, next: page.next }))
}

/// Records a page holds unless `limit` says otherwise.
const DEFAULT_LIMIT: usize = 1_000;
/// The most a page holds.
const MAX_LIMIT: usize = 10_000;

/// The records, each input and result as the text recorded (so its hash can be checked), and
/// the cursor of the next page.
#[derive(serde::Serialize)]
pub(crate) struct Records {
    records: Vec<crate::audit::Record>,
    next: Option<String>,
}

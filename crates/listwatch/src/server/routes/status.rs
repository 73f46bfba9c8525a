//! `GET /status?q=&as_of=&known_on=`: the same JSON as `listwatch status --json`.

use axum::Extension;
use axum::Json;
use axum::extract::State;

use listwatch_model::Date;
use listwatch_status::Question;

use super::blocking;
use crate::server::auth::Caller;
use crate::server::error::{ApiError, ApiResult};
use crate::server::params::Params;
use crate::server::state::AppState;

/// Was an entity restricted on a day, under which rule, since when, and what was known then.
///
/// The same JSON as `listwatch status --json`: `overall`, each list's answer with its basis,
/// the versions consulted and those that could not be.
#[utoipa::path(get, path = "/status", tag = "status", security(("api_key" = ["read"]), ("bearer" = ["read"])),
    params(
        ("q" = String, Query, min_length = 1, max_length = 1000, pattern = "\\S", description = "An entity id, an ISIN, a ticker or a name"),
        ("as_of" = Option<String>, Query, format = Date, description = "The day asked about (default today)"),
        ("known_on" = Option<String>, Query, format = Date, description = "Use only the versions published and the events known by this day"),
    ),
    responses((status = 200, description = "The answer, as `status --json`", body = crate::server::openapi::CliJson), crate::server::openapi::Failures))]
pub(crate) async fn status(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> ApiResult<Json<serde_json::Value>> {
    let query = params
        .get("q")
        .ok_or_else(|| {
            ApiError::invalid(
                "invalid_parameter",
                "q is required: an entity id, an ISIN, a ticker or a name",
            )
        })?
        .to_string();
    if query.chars().count() > listwatch_core::limits::MAX_NAME_CHARS {
        return Err(ApiError::invalid(
            "invalid_parameter",
            "q is longer than the limit of 1000 characters",
        ));
    }
    let as_of = params.date("as_of")?.unwrap_or_else(Date::today_utc);
    let known_on = params.date("known_on")?;
    let snapshot = state.snapshot();
    let value = blocking(move || {
        let question = Question { as_of, known_on };
        let answer = snapshot.status(&query, question)?;
        state.record(&[crate::audit::status_record(
            &caller.0,
            "GET /status",
            &query,
            question,
            &answer,
        )])?;
        serde_json::to_value(crate::cli::status::status_json(&query, &answer))
            .map_err(ApiError::internal)
    })
    .await?;
    Ok(Json(value))
}

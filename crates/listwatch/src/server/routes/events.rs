//! Legal events over HTTP: `GET /events?entity=` lists them as `event list --json` does, and
//! `POST /events` (scope `write`) records one, checked as `event add` checks it, and answers
//! with the JSON of `event add --json`. Events are append-only: a correction is a new event
//! that `supersedes` the old one.

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::{Extension, Json};

use super::{blocking, body, json};
use crate::cli::event::EventRequest;
use crate::server::auth::Caller;
use crate::server::error::{ApiError, ApiResult};
use crate::server::params::Params;
use crate::server::state::AppState;

/// The recorded legal events, of one entity or of all, superseded ones included.
#[utoipa::path(get, path = "/events", tag = "entities",
    security(("api_key" = ["read"]), ("bearer" = ["read"])),
    params(("entity" = Option<String>, Query, pattern = "^[a-z0-9][a-z0-9._-]*:\\S", description = "Only the events of this entity id")),
    responses((status = 200, description = "The events, as `event list --json`", body = crate::server::openapi::CliJsonList), crate::server::openapi::Failures))]
pub(crate) async fn list(
    State(state): State<AppState>,
    params: Params,
) -> ApiResult<Json<serde_json::Value>> {
    let entity = match params.raw("entity") {
        None => None,
        Some(id) => Some(
            crate::cli::parse_entity_id(id)
                .map_err(|err| ApiError::invalid("invalid_parameter", format!("{err:#}")))?
                .to_string(),
        ),
    };
    let snapshot = state.snapshot();
    let value = blocking(move || {
        let events = crate::cli::event::events_json(snapshot.store(), entity.as_deref())?;
        Ok(serde_json::Value::Array(events))
    })
    .await?;
    Ok(Json(value))
}

/// Records a legal event (a court order, a delisting, a license, a note), checked as
/// `listwatch event add` checks it; the watched holdings it touches are checked again.
#[utoipa::path(post, path = "/events", tag = "entities",
    security(("api_key" = ["write"]), ("bearer" = ["write"])),
    request_body = EventRequest,
    responses((status = 201, description = "The event recorded, as `event add --json`", body = crate::server::openapi::CliJson), crate::server::openapi::Failures, crate::server::openapi::BodyFailures))]
pub(crate) async fn record(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    request_body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let bytes = body(request_body)?;
    let input: EventRequest = json(&bytes)?;
    let Some(ctx) = state.ctx().cloned() else {
        return Err(ApiError::internal("the server has no store path to write to"));
    };
    let value = blocking(move || {
        let event = crate::cli::event::record(&ctx, input, &caller.0)?;
        serde_json::to_value(&event).map_err(ApiError::internal)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(value)))
}

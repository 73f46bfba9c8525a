//! Monitoring over HTTP: the watches, the alerts with their decisions (scope `read`), and a
//! decision on an alert (scope `write`), with the same JSON as `listwatch watch list --json`,
//! `alerts --json`, `alerts show --json`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use serde::Deserialize;

use listwatch_model::{DecisionKind, NewDecision};

use super::blocking;
use crate::cli::alerts::{alert_json, decision_json, effective, is_open};
use crate::server::error::{ApiError, ApiResult};
use crate::server::params::Params;
use crate::server::state::AppState;

/// `GET /watches`: every watch, as `watch list --json` prints them.
pub(crate) async fn watches(State(state): State<AppState>) -> ApiResult<Json<serde_json::Value>> {
    let snapshot = state.snapshot();
    let value = blocking(move || {
        let watches = snapshot.store().watches().map_err(ApiError::internal)?;
        serde_json::to_value(watches).map_err(ApiError::internal)
    })
    .await?;
    Ok(Json(value))
}

/// `GET /alerts?state=open|closed&watch=&since=`: the alerts, oldest first.
pub(crate) async fn alerts(
    State(state): State<AppState>,
    params: Params,
) -> ApiResult<Json<serde_json::Value>> {
    let since = params.date("since")?;
    let watch = params.get("watch").map(String::from);
    let open = match params.get("state") {
        None => None,
        Some("open") => Some(true),
        Some("closed") => Some(false),
        Some(_) => {
            return Err(ApiError::invalid("invalid_parameter", "state must be open or closed"));
        }
    };
    let snapshot = state.snapshot();
    let value = blocking(move || {
        let store = snapshot.store();
        let decisions = store.decisions().map_err(ApiError::internal)?;
        let effective = effective(&decisions);
        let alerts: Vec<serde_json::Value> = store
            .alerts()
            .map_err(ApiError::internal)?
            .iter()
            .filter(|a| {
                since.is_none_or(|d| a.created_at.get(..10).unwrap_or("") >= d.to_string().as_str())
            })
            .filter(|a| watch.as_ref().is_none_or(|w| &a.watch == w))
            .filter(|a| open.is_none_or(|open| is_open(effective.get(&a.id)) == open))
            .map(|a| alert_json(a, effective.get(&a.id).copied()))
            .collect();
        Ok(serde_json::Value::Array(alerts))
    })
    .await?;
    Ok(Json(value))
}

/// `GET /alerts/{id}`: one alert with every decision about it.
pub(crate) async fn alert(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let snapshot = state.snapshot();
    let value = blocking(move || {
        let store = snapshot.store();
        let alert = store
            .alert(&id)
            .map_err(|_| ApiError::not_found("unknown_alert", "no alert has that id"))?;
        let decisions: Vec<listwatch_model::Decision> = store
            .decisions()
            .map_err(ApiError::internal)?
            .into_iter()
            .filter(|d| d.decision.alert == id)
            .collect();
        let current = effective(&decisions).get(&id).copied().cloned();
        let mut value = alert_json(&alert, current.as_ref());
        value["decisions"] = decisions.iter().map(decision_json).collect();
        Ok(value)
    })
    .await?;
    Ok(Json(value))
}

/// The body of `POST /alerts/{id}/decision`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionBody {
    decision: String,
    reason: String,
    by: String,
    supersedes: Option<u64>,
}

/// `POST /alerts/{id}/decision` (scope `write`): records a decision, append-only, as
/// `alerts resolve` does; `supersedes` corrects an earlier one.
pub(crate) async fn decide(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<serde_json::Value>> {
    let body = super::body(body)?;
    let body: DecisionBody = serde_json::from_slice(&body)
        .map_err(|e| ApiError::invalid("invalid_body", format!("not a decision: {e}")))?;
    let decision = DecisionKind::parse(&body.decision).ok_or_else(|| {
        ApiError::invalid(
            "invalid_body",
            "decision must be true-match, false-positive or escalated",
        )
    })?;
    if body.reason.trim().is_empty() || body.by.trim().is_empty() {
        return Err(ApiError::invalid("invalid_body", "a decision needs a reason and who made it"));
    }
    let Some(db) = state.db().map(std::path::Path::to_path_buf) else {
        return Err(ApiError::internal("the server has no store path to write to"));
    };
    let value = blocking(move || {
        let location = db.to_str().unwrap_or_default();
        let store = listwatch_store::Store::open_location(location).map_err(ApiError::internal)?;
        let recorded = store
            .add_decision(NewDecision {
                alert: id,
                decision,
                reason: body.reason,
                by: body.by,
                at: crate::cli::import::now_rfc3339(),
                supersedes: body.supersedes,
            })
            .map_err(|e| match e {
                listwatch_store::Error::NotFound(_) => {
                    ApiError::not_found("unknown_alert", "no alert has that id")
                }
                listwatch_store::Error::Invalid(why) => ApiError::invalid("invalid_body", why),
                other => ApiError::internal(other),
            })?;
        Ok(decision_json(&recorded))
    })
    .await?;
    Ok(Json(value))
}

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

/// Every watch, as `listwatch watch list --json`.
#[utoipa::path(get, path = "/watches", tag = "monitoring", security(("api_key" = ["read"]), ("bearer" = ["read"])),
    responses((status = 200, description = "The watches", body = crate::server::openapi::CliJsonList), crate::server::openapi::Failures))]
pub(crate) async fn watches(State(state): State<AppState>) -> ApiResult<Json<serde_json::Value>> {
    let snapshot = state.snapshot();
    let value = blocking(move || {
        let watches = snapshot.store().watches().map_err(ApiError::internal)?;
        serde_json::to_value(watches).map_err(ApiError::internal)
    })
    .await?;
    Ok(Json(value))
}

/// The alerts, oldest first, as `listwatch alerts --json`.
#[utoipa::path(get, path = "/alerts", tag = "monitoring", security(("api_key" = ["read"]), ("bearer" = ["read"])),
    params(("state" = Option<AlertState>, Query, description = "`open` or `closed`"),
        ("watch" = Option<String>, Query, description = "Only the alerts of this watch"),
        ("since" = Option<String>, Query, format = Date, description = "Only the alerts raised on or after this day"),
    ),
    responses((status = 200, description = "The alerts", body = crate::server::openapi::CliJsonList), crate::server::openapi::Failures))]
pub(crate) async fn alerts(
    State(state): State<AppState>,
    params: Params,
) -> ApiResult<Json<serde_json::Value>> {
    let since = params.date("since")?;
    let watch = params.get("watch").map(String::from);
    let open = match params.raw("state") {
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

/// One alert with every decision about it, as `listwatch alerts show --json`.
#[utoipa::path(get, path = "/alerts/{id}", tag = "monitoring", security(("api_key" = ["read"]), ("bearer" = ["read"])),
    params(("id" = String, Path, description = "The alert's id")),
    responses((status = 200, description = "The alert", body = crate::server::openapi::CliJson), crate::server::openapi::Failures))]
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

/// The states of an alert a client can ask for.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum AlertState {
    /// No decision yet, or escalated.
    Open,
    /// Decided: true match or false positive.
    Closed,
}

/// The kinds of decision on an alert.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) enum DecisionName {
    #[schema(rename = "true-match")]
    TrueMatch,
    #[schema(rename = "false-positive")]
    FalsePositive,
    #[schema(rename = "escalated")]
    Escalated,
}

/// The body of `POST /alerts/{id}/decision`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DecisionBody {
    /// `true-match`, `false-positive` or `escalated`.
    #[schema(value_type = DecisionName)]
    decision: String,
    /// Why: required, for the auditor.
    #[schema(min_length = 1, pattern = "\\S")]
    reason: String,
    /// Who decided.
    #[schema(min_length = 1, pattern = "\\S")]
    by: String,
    /// The id of an earlier decision this one corrects.
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(minimum = 0)]
    supersedes: Option<u64>,
}

/// Records a decision on an alert, append-only; `supersedes` corrects an earlier one.
#[utoipa::path(post, path = "/alerts/{id}/decision", tag = "monitoring", security(("api_key" = ["write"]), ("bearer" = ["write"])),
    params(("id" = String, Path, description = "The alert's id")),
    request_body = DecisionBody,
    responses((status = 200, description = "The decision recorded", body = crate::server::openapi::CliJson), crate::server::openapi::Failures, crate::server::openapi::BodyFailures))]
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

/// A whole number written as JSON may have a zero fraction (`3.0`): JSON Schema's `integer`.
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let Some(number) = Option::<serde_json::Number>::deserialize(d)? else { return Ok(None) };
    if let Some(n) = number.as_u64() {
        return Ok(Some(n));
    }
    match number.as_f64() {
        Some(f) if f >= 0.0 && f.fract() == 0.0 && f < 9.007_199_254_740_992e15 => {
            Ok(Some(f as u64))
        }
        _ => Err(serde::de::Error::custom(format!("{number} is not a decision id"))),
    }
}

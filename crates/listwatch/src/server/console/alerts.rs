//! `GET /ui/alerts?state=open|closed`: the alert queue; `GET /ui/alerts/{id}`: an alert with the
//! change behind it and every decision; `POST /ui/alerts/{id}/decision` (scope `write`): records
//! a decision, append-only, as `alerts resolve` does.

use askama::Template;
use axum::Extension;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use listwatch_model::{DecisionKind, NewDecision};

use super::session::Session;
use super::{Chrome, Failure, PageResult, blocking, check_csrf, render, require};
use crate::cli::alerts::{effective, is_open};
use crate::server::auth::Scope;
use crate::server::params::Params;
use crate::server::state::AppState;

pub(crate) struct Row {
    pub(crate) id: String,
    pub(crate) kind: &'static str,
    pub(crate) watch: String,
    pub(crate) item_label: String,
    pub(crate) entity: String,
    pub(crate) entity_name: String,
    pub(crate) change: String,
    pub(crate) day: String,
    pub(crate) open: bool,
    pub(crate) decision: String,
}

#[derive(Template)]
#[template(path = "alerts.html")]
struct AlertsPage {
    chrome: Chrome,
    rows: Vec<Row>,
    filter: String,
}

fn row(alert: &listwatch_model::Alert, decision: Option<&&listwatch_model::Decision>) -> Row {
    Row {
        id: alert.id.clone(),
        kind: alert.kind.as_str(),
        watch: alert.watch.clone(),
        item_label: alert.item_label.clone(),
        entity: alert.entity.clone().unwrap_or_default(),
        entity_name: alert.entity_name.clone().unwrap_or_default(),
        change: alert.change.clone(),
        day: alert.day.to_string(),
        open: is_open(decision),
        decision: decision.map(|d| d.decision.decision.as_str().to_string()).unwrap_or_default(),
    }
}

pub(crate) async fn page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    params: Params,
) -> PageResult {
    let filter = params.get("state").unwrap_or("open").to_string();
    let snapshot = state.snapshot();
    let wanted = filter.clone();
    let rows = blocking(move || {
        let store = snapshot.store();
        let decisions = store.decisions().map_err(Failure::internal)?;
        let effective = effective(&decisions);
        Ok(store
            .alerts()
            .map_err(Failure::internal)?
            .iter()
            .map(|a| row(a, effective.get(&a.id)))
            .filter(|r| match wanted.as_str() {
                "open" => r.open,
                "closed" => !r.open,
                _ => true,
            })
            .collect())
    })
    .await?;
    render(&AlertsPage { chrome: Chrome::new(&session, "alerts"), rows, filter })
}

pub(crate) struct DecisionRow {
    pub(crate) id: u64,
    pub(crate) decision: &'static str,
    pub(crate) reason: String,
    pub(crate) by: String,
    pub(crate) at: String,
    pub(crate) supersedes: String,
}

#[derive(Template)]
#[template(path = "alert.html")]
struct AlertPage {
    chrome: Chrome,
    alert: Row,
    sources: Vec<String>,
    explanation: Vec<String>,
    score: String,
    verdict: String,
    decisions: Vec<DecisionRow>,
    kinds: Vec<&'static str>,
    can_write: bool,
}

pub(crate) async fn detail(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
) -> PageResult {
    let snapshot = state.snapshot();
    let chrome = Chrome::new(&session, "alerts");
    let can_write = session.allows(Scope::Write);
    let page = blocking(move || {
        let store = snapshot.store();
        let alert = store.alert(&id).map_err(|_| Failure::not_found("No alert has that id."))?;
        let decisions: Vec<listwatch_model::Decision> = store
            .decisions()
            .map_err(Failure::internal)?
            .into_iter()
            .filter(|d| d.decision.alert == id)
            .collect();
        let effective = effective(&decisions);
        Ok(AlertPage {
            chrome,
            alert: row(&alert, effective.get(&alert.id)),
            sources: alert.sources.clone(),
            explanation: alert.explanation.clone(),
            score: alert.score.map(|s| format!("{s:.3}")).unwrap_or_default(),
            verdict: alert.verdict.clone().unwrap_or_default(),
            decisions: decisions
                .iter()
                .map(|d| DecisionRow {
                    id: d.id,
                    decision: d.decision.decision.as_str(),
                    reason: d.decision.reason.clone(),
                    by: d.decision.by.clone(),
                    at: d.decision.at.clone(),
                    supersedes: d.decision.supersedes.map(|n| n.to_string()).unwrap_or_default(),
                })
                .collect(),
            kinds: DecisionKind::ALL.iter().map(|k| k.as_str()).collect(),
            can_write,
        })
    })
    .await?;
    render(&page)
}

#[derive(Deserialize)]
pub(crate) struct DecisionForm {
    csrf: String,
    decision: String,
    reason: String,
}

pub(crate) async fn decide(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> PageResult {
    check_csrf(&session, &form.csrf)?;
    require(&session, Scope::Write)?;
    let decision = DecisionKind::parse(&form.decision).ok_or_else(|| {
        Failure::bad("The decision must be true-match, false-positive or escalated.")
    })?;
    if form.reason.trim().is_empty() {
        return Err(Failure::bad("A decision needs a reason."));
    }
    let Some(db) = state.db().map(std::path::Path::to_path_buf) else {
        return Err(Failure::internal("the server has no store path to write to"));
    };
    let by = session.caller.clone();
    let alert = id.clone();
    blocking(move || {
        let store = listwatch_store::Store::open(&db).map_err(Failure::internal)?;
        store
            .add_decision(NewDecision {
                alert,
                decision,
                reason: form.reason,
                by,
                at: crate::cli::import::now_rfc3339(),
                supersedes: None,
            })
            .map_err(|e| match e {
                listwatch_store::Error::NotFound(_) => Failure::not_found("No alert has that id."),
                listwatch_store::Error::Invalid(why) => Failure::bad(why),
                other => Failure::internal(other),
            })
    })
    .await?;
    Ok(Redirect::to(&format!("/ui/alerts/{}", super::lists::urlencode(&id))).into_response())
}

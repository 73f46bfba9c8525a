//! `GET /ui/events?entity=`: the recorded legal events, the audit trail (who recorded what, when,
//! superseded or back-filled), and the form that records one; `POST /ui/events` records it with
//! the checks of `event add` ([`listwatch_core::events::check_event`]) and shows the entity.

use askama::Template;
use axum::Extension;
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use listwatch_core::events::{EventInput, check_event, entity_known};
use listwatch_model::{Date, EntityId, EventKind};

use super::session::Session;
use super::{Chrome, Failure, PageResult, blocking, check_csrf, render, require};
use crate::server::auth::Scope;
use crate::server::params::Params;
use crate::server::state::AppState;

pub(crate) struct Row {
    pub(crate) id: u64,
    pub(crate) entity: String,
    pub(crate) kind: String,
    pub(crate) date: Date,
    pub(crate) effective: Date,
    pub(crate) entered_at: String,
    pub(crate) author: String,
    pub(crate) citation: String,
    pub(crate) url: Option<String>,
    pub(crate) note: String,
}

/// The form's values, shown back after a refusal.
#[derive(Default, Deserialize)]
pub(crate) struct EventForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pub(crate) entity: String,
    #[serde(default)]
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) date: String,
    #[serde(default)]
    pub(crate) effective: String,
    #[serde(default)]
    pub(crate) citation: String,
    #[serde(default)]
    pub(crate) url: String,
    #[serde(default)]
    pub(crate) scope: String,
    #[serde(default)]
    pub(crate) known_since: String,
    #[serde(default)]
    pub(crate) note: String,
}

#[derive(Template)]
#[template(path = "events.html")]
struct EventsPage {
    chrome: Chrome,
    form: EventForm,
    kinds: Vec<&'static str>,
    restrictions: Vec<String>,
    rows: Vec<Row>,
    error: Option<String>,
    can_write: bool,
}

fn rows(state: &AppState, entity: Option<&str>) -> Result<Vec<Row>, Failure> {
    let events = state.snapshot().store().events(entity).map_err(Failure::internal)?;
    let superseded: Vec<u64> = events.iter().filter_map(|e| e.event.supersedes).collect();
    Ok(events
        .iter()
        .rev()
        .map(|e| {
            let mut note = Vec::new();
            if let Some(n) = e.event.supersedes {
                note.push(format!("corrects {n}"));
            }
            if superseded.contains(&e.id) {
                note.push("superseded".to_string());
            }
            if e.is_backfilled()
                && let Some(known) = e.event.known_since
            {
                note.push(format!("back-filled: known since {known}"));
            }
            if let Some(text) = &e.event.note {
                note.push(text.clone());
            }
            Row {
                id: e.id,
                entity: e.event.entity.clone(),
                kind: e.event.kind.to_string(),
                date: e.event.date,
                effective: e.event.effective,
                entered_at: e.event.entered_at.clone(),
                author: e.event.author.clone(),
                citation: e.event.citation.clone(),
                url: e
                    .event
                    .url
                    .clone()
                    .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
                note: note.join("; "),
            }
        })
        .collect())
}

fn events_page(
    state: &AppState,
    session: &Session,
    form: EventForm,
    error: Option<String>,
) -> Result<EventsPage, Failure> {
    let entity = Some(form.entity.trim()).filter(|e| EntityId::parse(e).is_ok());
    Ok(EventsPage {
        chrome: Chrome::new(session, "events"),
        rows: rows(state, entity)?,
        kinds: EventKind::ALL.iter().map(|k| k.as_str()).collect(),
        restrictions: state.snapshot().regimes.restriction_kinds(),
        form,
        error,
        can_write: session.allows(Scope::Write),
    })
}

pub(crate) async fn page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    params: Params,
) -> PageResult {
    let form = EventForm {
        entity: params.get("entity").unwrap_or("").to_string(),
        kind: params.get("kind").unwrap_or("").to_string(),
        ..EventForm::default()
    };
    render(&events_page(&state, &session, form, None)?)
}

fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

pub(crate) async fn record(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(form): Form<EventForm>,
) -> PageResult {
    check_csrf(&session, &form.csrf)?;
    require(&session, Scope::Write)?;
    let Some(ctx) = state.ctx().map(|c| c.with_db(c.db_path().to_path_buf())) else {
        return Err(Failure::internal("the server has no store path to write to"));
    };
    let input = EventInput {
        entity: form.entity.trim().to_string(),
        kind: form.kind.trim().to_string(),
        date: form.date.clone(),
        effective: optional(&form.effective),
        citation: form.citation.trim().to_string(),
        url: optional(&form.url),
        scope: form
            .scope
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        known_since: optional(&form.known_since),
        author: session.caller.clone(),
        entered_at: crate::cli::import::now_rfc3339(),
        supersedes: None,
        note: optional(&form.note),
    };
    let today = Date::today_utc();
    let checked = check_event(input, &state.snapshot().regimes, today, &|f| f.replace('-', " "));
    let event = match checked {
        Ok(event) => event,
        Err(error) => {
            let mut page = events_page(&state, &session, form, Some(error))?;
            page.chrome.page = "events";
            let mut response = render(&page)?;
            *response.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            return Ok(response);
        }
    };
    let outcome = blocking(move || {
        let id = EntityId::parse(&event.entity).map_err(Failure::bad)?;
        let store = ctx.open_existing_for_writing().map_err(Failure::internal)?;
        if !entity_known(&store, &id)? {
            return Ok(Err(format!(
                "{id} is in no version of {} in the store, and events are never deleted: check the id.",
                id.list
            )));
        }
        let recorded = store.add_event(event).map_err(Failure::internal)?;
        // The watched holdings are re-checked as `event add` does; a failure leaves the event
        // recorded, and `listwatch monitor run` retries.
        if let Err(err) = crate::cli::monitor::recheck_holdings(
            &ctx,
            &store,
            today,
            &format!("event {} ({})", recorded.id, recorded.event.kind),
            &[format!("event:{}", recorded.id)],
            Some(&recorded.event.entity),
        ) {
            crate::server::log::error(&format!("console: re-checking the watched holdings failed: {err:#}"));
        }
        Ok(Ok(recorded))
    })
    .await?;
    match outcome {
        Ok(recorded) => {
            // The snapshot in force reads events from the store, so the entity page shows the
            // new event at once.
            let target = format!(
                "/ui/entities/{}?as_of={}",
                super::lists::urlencode(&recorded.event.entity),
                recorded.event.effective
            );
            Ok(Redirect::to(&target).into_response())
        }
        Err(error) => {
            let mut response = render(&events_page(&state, &session, form, Some(error))?)?;
            *response.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            Ok(response)
        }
    }
}

//! `GET /ui/holdings`: the upload form, and the session's last report with its verdicts filtered
//! by `?status=`; `POST /ui/holdings` (multipart: the file, `as_of`, `known_on`) checks a holdings
//! CSV as `portfolio check` does; `GET /ui/holdings/report.csv` downloads that report in the CSV
//! of `portfolio check --output x.csv`.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Multipart, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect};

use listwatch_core::holdings::Holding;
use listwatch_model::Date;
use listwatch_status::Question;

use super::session::Session;
use super::{Chrome, Failure, PageResult, blocking, check_csrf, form_date, render, require};
use crate::cli::portfolio::{HoldingsReader, report, write_csv};
use crate::server::auth::Scope;
use crate::server::params::Params;
use crate::server::state::AppState;

/// A checked holdings file, kept in the session for its page and its download.
pub(crate) struct Checked {
    pub(crate) file: String,
    pub(crate) as_of: Date,
    pub(crate) known_on: Option<Date>,
    pub(crate) consulted: Vec<String>,
    pub(crate) not_consulted: Vec<String>,
    pub(crate) holdings: Vec<Holding>,
    pub(crate) csv: Vec<u8>,
}

pub(crate) struct Row {
    pub(crate) row: u64,
    pub(crate) isin: String,
    pub(crate) ticker: String,
    pub(crate) status: &'static str,
    pub(crate) entity_id: String,
    pub(crate) since: String,
    pub(crate) divest_until: String,
    pub(crate) reason: String,
}

#[derive(Template)]
#[template(path = "holdings.html")]
struct HoldingsPage {
    chrome: Chrome,
    checked: Option<Arc<Checked>>,
    rows: Vec<Row>,
    counts: Vec<(&'static str, usize)>,
    filter: String,
    today: Date,
}

pub(crate) async fn page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    params: Params,
) -> PageResult {
    let checked = state.sessions().report(&session.id);
    let filter = params.get("status").unwrap_or("").to_string();
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    let mut rows = Vec::new();
    if let Some(checked) = &checked {
        for h in &checked.holdings {
            let status = h.status.as_str();
            match counts.iter_mut().find(|(s, _)| *s == status) {
                Some((_, n)) => *n += 1,
                None => counts.push((status, 1)),
            }
            if !filter.is_empty() && filter != status {
                continue;
            }
            let date = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
            rows.push(Row {
                row: h.row,
                isin: h.isin.clone().unwrap_or_default(),
                ticker: h.ticker.clone().unwrap_or_default(),
                status,
                entity_id: h.entity_id.clone().unwrap_or_default(),
                since: date(h.since),
                divest_until: date(h.divest_until),
                reason: h.reason.clone(),
            });
        }
    }
    render(&HoldingsPage {
        chrome: Chrome::new(&session, "holdings"),
        checked,
        rows,
        counts,
        filter,
        today: Date::today_utc(),
    })
}

pub(crate) async fn check(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    mut multipart: Multipart,
) -> PageResult {
    let (mut csrf, mut as_of, mut known_on, mut file, mut bytes) =
        (String::new(), String::new(), String::new(), String::new(), None);
    while let Some(field) =
        multipart.next_field().await.map_err(|e| Failure::bad(format!("the form: {e}")))?
    {
        let name = field.name().unwrap_or("").to_string();
        if name == "holdings" {
            file = field.file_name().unwrap_or("holdings.csv").to_string();
            bytes = Some(field.bytes().await.map_err(|e| Failure::bad(format!("the file: {e}")))?);
            continue;
        }
        let text = field.text().await.map_err(|e| Failure::bad(format!("the form: {e}")))?;
        match name.as_str() {
            "csrf" => csrf = text,
            "as_of" => as_of = text,
            "known_on" => known_on = text,
            _ => {}
        }
    }
    check_csrf(&session, &csrf)?;
    require(&session, Scope::Screen)?;
    let bytes = bytes
        .filter(|b| !b.is_empty())
        .ok_or_else(|| Failure::bad("Choose a holdings file (CSV) to check."))?;
    let as_of = form_date("as of", Some(&as_of))?.unwrap_or_else(Date::today_utc);
    let known_on = form_date("known on", Some(&known_on))?;
    let snapshot = state.snapshot();
    let caller = session.caller.clone();
    let worker = state.clone();
    let checked = blocking(move || {
        let mut rows = HoldingsReader::new(&bytes[..], "the holdings file")
            .map_err(|err| Failure::bad(format!("{err:#}")))?;
        let question = Question { as_of, known_on };
        let consultation = snapshot.catalog.consulted(as_of, known_on);
        let mut checker = snapshot.checker(question);
        let mut holdings = Vec::new();
        while let Some((number, row)) = rows.next_row().map_err(|e| Failure::bad(e.to_string()))? {
            holdings.push(checker.check(number, row)?);
        }
        worker
            .record(&[crate::audit::portfolio_record(
                &caller,
                "POST /ui/holdings",
                question,
                &consultation,
                &holdings,
            )])
            .map_err(Failure::from)?;
        let mut csv = Vec::new();
        write_csv(&mut csv, &report(as_of, known_on, &consultation, &holdings))
            .map_err(Failure::internal)?;
        Ok(Checked {
            file: crate::server::params::excerpt(&file),
            as_of,
            known_on,
            consulted: consultation
                .consulted
                .iter()
                .map(|(list, v)| {
                    format!("{list} version {} (published {})", v.version, v.published)
                })
                .collect(),
            not_consulted: consultation
                .not_consulted
                .iter()
                .map(|(list, why)| format!("{list}: {why}"))
                .collect(),
            holdings,
            csv,
        })
    })
    .await?;
    state.sessions().keep_report(&session.id, Arc::new(checked));
    Ok(Redirect::to("/ui/holdings").into_response())
}

pub(crate) async fn download(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> PageResult {
    let checked = state
        .sessions()
        .report(&session.id)
        .ok_or_else(|| Failure::not_found("No holdings file has been checked in this session."))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"holdings-report-{}.csv\"", checked.as_of),
            ),
        ],
        checked.csv.clone(),
    )
        .into_response())
}

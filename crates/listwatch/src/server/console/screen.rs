//! `GET /ui/screen`: a name (any script) with optional schema, birth date, country and an
//! identifier; ranked results with their explanation, the list versions and the matcher stamp.

use askama::Template;
use axum::Extension;
use axum::extract::State;

use listwatch_core::query::{IdentifierInput, OneOrMany, QueryInput};

use super::session::Session;
use super::{Chrome, Failure, PageResult, blocking, render, require};
use crate::server::auth::Scope;
use crate::server::params::Params;
use crate::server::state::AppState;

/// The most results a page shows.
const LIMIT: usize = 20;

/// The form's values, shown back in the form.
#[derive(Default)]
pub(crate) struct Asked {
    pub(crate) name: String,
    pub(crate) schema: String,
    pub(crate) birth_date: String,
    pub(crate) country: String,
    pub(crate) id_type: String,
    pub(crate) id_value: String,
}

pub(crate) struct Pair {
    pub(crate) query: String,
    pub(crate) candidate: String,
    pub(crate) method: &'static str,
    pub(crate) similarity: String,
    pub(crate) weight: String,
}

pub(crate) struct FeatureRow {
    pub(crate) feature: String,
    pub(crate) detail: String,
    pub(crate) contribution: String,
}

pub(crate) struct Row {
    pub(crate) entity_id: String,
    pub(crate) name: String,
    pub(crate) matched_name: String,
    pub(crate) score: String,
    pub(crate) is_match: bool,
    pub(crate) schema: &'static str,
    pub(crate) programs: String,
    pub(crate) list: String,
    pub(crate) version: u32,
    pub(crate) name_score: Option<String>,
    pub(crate) pairs: Vec<Pair>,
    pub(crate) unmatched_query: String,
    pub(crate) unmatched_candidate: String,
    pub(crate) features: Vec<FeatureRow>,
}

pub(crate) struct Answered {
    pub(crate) rows: Vec<Row>,
    pub(crate) versions: Vec<String>,
    pub(crate) matcher: String,
    pub(crate) warnings: Vec<String>,
}

#[derive(Template)]
#[template(path = "screen.html")]
struct ScreenPage {
    chrome: Chrome,
    asked: Asked,
    schemas: &'static [&'static str],
    answered: Option<Answered>,
    error: Option<String>,
}

const SCHEMAS: &[&str] = &["Person", "Organization", "Company", "Vessel", "Aircraft", "Security"];

pub(crate) async fn page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    params: Params,
) -> PageResult {
    let field = |name: &str| params.get(name).unwrap_or("").to_string();
    let asked = Asked {
        name: field("name"),
        schema: field("schema"),
        birth_date: field("birth_date"),
        country: field("country"),
        id_type: field("id_type"),
        id_value: field("id_value"),
    };
    let chrome = Chrome::new(&session, "screen");
    if asked.name.trim().is_empty() && asked.id_value.trim().is_empty() {
        return render(&ScreenPage {
            chrome,
            asked,
            schemas: SCHEMAS,
            answered: None,
            error: None,
        });
    }
    require(&session, Scope::Screen)?;
    let input = QueryInput {
        name: Some(asked.name.clone()),
        schema: Some(asked.schema.clone()),
        birth_date: Some(asked.birth_date.clone()),
        country: Some(OneOrMany::One(asked.country.clone())),
        identifiers: if asked.id_value.trim().is_empty() {
            Vec::new()
        } else {
            vec![IdentifierInput {
                kind: if asked.id_type.trim().is_empty() {
                    "other".to_string()
                } else {
                    asked.id_type.trim().to_string()
                },
                value: asked.id_value.trim().to_string(),
                country: None,
            }]
        },
        ..QueryInput::default()
    };
    let query = match input.to_query(&[]) {
        Ok(query) => query,
        Err(error) => {
            return render(&ScreenPage {
                chrome,
                asked,
                schemas: SCHEMAS,
                answered: None,
                error: Some(error),
            });
        }
    };
    let snapshot = state.snapshot();
    let caller = session.caller.clone();
    let answered = blocking(move || {
        let results = snapshot.screen(&query, LIMIT);
        state
            .record(&[crate::cli::screen::screen_record(
                &caller,
                "GET /ui/screen",
                serde_json::to_value(&input).unwrap_or_default(),
                &snapshot.index,
                &query,
                LIMIT,
                &results,
            )])
            .map_err(Failure::from)?;
        let info = snapshot.index.matcher_info();
        let rows = results
            .iter()
            .map(|r| Row {
                entity_id: r.entity_id.clone(),
                name: r.name.clone(),
                matched_name: r.matched_name.clone(),
                score: format!("{:.3}", r.score),
                is_match: r.is_match,
                schema: r.schema.as_str(),
                programs: r.programs.join(", "),
                list: r.list.clone(),
                version: r.version,
                name_score: r.explanation.name_score.map(|s| format!("{s:.3}")),
                pairs: r
                    .explanation
                    .tokens
                    .iter()
                    .map(|t| Pair {
                        query: t.query.clone(),
                        candidate: t.candidate.clone(),
                        method: t.method.as_str(),
                        similarity: format!("{:.2}", t.similarity),
                        weight: format!("{:.2}", t.weight),
                    })
                    .collect(),
                unmatched_query: r.explanation.unmatched_query_tokens.join(" "),
                unmatched_candidate: r.explanation.unmatched_candidate_tokens.join(" "),
                features: r
                    .explanation
                    .features
                    .iter()
                    .map(|f| FeatureRow {
                        feature: f.feature.as_str().to_string(),
                        detail: f.detail.clone(),
                        contribution: format!("{:+.3}", f.contribution),
                    })
                    .collect(),
            })
            .collect();
        Ok(Answered {
            rows,
            versions: snapshot
                .screened
                .iter()
                .map(|l| format!("{} (published {})", l.short(), l.published))
                .collect(),
            matcher: format!(
                "matcher {}, configuration {}, threshold {:.2}",
                info.version, info.config_hash, info.threshold
            ),
            warnings: input.warnings(),
        })
    })
    .await?;
    render(&ScreenPage { chrome, asked, schemas: SCHEMAS, answered: Some(answered), error: None })
}

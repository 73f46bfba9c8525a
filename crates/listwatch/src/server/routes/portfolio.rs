//! `POST /portfolio/check?as_of=&known_on=` with a holdings CSV (or, with `Content-Type:
//! application/json`, `{"holdings": [...]}`) as the body: the same JSON as `listwatch portfolio
//! check --json`.

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::{Extension, Json};

use listwatch_model::Date;
use listwatch_status::Question;

use axum::http::{HeaderMap, header};
use listwatch_core::holdings::Row;
use serde::Deserialize;

use super::{blocking, body, json};
use crate::cli::portfolio::{HoldingsReader, report};
use crate::server::auth::Caller;
use crate::server::error::{ApiError, ApiResult};
use crate::server::params::Params;
use crate::server::state::AppState;

/// Checks securities holdings: restricted, clear, or unknown, for each row of a holdings CSV.
#[utoipa::path(post, path = "/portfolio/check", tag = "screening", security(("api_key" = ["screen"]), ("bearer" = ["screen"])),
    params(("as_of" = Option<String>, Query, format = Date, description = "The day asked about (default today)"),
        ("known_on" = Option<String>, Query, format = Date, description = "Use only what was known by this day"),
    ),
    request_body(content((HoldingsBody = "application/json"), (CsvHoldings = "text/csv")), description = "A holdings CSV with a header row (columns: any of isin, ticker, exchange, issuer, quantity), as `portfolio check` reads; or, as JSON, `{\"holdings\": [{\"isin\", \"ticker\", \"exchange\", \"issuer\", \"quantity\"}]}`"),
    responses((status = 200, description = "The report, as `portfolio check --json`", body = crate::server::openapi::CliJson), crate::server::openapi::Failures, crate::server::openapi::BodyFailures))]
pub(crate) async fn check(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    params: Params,
    request_body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<serde_json::Value>> {
    let bytes = body(request_body)?;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/json"));
    let from_json: Option<Vec<Row>> = if is_json {
        let body: HoldingsBody = json(&bytes)?;
        Some(body.holdings.into_iter().map(Row::from).collect())
    } else {
        None
    };
    let as_of = params.date("as_of")?.unwrap_or_else(Date::today_utc);
    let known_on = params.date("known_on")?;
    let snapshot = state.snapshot();
    let value = blocking(move || {
        let question = Question { as_of, known_on };
        let consultation = snapshot.catalog.consulted(as_of, known_on);
        let mut checker = snapshot.checker(question);
        let mut holdings = Vec::new();
        if let Some(rows) = from_json {
            for (number, row) in (1..).zip(rows) {
                holdings.push(checker.check(number, Ok(row))?);
            }
        } else {
            let mut rows = HoldingsReader::new(&bytes[..], "the holdings")
                .map_err(|err| ApiError::invalid("invalid_csv", format!("{err:#}")))?;
            while let Some((number, row)) =
                rows.next_row().map_err(|err| ApiError::invalid("invalid_csv", err.to_string()))?
            {
                holdings.push(checker.check(number, row)?);
            }
        }
        state.record(&[crate::audit::portfolio_record(
            &caller.0,
            "POST /portfolio/check",
            question,
            &consultation,
            &holdings,
        )])?;
        serde_json::to_value(report(as_of, known_on, &consultation, &holdings))
            .map_err(ApiError::internal)
    })
    .await?;
    Ok(Json(value))
}

/// The JSON form of a holdings file.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct HoldingsBody {
    /// The holdings, each checked as a row of the CSV would be (row numbers count from 1).
    holdings: Vec<HoldingInput>,
}

/// One holding: any of its identifying columns, as in the CSV.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct HoldingInput {
    isin: Option<String>,
    ticker: Option<String>,
    exchange: Option<String>,
    issuer: Option<String>,
    quantity: Option<Quantity>,
}

/// A quantity: a number, or its text as in the CSV.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub(crate) enum Quantity {
    Number(f64),
    Text(String),
}

impl From<HoldingInput> for Row {
    fn from(input: HoldingInput) -> Row {
        let text = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
        Row {
            isin: text(input.isin),
            ticker: text(input.ticker),
            exchange: text(input.exchange),
            issuer: text(input.issuer),
            quantity: match input.quantity {
                None => None,
                Some(Quantity::Text(s)) => text(Some(s)),
                Some(Quantity::Number(n)) => Some(n.to_string()),
            },
        }
    }
}

/// A holdings CSV: a header row naming any of the columns isin, ticker, exchange, issuer,
/// quantity (at least one of isin, ticker, issuer), then one holding per row.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, pattern = "^(isin|ticker|issuer)(,(isin|ticker|exchange|issuer|quantity))*\\n")]
#[allow(dead_code)]
pub(crate) struct CsvHoldings(String);

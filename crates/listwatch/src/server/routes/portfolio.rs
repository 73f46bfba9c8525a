//! `POST /portfolio/check?as_of=&known_on=` with a holdings CSV as the body: the same JSON as
//! `listwatch portfolio check --json`.

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::{Extension, Json};

use listwatch_model::Date;
use listwatch_status::Question;

use super::{blocking, body};
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
    request_body(content = String, content_type = "text/csv", description = "A holdings CSV, as `portfolio check` reads"),
    responses((status = 200, description = "The report, as `portfolio check --json`", body = crate::server::openapi::CliJson), crate::server::openapi::BodyFailures))]
pub(crate) async fn check(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    params: Params,
    request_body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<serde_json::Value>> {
    let bytes = body(request_body)?;
    let as_of = params.date("as_of")?.unwrap_or_else(Date::today_utc);
    let known_on = params.date("known_on")?;
    let snapshot = state.snapshot();
    let value = blocking(move || {
        let mut rows = HoldingsReader::new(&bytes[..], "the holdings")
            .map_err(|err| ApiError::invalid("invalid_csv", format!("{err:#}")))?;
        let question = Question { as_of, known_on };
        let consultation = snapshot.catalog.consulted(as_of, known_on);
        let mut checker = snapshot.checker(question);
        let mut holdings = Vec::new();
        while let Some((number, row)) =
            rows.next_row().map_err(|err| ApiError::invalid("invalid_csv", err.to_string()))?
        {
            holdings.push(checker.check(number, row)?);
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

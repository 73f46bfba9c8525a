//! `POST /screen?limit=&list=`: a JSONL batch of queries (the format of `screen --input`) in,
//! one JSONL line per query out, in the format of `screen --output x.jsonl`, streamed as each
//! chunk of queries is screened.

use axum::Extension;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::cli::screen::{BatchLine, QueryReader, ScreenedListJson};
use crate::limits::BATCH_CHUNK;
use crate::server::auth::Caller;
use crate::server::error::{ApiError, ApiResult};
use crate::server::params::{Params, excerpt};
use crate::server::state::AppState;

/// Batch screening: JSONL queries in, one JSONL line per query out, streamed.
///
/// Each line of the body is a query in the format of `screen --input x.jsonl`; each line of the
/// answer is a result in the format of `screen --output x.jsonl`.
#[utoipa::path(post, path = "/screen", tag = "screening", security(("api_key" = ["screen"]), ("bearer" = ["screen"])),
    params(("limit" = Option<usize>, Query, minimum = 1, maximum = 500, description = "At most this many results per query (default 10)"),
        ("list" = Option<Vec<String>>, Query, description = "Screen only these lists"),
    ),
    request_body(content = JsonLines, content_type = "application/x-ndjson", description = "One JSON query per line"),
    responses((status = 200, description = "One JSON result per line", body = String, content_type = "application/x-ndjson"), crate::server::openapi::Failures, crate::server::openapi::BodyFailures))]
pub(crate) async fn screen(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    params: Params,
    request_body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let bytes = super::body(request_body)?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::invalid(
            "invalid_body",
            "the body holds no query: send one JSON query per line",
        ));
    }
    let limit: usize = params.parse("limit", 10, "a whole number")?;
    let max = state.limits().max_limit;
    if limit == 0 || limit > max {
        return Err(ApiError::invalid(
            "invalid_parameter",
            format!("limit must be between 1 and {max}, not {limit}"),
        ));
    }
    let snapshot = state.snapshot();
    let lists = params.all("list");
    if let Some(unknown) = lists.iter().find(|l| !snapshot.screened.iter().any(|s| &s.list == *l)) {
        return Err(ApiError::not_found(
            "unknown_list",
            format!("no list named {:?} in the store", excerpt(unknown)),
        ));
    }
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::task::spawn_blocking(move || {
        let versions: Vec<ScreenedListJson> = snapshot.screened.iter().map(Into::into).collect();
        let matcher = snapshot.index.matcher_info();
        let mut reader = QueryReader::jsonl(&bytes[..]);
        loop {
            let mut chunk = String::new();
            let mut records = Vec::new();
            let mut n = 0;
            while n < BATCH_CHUNK {
                let item = match reader.next_item() {
                    Ok(Some(item)) => item,
                    Ok(None) => break,
                    Err(err) => {
                        let _ = sender.blocking_send(Err(err));
                        return;
                    }
                };
                n += 1;
                let warnings = item.query.as_ref().map(|q| q.warnings()).unwrap_or_default();
                let (results, error) = match &item.query {
                    Ok(input) => match input.to_query(&lists) {
                        Ok(query) => {
                            let results = snapshot.index.screen(&query, limit);
                            records.push(crate::cli::screen::screen_record(
                                &caller.0,
                                "POST /screen",
                                serde_json::to_value(input).unwrap_or_default(),
                                &snapshot.index,
                                &query,
                                limit,
                                &results,
                            ));
                            (results, None)
                        }
                        Err(err) => (Vec::new(), Some(err)),
                    },
                    Err(err) => (Vec::new(), Some(err.clone())),
                };
                let line = BatchLine {
                    id: item.id,
                    line: error.as_ref().map(|_| item.line),
                    error,
                    results: &results,
                    list_versions: &versions,
                    matcher: &matcher,
                    warnings,
                };
                if let Ok(text) = serde_json::to_string(&line) {
                    chunk.push_str(&text);
                    chunk.push('\n');
                }
            }
            if n == 0 {
                return;
            }
            if state.record(&records).is_err() {
                let _ = sender.blocking_send(Err(std::io::Error::other("cannot record the audit")));
                return;
            }
            if sender.blocking_send(Ok(Bytes::from(chunk))).is_err() {
                return; // The client went away.
            }
        }
    });
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|item| (item, receiver))
    });
    Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], Body::from_stream(stream))
        .into_response())
}

/// JSON Lines: one JSON query per line, as `screen --input x.jsonl` reads them (at least one).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, min_length = 1, pattern = "\\S")]
#[allow(dead_code)]
pub(crate) struct JsonLines(String);

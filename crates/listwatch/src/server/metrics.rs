//! Prometheus metrics: the `metrics` facade, recorded into `metrics-exporter-prometheus` (no
//! listener of its own, no push gateway), rendered by `GET /metrics`.
//!
//! - `listwatch_http_requests_total{route,method,status}` and
//!   `listwatch_http_request_duration_seconds{route,method,status}` (a histogram), where `route`
//!   is the matched route (`/match/{dataset}`), `unmatched` for any other path;
//! - `listwatch_list_age_days{list}`: days since the publication of each list's current version;
//! - `listwatch_index_entities`, `listwatch_snapshot_build_seconds`: of the snapshot in force;
//! - `listwatch_snapshot_swaps_total`: new snapshots put in force since the server started.

use std::sync::OnceLock;
use std::time::Duration;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use listwatch_model::Date;

use super::state::AppState;

/// The buckets of the latency histogram, in seconds.
const BUCKETS: &[f64] =
    &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// The process's recorder, installed once (every server of the process shares it).
pub(crate) fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new();
        let builder = builder
            .set_buckets_for_metric(
                metrics_exporter_prometheus::Matcher::Full(
                    "listwatch_http_request_duration_seconds".to_string(),
                ),
                BUCKETS,
            )
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Another recorder installed first (never in this binary) leaves ours unfed but harmless.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// The matched route of a request, carried to the response so the frame can label its metrics.
#[derive(Clone, Debug)]
pub(crate) struct Route(pub(crate) String);

/// Copies the matched route onto the response.
pub(crate) async fn route(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|m| Route(m.as_str().to_string()));
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(route);
    }
    response
}

/// Counts a request and records its latency.
pub(crate) fn observe(route: &str, method: &str, status: u16, elapsed: Duration) {
    handle();
    let labels = [
        ("route", route.to_string()),
        ("method", method.to_string()),
        ("status", status.to_string()),
    ];
    metrics::counter!("listwatch_http_requests_total", &labels).increment(1);
    metrics::histogram!("listwatch_http_request_duration_seconds", &labels)
        .record(elapsed.as_secs_f64());
}

/// Counts a snapshot put in force.
pub(crate) fn swapped() {
    handle();
    metrics::counter!("listwatch_snapshot_swaps_total").increment(1);
}

/// Prometheus metrics: requests and latency by route and status, list ages, snapshot build time, index size.
#[utoipa::path(get, path = "/metrics", tag = "operations", security(("api_key" = ["read"]), ("bearer" = ["read"])),
    responses((status = 200, description = "Prometheus' text format", body = String, content_type = "text/plain"), crate::server::openapi::Failures))]
pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    let handle = handle();
    let snapshot = state.snapshot();
    let today = Date::today_utc().to_days();
    for list in &snapshot.screened {
        metrics::gauge!("listwatch_list_age_days", "list" => list.list.clone())
            .set((today - list.published.to_days()) as f64);
    }
    metrics::gauge!("listwatch_index_entities").set(snapshot.index.len() as f64);
    metrics::gauge!("listwatch_snapshot_build_seconds").set(snapshot.build_time.as_secs_f64());
    metrics::counter!("listwatch_snapshot_swaps_total").increment(0);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], handle.render()).into_response()
}

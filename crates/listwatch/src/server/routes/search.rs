//! `GET /search/{dataset}?q=`: yente's search, answered by the matcher on the name (or, without
//! `q`, every current entity of the dataset), with `limit`, `offset`, `schema`, `countries` and
//! `topics` filters, and facets.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};

use listwatch_matcher::Query;

use super::{blocking, dataset_lists};
use crate::server::error::{ApiError, ApiResult};
use crate::server::ftm::{self, FtmEntity};
use crate::server::params::Params;
use crate::server::state::AppState;

/// The most results a search looks at, whatever the offset.
const MAX_WINDOW: usize = 10_000;

/// Search the lists by name, as yente's `/search`.
///
/// With `q`, the matcher ranks entities by name; without it, every current entity of the dataset
/// is listed. Filters by schema, countries and topics, with facets.
#[utoipa::path(get, path = "/search/{dataset}", tag = "matching", security(("api_key" = ["read"]), ("bearer" = ["read"])),
    params(("dataset" = String, Path, description = "`default` (every list), `sanctions` (the same), or a list's name"),
        ("q" = Option<String>, Query, max_length = 1000, description = "A name, in any script (at most 1,000 characters)"),
        ("limit" = Option<usize>, Query, minimum = 0, maximum = 500, description = "At most this many results (default 10)"),
        ("offset" = Option<usize>, Query, maximum = 9500, description = "Skip this many results (offset + limit at most 10,000)"),
        ("schema" = Option<String>, Query, pattern = "^(|Thing|LegalEntity|Person|Organization|PublicBody|Company|Vessel|Airplane|Security)$", description = "Only entities of this FtM schema"),
        ("countries" = Option<Vec<String>>, Query, description = "Only entities tied to one of these countries (ISO codes)"),
        ("topics" = Option<Vec<String>>, Query, description = "Only entities with one of these topics (every listed entity has `sanction`)"),
    ),
    responses((status = 200, description = "The results, their total and facets", body = crate::server::openapi::CliJson), crate::server::openapi::Failures))]
pub(crate) async fn search(
    State(state): State<AppState>,
    Path(dataset): Path<String>,
    params: Params,
) -> ApiResult<Json<serde_json::Value>> {
    let snapshot = state.snapshot();
    let lists = dataset_lists(&snapshot, &dataset)?;
    let limit: usize = params.parse("limit", 10, "a whole number")?;
    let offset: usize = params.parse("offset", 0, "a whole number")?;
    let max = state.limits().max_limit;
    if limit > max || offset + limit > MAX_WINDOW {
        return Err(ApiError::invalid(
            "invalid_parameter",
            format!("limit must be at most {max}, and offset + limit at most {MAX_WINDOW}"),
        ));
    }
    let schema = match params.get("schema") {
        Some(name) => {
            ftm::parse_schema(name).map_err(|()| super::matching::unknown_schema(name))?
        }
        None => None,
    };
    let countries: Vec<String> =
        params.all("countries").iter().map(|c| c.to_ascii_lowercase()).collect();
    let topics = params.all("topics");
    let q = params.get("q").map(String::from);
    if q.as_ref().is_some_and(|q| q.chars().count() > listwatch_core::limits::MAX_NAME_CHARS) {
        return Err(ApiError::invalid(
            "invalid_parameter",
            "q is longer than the limit of 1000 characters",
        ));
    }
    let response = blocking(move || {
        let mut hits: Vec<(FtmEntity, Option<f64>)> = Vec::new();
        let keep = |entity: &FtmEntity| {
            schema.is_none_or(|s| entity.schema == ftm::schema_name(s))
                && (countries.is_empty()
                    || ["country", "nationality", "citizenship", "jurisdiction"].iter().any(|p| {
                        entity.properties.get(p).is_some_and(|vs| vs.iter().any(|v| countries.contains(v)))
                    }))
                && (topics.is_empty() || topics.iter().any(|t| t == "sanction"))
        };
        match &q {
            Some(text) => {
                let query = Query { lists: lists.clone(), ..Query::named(text.clone()) };
                for result in snapshot.index.screen(&query, MAX_WINDOW.min(offset + limit + 200)) {
                    let Some(entry) = snapshot.catalog.get(&result.entity_id) else { continue };
                    let entity = ftm::render(&snapshot, entry);
                    if keep(&entity) {
                        hits.push((entity, Some(result.score)));
                    }
                }
            }
            None => {
                for entry in snapshot.catalog.entries.iter().filter(|e| e.current && lists.contains(&e.list.to_string())) {
                    let entity = ftm::render(&snapshot, entry);
                    if keep(&entity) {
                        hits.push((entity, None));
                    }
                    if hits.len() >= MAX_WINDOW {
                        break;
                    }
                }
            }
        }
        let mut datasets: BTreeMap<String, usize> = BTreeMap::new();
        let mut schemata: BTreeMap<&str, usize> = BTreeMap::new();
        for (entity, _) in &hits {
            for d in &entity.datasets {
                *datasets.entry(d.clone()).or_default() += 1;
            }
            *schemata.entry(entity.schema).or_default() += 1;
        }
        let facet = |label: &str, counts: Vec<(String, usize)>| {
            serde_json::json!({
                "label": label,
                "values": counts.into_iter().map(|(name, count)| serde_json::json!({"name": name, "label": name, "count": count})).collect::<Vec<_>>(),
            })
        };
        let total = hits.len();
        let results: Vec<serde_json::Value> = hits
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|(entity, score)| {
                let mut value = serde_json::to_value(entity).unwrap_or_default();
                if let Some(score) = score {
                    value["score"] = serde_json::json!(score);
                }
                value
            })
            .collect();
        Ok(serde_json::json!({
            "limit": limit,
            "offset": offset,
            "total": {"value": total, "relation": "eq"},
            "results": results,
            "facets": {
                "datasets": facet("Data sources", datasets.into_iter().collect()),
                "schema": facet("Types", schemata.into_iter().map(|(k, v)| (k.to_string(), v)).collect()),
                "topics": facet("Topics", if total > 0 { vec![("sanction".to_string(), total)] } else { Vec::new() }),
            },
        }))
    })
    .await?;
    Ok(Json(response))
}

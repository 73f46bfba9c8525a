//! `POST /match/{dataset}`: yente's query-by-example matcher, same parameters and JSON shapes.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use listwatch_matcher::Explanation;
use listwatch_model::{Date, Schema};

use super::{Snap, body, compute, dataset_lists, json};
use crate::server::auth::Caller;
use crate::server::error::{ApiError, ApiResult};
use crate::server::ftm::{self, FtmEntity, SCHEMATA};
use crate::server::params::{Params, excerpt};
use crate::server::state::AppState;

/// yente's `EntityMatchQuery`: the examples by the client's keys (`weights` and `config` are
/// accepted and ignored: listwatch's matcher has its own configuration).
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct MatchBody {
    /// The examples, by the client's keys; each is read on its own, so one malformed example
    /// names its key.
    #[schema(schema_with = queries_schema)]
    queries: serde_json::Map<String, serde_json::Value>,
    /// Accepted and ignored.
    #[serde(default)]
    #[allow(dead_code)]
    #[schema(value_type = Option<Object>)]
    weights: Option<serde_json::Value>,
    /// Accepted and ignored.
    #[serde(default)]
    #[allow(dead_code)]
    #[schema(value_type = Option<Object>)]
    config: Option<serde_json::Value>,
}

/// The schema of `queries`: one to 100 examples (the server's default limit) by key.
fn queries_schema() -> utoipa::openapi::Object {
    use utoipa::openapi::{ObjectBuilder, Ref, RefOr};
    ObjectBuilder::new()
        .additional_properties(Some(RefOr::Ref(Ref::from_schema_name("EntityExample"))))
        .min_properties(Some(1))
        .max_properties(Some(100))
        .description(Some("The examples by the client's keys"))
        .build()
}

/// yente's `EntityExample`: an FtM schema and properties, each a string or a list of strings
/// (`name`, `birthDate`, `country`, `nationality`, `idNumber`, `registrationNumber`,
/// `taxNumber`, `isin`, `imoNumber`, `mmsi`, `callSign`, `swiftBic`, `leiCode`...).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub(crate) struct EntityExample {
    #[serde(default)]
    id: Option<String>,
    /// `Thing`, `LegalEntity`, `Person`, `Organization`, `PublicBody`, `Company`, `Vessel`,
    /// `Airplane` or `Security`.
    #[schema(
        pattern = "^(|Thing|LegalEntity|Person|Organization|PublicBody|Company|Vessel|Airplane|Security)$"
    )]
    schema: String,
    #[schema(schema_with = properties_schema)]
    properties: serde_json::Map<String, serde_json::Value>,
}

/// The schema of an example's `properties`, as [`ftm::example`] reads them: each a string or a
/// list of strings; a name or an identifier is required; dates are `YYYY`, `YYYY-MM` or
/// `YYYY-MM-DD`.
fn properties_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{
        AllOfBuilder, AnyOfBuilder, ArrayBuilder, ObjectBuilder, OneOfBuilder, Type,
    };
    let string = |pattern: &str, max: usize| {
        ObjectBuilder::new().schema_type(Type::String).max_length(Some(max)).pattern(Some(pattern))
    };
    let values = |pattern: &str, max: usize| {
        OneOfBuilder::new().item(string(pattern, max)).item(
            ArrayBuilder::new().items(string(pattern, max)).min_items(Some(1)).max_items(Some(16)),
        )
    };
    let names = [
        "name",
        "alias",
        "weakAlias",
        "previousName",
        "firstName",
        "middleName",
        "lastName",
        "fatherName",
    ];
    let mut object = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some("FtM properties, each a string or a list of strings, with at least a name or an identifier. Other properties (country, nationality, gender...) are read where the matcher uses them and ignored otherwise."))
        .additional_properties(Some(utoipa::openapi::schema::AdditionalProperties::RefOr(
            OneOfBuilder::new()
                .item(ObjectBuilder::new().schema_type(Type::String).max_length(Some(1000)))
                .item(
                    ArrayBuilder::new()
                        .items(ObjectBuilder::new().schema_type(Type::String).max_length(Some(1000)))
                        .max_items(Some(16)),
                )
                .into(),
        )));
    for p in names {
        object = object.property(p, values("\\S", 1000));
    }
    for p in ["birthDate", "incorporationDate"] {
        object = object
            .property(p, values("^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|1[0-9]|2[0-8]))?)?$", 10));
    }
    for p in ftm::IDENTIFIER_PROPERTIES {
        object = object.property(*p, values("[0-9A-Za-z]", 100));
    }
    let mut any = AnyOfBuilder::new();
    for p in names
        .iter()
        .filter(|p| !matches!(**p, "middleName" | "fatherName"))
        .chain(ftm::IDENTIFIER_PROPERTIES)
    {
        any = any.item(ObjectBuilder::new().schema_type(Type::Object).required(*p));
    }
    AllOfBuilder::new().item(object).item(any).into()
}

/// One scored result: the entity, and yente's `score`, `match`, `features`, plus `explanations`.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ScoredEntity {
    #[serde(flatten)]
    entity: FtmEntity,
    /// Between 0 and 1.
    score: f64,
    /// The score reaches the threshold.
    #[serde(rename = "match")]
    is_match: bool,
    /// Each feature's contribution to the score, by name.
    #[schema(value_type = BTreeMap<String, f64>)]
    features: BTreeMap<&'static str, f64>,
    /// Why: the words aligned and how, the words left over, each feature with its detail.
    #[schema(value_type = Object)]
    explanations: BTreeMap<&'static str, Explained>,
}

/// One entry of `explanations`: the name (`name`), or a feature by its name.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Explained {
    Name {
        score: Option<f64>,
        tokens: Vec<listwatch_matcher::TokenMatch>,
        unmatched_query_tokens: Vec<String>,
        unmatched_candidate_tokens: Vec<String>,
    },
    Feature {
        score: f64,
        detail: String,
    },
}

/// yente's `EntityMatchResponse`, with the matcher and the list versions that answered.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MatchResponse {
    responses: BTreeMap<String, QueryResponse>,
    /// The features the matcher weighs.
    #[schema(value_type = Object)]
    matcher: &'static serde_json::Value,
    limit: usize,
    algorithm: AlgorithmUsed,
    list_versions: Vec<ListVersionUsed>,
}

/// yente's `EntityMatches`: the answer to one query.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct QueryResponse {
    status: u16,
    results: Vec<ScoredEntity>,
    total: Total,
    query: EntityExample,
}

/// How many results there were.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Total {
    value: usize,
    /// Always `eq`: the count is exact.
    relation: &'static str,
}

/// The algorithm asked for, and the one that answered.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AlgorithmUsed {
    requested: String,
    name: &'static str,
    version: &'static str,
    /// The hash of the matcher's configuration, for replay.
    config_hash: String,
}

/// A list version the answer rests on.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ListVersionUsed {
    list: String,
    version: u32,
    published: String,
}

/// The options of a match request, read from its parameters.
#[derive(Clone, Debug)]
pub(crate) struct Options {
    pub(crate) limit: usize,
    pub(crate) threshold: f64,
    pub(crate) cutoff: f64,
    pub(crate) algorithm: String,
    pub(crate) config_hash: String,
    pub(crate) lists: Vec<String>,
    exclude_schema: Vec<Schema>,
    exclude_entity_ids: Vec<String>,
    changed_since: Option<Date>,
    topics: Vec<String>,
}

fn options(
    state: &AppState,
    snapshot: &Snap,
    dataset: &str,
    params: &Params,
) -> ApiResult<Options> {
    let mut lists = dataset_lists(snapshot, dataset)?;
    let limit: usize = params.parse("limit", 5, "a whole number")?;
    let max = state.limits().max_limit;
    if limit == 0 || limit > max {
        return Err(ApiError::invalid(
            "invalid_parameter",
            format!("limit must be between 1 and {max}, not {limit}"),
        ));
    }
    let default_threshold = state.config().threshold;
    let threshold: f64 =
        params.parse("threshold", default_threshold, "a number between 0 and 1")?;
    let cutoff: f64 = params.parse("cutoff", 0.0, "a number between 0 and 1")?;
    for (name, value) in [("threshold", threshold), ("cutoff", cutoff)] {
        if !(0.0..=1.0).contains(&value) {
            return Err(ApiError::invalid(
                "invalid_parameter",
                format!("{name} must be between 0 and 1, not {value}"),
            ));
        }
    }
    let algorithm = params.get("algorithm").unwrap_or("best").to_string();
    if !super::catalog::ALGORITHMS.contains(&algorithm.as_str()) {
        return Err(ApiError::invalid(
            "unknown_algorithm",
            format!(
                "algorithm {:?} is not one of {}",
                excerpt(&algorithm),
                super::catalog::ALGORITHMS.join(", ")
            ),
        ));
    }
    let include = params.all("include_dataset");
    let exclude = params.all("exclude_dataset");
    for name in include.iter().chain(&exclude) {
        dataset_lists(snapshot, name)?;
    }
    if !include.is_empty() {
        let included: Vec<String> =
            include.iter().flat_map(|d| dataset_lists(snapshot, d).unwrap_or_default()).collect();
        lists.retain(|l| included.contains(l));
    }
    let excluded: Vec<String> =
        exclude.iter().flat_map(|d| dataset_lists(snapshot, d).unwrap_or_default()).collect();
    lists.retain(|l| !excluded.contains(l));
    let exclude_schema = params
        .all("exclude_schema")
        .iter()
        .map(|name| match ftm::parse_schema(name) {
            Ok(Some(schema)) => Ok(Some(schema)),
            Ok(None) => Ok(None),
            Err(()) => Err(unknown_schema(name)),
        })
        .collect::<ApiResult<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    let exclude_entity_ids = params.all("exclude_entity_ids");
    if exclude_entity_ids.len() > 50 {
        return Err(ApiError::invalid("invalid_parameter", "exclude_entity_ids: at most 50 ids"));
    }
    Ok(Options {
        limit,
        threshold,
        cutoff: cutoff.min(threshold),
        algorithm,
        config_hash: state.config_hash().to_string(),
        lists,
        exclude_schema,
        exclude_entity_ids,
        changed_since: params.date("changed_since")?,
        topics: params.all("topics"),
    })
}

pub(crate) fn unknown_schema(name: &str) -> ApiError {
    ApiError::invalid(
        "unknown_schema",
        format!("schema {:?} is not one of {}", excerpt(name), SCHEMATA.join(", ")),
    )
}

/// Match entities by example, as yente's `/match`.
///
/// Each query is an FtM entity example (`schema`, `properties`); each answer lists the
/// best-scoring entities with `score`, `match`, `features` and `explanations`.
#[utoipa::path(post, path = "/match/{dataset}", tag = "matching", security(("api_key" = ["screen"]), ("bearer" = ["screen"])),
    params(("dataset" = String, Path, description = "`default` (every list), `sanctions` (the same), or a list's name"),
        ("limit" = Option<usize>, Query, minimum = 1, maximum = 500, description = "At most this many results per query (default 5)"),
        ("threshold" = Option<f64>, Query, minimum = 0, maximum = 1, description = "The score from which a result is a match (default: the matcher's)"),
        ("cutoff" = Option<f64>, Query, minimum = 0, maximum = 1, description = "Leave out results scoring below this"),
        ("algorithm" = Option<String>, Query, pattern = "^(|listwatch|best|default|logic-v1|logic-v2|regression-v1|name-based|name-qualified)$", description = "Accepted and reported; listwatch's matcher answers"),
        ("include_dataset" = Option<Vec<String>>, Query, description = "Only these datasets"),
        ("exclude_dataset" = Option<Vec<String>>, Query, description = "Not these datasets"),
        ("exclude_schema" = Option<Vec<String>>, Query, pattern = "^(|Thing|LegalEntity|Person|Organization|PublicBody|Company|Vessel|Airplane|Security)$", description = "Not these schemata"),
        ("exclude_entity_ids" = Option<Vec<String>>, Query, max_items = 50, description = "Not these entities (at most 50)"),
        ("changed_since" = Option<String>, Query, format = Date, description = "Only entities changed on or after this day"),
        ("topics" = Option<Vec<String>>, Query, description = "Only entities with one of these topics"),
    ),
    request_body = MatchBody,
    responses((status = 200, description = "One response per query key", body = MatchResponse), crate::server::openapi::Failures, crate::server::openapi::BodyFailures))]
pub(crate) async fn match_entities(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(dataset): Path<String>,
    uri: Uri,
    params: Params,
    request_body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<MatchResponse>> {
    let bytes = body(request_body)?;
    let snapshot = state.snapshot();
    let options = options(&state, &snapshot, &dataset, &params)?;
    let request: MatchBody = json(&bytes)?;
    let max = state.limits().max_queries;
    if request.queries.len() > max {
        return Err(ApiError::invalid(
            "too_many_queries",
            format!(
                "{} queries in one request, more than the limit of {max}",
                request.queries.len()
            ),
        ));
    }
    if request.queries.is_empty() {
        return Err(ApiError::invalid("invalid_request", "no queries provided"));
    }
    let mut examples = Vec::new();
    for (key, value) in request.queries {
        let example: EntityExample = serde_json::from_value(value).map_err(|err| {
            ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_request",
                format!("queries.{}: {err}", excerpt(&key)),
            )
        })?;
        let schema =
            ftm::parse_schema(&example.schema).map_err(|()| unknown_schema(&example.schema))?;
        let read =
            ftm::example(schema, &example.properties, &options.lists).map_err(|message| {
                ApiError::invalid("invalid_query", format!("queries.{}: {message}", excerpt(&key)))
            })?;
        examples.push((key, example, read));
    }
    let committer = state.clone();
    let (response, lines) = compute(move || {
        let mut responses = BTreeMap::new();
        let mut records = Vec::new();
        let versions = crate::audit::index_versions(&snapshot.index);
        for (key, example, read) in examples {
            let replay = replay_of(&read, &options);
            let results = screen_example(&snapshot, &replay, &options);
            let total = results.len();
            let input = MatchInput {
                dataset: &dataset,
                key: &key,
                parameters: uri.query().unwrap_or(""),
                query: &example,
            };
            let returned: Vec<_> = results
                .iter()
                .map(|r| crate::audit::ResultRef::new(&r.entity.id, r.score, r.is_match))
                .collect();
            records.push(
                crate::audit::Record::new(
                    &caller.0,
                    "POST /match",
                    &input,
                    versions.clone(),
                    &returned,
                )
                .screening(&snapshot.index, replay),
            );
            responses.insert(
                key,
                QueryResponse {
                    status: 200,
                    results,
                    total: Total { value: total, relation: "eq" },
                    query: example,
                },
            );
        }
        let lines = state.audit_lines(&records)?;
        let response = MatchResponse {
            responses,
            matcher: super::catalog::features(),
            limit: options.limit,
            algorithm: AlgorithmUsed {
                requested: options.algorithm,
                name: "listwatch",
                version: listwatch_matcher::MATCHER_VERSION,
                config_hash: options.config_hash,
            },
            list_versions: snapshot
                .screened
                .iter()
                .filter(|l| options.lists.contains(&l.list))
                .map(|l| ListVersionUsed {
                    list: l.list.clone(),
                    version: l.version,
                    published: l.published.to_string(),
                })
                .collect(),
        };
        Ok((response, lines))
    })
    .await?;
    // Recorded before it is answered, without holding a thread while the disk syncs.
    committer.commit(lines).await?;
    Ok(Json(response))
}

/// What the audit log records as the input of one query of a `/match` request.
#[derive(Serialize)]
struct MatchInput<'a> {
    dataset: &'a str,
    key: &'a str,
    parameters: &'a str,
    query: &'a EntityExample,
}

/// Screens every name of an example, keeps each entity's best result, applies the filters and
/// returns the best `limit`, scored. The ranking is the replay's own ([`crate::audit::Replay`]),
/// so a recorded match replays through the same code.
pub(crate) fn screen_example(
    snapshot: &Snap,
    replay: &crate::audit::Replay,
    options: &Options,
) -> Vec<ScoredEntity> {
    let results = replay.rank(&snapshot.index);
    let since = options.changed_since.map(|d| d.to_string());
    let mut scored = Vec::new();
    for result in results {
        if scored.len() == options.limit {
            break;
        }
        let Some(entry) = snapshot.catalog.get(&result.entity_id) else { continue };
        let entity = ftm::render(snapshot, entry);
        if let Some(since) = &since
            && entity
                .last_change
                .as_deref()
                .is_none_or(|d| d.get(..10).unwrap_or(d) < since.as_str())
        {
            continue;
        }
        scored.push(ScoredEntity {
            entity,
            score: result.score,
            is_match: result.score >= options.threshold,
            features: features(&result.explanation),
            explanations: explanations(result.explanation),
        });
    }
    scored
}

/// How many results to fetch from the index for each name of an example.
fn fetch(options: &Options) -> usize {
    options.limit
        + options.exclude_entity_ids.len()
        + if options.exclude_schema.is_empty() && options.changed_since.is_none() { 0 } else { 50 }
}

/// What replaying a match needs: the matcher queries of the example and the options that shape
/// the results (`changed_since` and `topics` read the catalog, so a replay does not apply them).
fn replay_of(example: &ftm::Example, options: &Options) -> crate::audit::Replay {
    let empty = options.lists.is_empty()
        || (!options.topics.is_empty() && !options.topics.iter().any(|t| t == "sanction"));
    crate::audit::Replay {
        queries: if empty { Vec::new() } else { example.queries.clone() },
        fetch: fetch(options),
        limit: options.limit,
        cutoff: options.cutoff,
        exclude_entity_ids: options.exclude_entity_ids.clone(),
        exclude_schema: options.exclude_schema.clone(),
    }
}

/// yente's `features`: each feature's contribution to the score, by name.
fn features(explanation: &Explanation) -> BTreeMap<&'static str, f64> {
    let mut features = BTreeMap::new();
    if let Some(name_score) = explanation.name_score {
        features.insert("name_score", name_score);
    }
    for feature in &explanation.features {
        *features.entry(feature.feature.as_str()).or_insert(0.0) += feature.contribution;
    }
    features
}

/// Why the score is what it is: the words matched and how, the words left over, and each
/// feature with its detail (the last, when a feature fired twice).
fn explanations(explanation: Explanation) -> BTreeMap<&'static str, Explained> {
    let mut out = BTreeMap::new();
    out.insert(
        "name",
        Explained::Name {
            score: explanation.name_score,
            tokens: explanation.tokens,
            unmatched_query_tokens: explanation.unmatched_query_tokens,
            unmatched_candidate_tokens: explanation.unmatched_candidate_tokens,
        },
    );
    for feature in explanation.features {
        out.insert(
            feature.feature.as_str(),
            Explained::Feature { score: feature.contribution, detail: feature.detail },
        );
    }
    out
}

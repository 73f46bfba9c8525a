//! What screening returns: ranked results with their explanations, and the response envelope
//! that pins the list versions and the matcher configuration.

use listwatch_model::Schema;
use serde::Serialize;

use crate::token::Method;

/// One entity found by a query.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScreenResult {
    /// `<list>:<id in the source>`, e.g. `ofac-sdn:48603`.
    pub entity_id: String,
    /// The list.
    pub list: String,
    /// The list version the entity was indexed from.
    pub version: u32,
    /// The entity's primary name.
    pub name: String,
    /// The entity name that scored best (the primary name or an alias), as published.
    pub matched_name: String,
    /// The score, from 0 to 1, rounded to four decimals.
    pub score: f64,
    /// Whether the score reaches the threshold in force.
    #[serde(rename = "match")]
    pub is_match: bool,
    /// The entity's schema.
    pub schema: Schema,
    /// The entity's sanctions programs.
    pub programs: Vec<String>,
    /// Why it scored what it did.
    pub explanation: Explanation,
}

/// The evidence behind a score.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Explanation {
    /// The name score before other evidence, if names were compared.
    pub name_score: Option<f64>,
    /// The aligned name tokens.
    pub tokens: Vec<TokenMatch>,
    /// Query tokens without a counterpart (they lower the name score).
    pub unmatched_query_tokens: Vec<String>,
    /// Candidate tokens without a counterpart (they lower the name score, less).
    pub unmatched_candidate_tokens: Vec<String>,
    /// Every other feature that fired, with what it added to the score.
    pub features: Vec<Feature>,
}

/// A query token aligned with a candidate token.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TokenMatch {
    /// The query token(s), folded.
    pub query: String,
    /// The candidate token(s), folded.
    pub candidate: String,
    /// How they correspond.
    pub method: Method,
    /// Their similarity, 0 to 1.
    pub similarity: f64,
    /// The weight of the pair (how rare the words are).
    pub weight: f64,
}

/// What kind of evidence a [`Feature`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureKind {
    /// The name kind was a weak alias; the name score was scaled down.
    WeakAlias,
    /// A strong identifier is equal.
    Identifier,
    /// A weak identifier (e-mail, website, phone, ticker) is equal.
    WeakIdentifier,
    /// A query identifier fails its check digit or shape (it is still compared), or is too
    /// short to compare.
    InvalidIdentifier,
    /// Birth dates agree or conflict.
    BirthDate,
    /// Countries agree or conflict.
    Country,
    /// Genders conflict.
    Gender,
    /// The schemas cannot describe the same party.
    Schema,
}

impl FeatureKind {
    /// The feature's name, as it is serialized (`weak_alias`, `birth_date`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            FeatureKind::WeakAlias => "weak_alias",
            FeatureKind::Identifier => "identifier",
            FeatureKind::WeakIdentifier => "weak_identifier",
            FeatureKind::InvalidIdentifier => "invalid_identifier",
            FeatureKind::BirthDate => "birth_date",
            FeatureKind::Country => "country",
            FeatureKind::Gender => "gender",
            FeatureKind::Schema => "schema",
        }
    }
}

/// One piece of evidence and its effect on the score.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Feature {
    /// What it is.
    pub feature: FeatureKind,
    /// The values compared, for a human.
    pub detail: String,
    /// What it added to the score (negative for conflicts).
    pub contribution: f64,
}

/// A list version the index was built from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ListVersion {
    /// The list.
    pub list: String,
    /// Its version.
    pub version: u32,
}

/// Which matcher and configuration produced a result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MatcherInfo {
    /// [`MATCHER_VERSION`](crate::MATCHER_VERSION).
    pub version: &'static str,
    /// [`MatcherConfig::config_hash`](crate::MatcherConfig::config_hash).
    pub config_hash: String,
    /// The threshold in force.
    pub threshold: f64,
}

/// A screening response: the results and what is needed to replay them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScreenResponse {
    /// The list versions searched.
    pub list_versions: Vec<ListVersion>,
    /// The matcher version and configuration hash.
    pub matcher: MatcherInfo,
    /// Results, best first.
    pub results: Vec<ScreenResult>,
}

/// The comparison of two parties.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PairResult {
    /// The score, from 0 to 1, rounded to four decimals.
    pub score: f64,
    /// Whether the score reaches the threshold.
    #[serde(rename = "match")]
    pub is_match: bool,
    /// Why.
    pub explanation: Explanation,
    /// The matcher version and configuration hash.
    pub matcher: MatcherInfo,
}

/// Rounds a score to four decimals, the precision results are reported and ranked at.
pub(crate) fn round_score(score: f64) -> f64 {
    (score.clamp(0.0, 1.0) * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::FeatureKind;

    #[test]
    fn a_features_name_is_its_serialized_name() {
        use FeatureKind::*;
        for kind in [
            WeakAlias,
            Identifier,
            WeakIdentifier,
            InvalidIdentifier,
            BirthDate,
            Country,
            Gender,
            Schema,
        ] {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
    }
}

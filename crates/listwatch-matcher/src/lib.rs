//! Screening names and identifiers against restricted-party lists.
//!
//! (Crate documentation: see the end of this work; this is a placeholder while the engine is
//! built.)

#![warn(missing_docs)]

mod align;
mod config;
mod evidence;
mod index;
pub mod metrics;
mod pair;
pub mod phonetic;
mod query;
mod result;
mod token;

pub use config::{DEFAULT_THRESHOLD, MATCHER_VERSION, MatcherConfig};
pub use index::{Index, IndexedEntity};
pub use pair::score_pair;
pub use query::{Query, QueryIdentifier};
pub use result::{
    Explanation, Feature, FeatureKind, ListVersion, MatcherInfo, PairResult, ScreenResponse,
    ScreenResult, TokenMatch,
};
pub use token::Method;

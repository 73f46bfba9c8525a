//! The query format of batch files and of the server's native screening endpoint, and its
//! checks: the wire form of the matcher's [`Query`].

use serde::{Deserialize, Serialize};

use listwatch_matcher::{Query, QueryIdentifier};
use listwatch_model::{DateSpec, Gender, IdKind, Schema};

use crate::limits::{MAX_COUNTRIES, MAX_IDENTIFIER_CHARS, MAX_IDENTIFIERS, MAX_NAME_CHARS};

/// `text` cut to `max` characters, with `...` when cut.
fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_string(),
    }
}

/// A query as files and flags give it: the wire form of [`Query`].
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct QueryInput {
    /// The caller's id for the query, echoed in the answer.
    #[serde(default)]
    pub id: Option<serde_json::Value>,
    /// The name to screen.
    #[serde(default)]
    pub name: Option<String>,
    /// What the party is (Person, Organization, ...).
    #[serde(default)]
    pub schema: Option<String>,
    /// Date of birth or establishment: YYYY, YYYY-MM or YYYY-MM-DD.
    #[serde(default)]
    pub birth_date: Option<String>,
    /// Countries, as one string (`;`-separated) or a list.
    #[serde(default)]
    pub country: Option<OneOrMany>,
    /// More countries.
    #[serde(default)]
    pub countries: Option<Vec<String>>,
    /// male or female.
    #[serde(default)]
    pub gender: Option<String>,
    /// Identifiers.
    #[serde(default)]
    pub identifiers: Vec<IdentifierInput>,
}

/// A country given as one string or a list.
#[derive(Debug, Deserialize, Serialize)]
#[serde(untagged)]
pub enum OneOrMany {
    /// One string; `;` separates several.
    One(String),
    /// A list.
    Many(Vec<String>),
}

/// An identifier of a query: type, value and issuing country.
#[derive(Debug, Deserialize, Serialize)]
pub struct IdentifierInput {
    /// The identifier type (`isin`, `imo`, `passport`, ...).
    #[serde(rename = "type")]
    pub kind: String,
    /// The value as given.
    pub value: String,
    /// The issuing country, if any.
    #[serde(default)]
    pub country: Option<String>,
}

impl QueryInput {
    /// What the caller should know about how the query was read: identifier types listwatch does
    /// not know, which are compared as untyped identifiers with every identifier of a candidate.
    pub fn warnings(&self) -> Vec<String> {
        self.identifiers
            .iter()
            .filter(|i| IdKind::parse(&i.kind).is_none())
            .map(|i| {
                format!(
                    "identifier type {:?} is not one listwatch knows: compared as an untyped identifier with every identifier of each candidate",
                    excerpt(&i.kind, 40)
                )
            })
            .collect()
    }

    /// Checks the fields and builds the matcher's query. An identifier of a type listwatch does
    /// not know is kept as an untyped one ([`IdKind::Other`]); [`QueryInput::warnings`] says so.
    pub fn to_query(&self, lists: &[String]) -> std::result::Result<Query, String> {
        let schema = match self.schema.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(text) => Some(Schema::parse(text).ok_or_else(|| {
                format!("schema {text:?} is not one of Person, Organization, Company, Vessel, Aircraft, Security")
            })?),
            None => None,
        };
        let birth_date = match self.birth_date.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(text) => {
                Some(DateSpec::parse_loose(text).map_err(|e| format!("birth_date: {e}"))?)
            }
            None => None,
        };
        let gender = match self.gender.as_deref().map(|g| g.trim().to_ascii_lowercase()) {
            None => None,
            Some(g) if g.is_empty() => None,
            Some(g) if g == "male" || g == "m" => Some(Gender::Male),
            Some(g) if g == "female" || g == "f" => Some(Gender::Female),
            Some(g) => return Err(format!("gender {g:?} is not male or female")),
        };
        let mut countries: Vec<String> = match &self.country {
            Some(OneOrMany::One(c)) => {
                c.split(';').map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect()
            }
            Some(OneOrMany::Many(cs)) => cs.clone(),
            None => Vec::new(),
        };
        countries.extend(self.countries.iter().flatten().cloned());
        if self.identifiers.len() > MAX_IDENTIFIERS {
            return Err(format!(
                "{} identifiers, more than the limit of {MAX_IDENTIFIERS}",
                self.identifiers.len()
            ));
        }
        let identifiers = self
            .identifiers
            .iter()
            .map(|i| {
                let n_chars = i.value.chars().count();
                if n_chars > MAX_IDENTIFIER_CHARS {
                    return Err(format!(
                        "identifier {}: the value is {n_chars} characters long, more than the limit of {MAX_IDENTIFIER_CHARS}",
                        excerpt(&i.kind, 40)
                    ));
                }
                // A type listwatch does not know is compared as untyped, with every identifier
                // of a candidate; `warnings` says so.
                let kind = IdKind::parse(&i.kind).unwrap_or(IdKind::Other);
                Ok(QueryIdentifier { kind, value: i.value.clone(), country: i.country.clone() })
            })
            .collect::<std::result::Result<Vec<_>, String>>()?;
        if countries.len() > MAX_COUNTRIES {
            return Err(format!(
                "{} countries, more than the limit of {MAX_COUNTRIES}",
                countries.len()
            ));
        }
        let name = self.name.clone().filter(|n| !n.trim().is_empty());
        if let Some(name) = &name {
            let n_chars = name.trim().chars().count();
            if n_chars > MAX_NAME_CHARS {
                return Err(format!(
                    "the name is {n_chars} characters long, more than the limit of {MAX_NAME_CHARS}"
                ));
            }
        }
        if name.is_none() && identifiers.is_empty() {
            return Err("a query needs a name or an identifier".to_string());
        }
        Ok(Query {
            name,
            schema,
            birth_date,
            countries,
            gender,
            identifiers,
            lists: lists.to_vec(),
        })
    }
}

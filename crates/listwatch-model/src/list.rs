//! Lists, entity ids, coverage of a publication, and diagnostics.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::entity::{Entity, NameKind};

/// The name of a list in the store (`ofac-sdn`, `ofac-consolidated`, or a user's own name).
///
/// Lowercase ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit, at most 64
/// characters: it is part of every entity id (`<list>:<id>`), so it must not contain `:`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ListName(String);

impl ListName {
    /// Checks and wraps a list name.
    pub fn parse(s: &str) -> Result<ListName, String> {
        let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c);
        if s.is_empty() || s.len() > 64 {
            return Err(format!("list name {s:?} must have 1 to 64 characters"));
        }
        if !s.chars().all(ok_char) || !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(format!(
                "list name {s:?} may only use lowercase letters, digits, '-', '_' and '.', and must start with a letter or digit"
            ));
        }
        Ok(ListName(s.to_string()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ListName {
    type Error = String;
    fn try_from(s: String) -> Result<ListName, String> {
        ListName::parse(&s)
    }
}

impl From<ListName> for String {
    fn from(name: ListName) -> String {
        name.0
    }
}

impl fmt::Display for ListName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A global entity id: `<list>:<id in the source>`, such as `ofac-sdn:48603`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityId {
    /// The list.
    pub list: ListName,
    /// The id in the source.
    pub source_id: String,
}

impl EntityId {
    /// Parses `<list>:<id>`.
    pub fn parse(s: &str) -> Result<EntityId, String> {
        let (list, source_id) = s.split_once(':').ok_or_else(|| {
            format!("entity id {s:?} must look like <list>:<id>, e.g. ofac-sdn:48603")
        })?;
        if source_id.is_empty() {
            return Err(format!("entity id {s:?} has an empty source id"));
        }
        Ok(EntityId { list: ListName::parse(list)?, source_id: source_id.to_string() })
    }
}

impl fmt::Display for EntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.list, self.source_id)
    }
}

/// Orders source ids numerically when both are numbers, else as text, so that `9` sorts before
/// `10` and output follows the source's own numbering.
pub fn compare_source_ids(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

/// Which parts of a multi-file publication a version was built from.
///
/// OFAC publishes a list as a main file plus optional address and alias files. A version imported
/// from the main file alone says nothing about addresses and aliases, which is not the same as
/// saying there are none: diffs compare those fields only where both versions cover them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Coverage {
    /// Addresses were published (OFAC `add.csv`).
    pub addresses: bool,
    /// Alias records were published (OFAC `alt.csv`).
    pub aliases: bool,
    /// Remark continuations were published (OFAC `sdn_comments.csv`).
    pub remark_continuations: bool,
}

impl Coverage {
    /// Everything covered.
    pub const FULL: Coverage =
        Coverage { addresses: true, aliases: true, remark_continuations: true };

    /// What both coverages cover.
    pub fn intersect(self, other: Coverage) -> Coverage {
        Coverage {
            addresses: self.addresses && other.addresses,
            aliases: self.aliases && other.aliases,
            remark_continuations: self.remark_continuations && other.remark_continuations,
        }
    }

    /// The entity restricted to the fields this coverage vouches for: without alias records when
    /// aliases are not covered, without addresses when addresses are not covered.
    ///
    /// Aliases from alias records are the strong kinds (`aka`, `fka`, `nka`); weak aliases come
    /// from the remarks, which the main file carries.
    pub fn project<'a>(self, entity: &'a Entity) -> Cow<'a, Entity> {
        let drop_aliases = !self.aliases
            && entity
                .names
                .iter()
                .any(|n| matches!(n.kind, NameKind::Aka | NameKind::Fka | NameKind::Nka));
        let drop_addresses = !self.addresses && !entity.addresses.is_empty();
        if !drop_aliases && !drop_addresses {
            return Cow::Borrowed(entity);
        }
        let mut projected = entity.clone();
        if drop_aliases {
            projected
                .names
                .retain(|n| !matches!(n.kind, NameKind::Aka | NameKind::Fka | NameKind::Nka));
        }
        if drop_addresses {
            projected.addresses.clear();
        }
        Cow::Owned(projected)
    }

    /// The names of the fields this coverage leaves out of comparisons.
    pub fn uncovered_fields(self) -> Vec<&'static str> {
        let mut fields = Vec::new();
        if !self.aliases {
            fields.push("names (aka/fka/nka)");
        }
        if !self.addresses {
            fields.push("addresses");
        }
        fields
    }
}

impl Default for Coverage {
    fn default() -> Coverage {
        Coverage::FULL
    }
}

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Something was kept but may be wrong or incomplete (an untyped remark, a dangling reference).
    Warning,
    /// A record was skipped.
    Error,
}

/// A problem found in input, with where it is and what was expected.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// The file name.
    pub file: String,
    /// The 1-based line where the record starts.
    pub line: Option<u64>,
    /// The record's id in the source, where known.
    pub record: Option<String>,
    /// The field concerned, where known.
    pub field: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, ": {severity}")?;
        if let Some(record) = &self.record {
            write!(f, " (record {record})")?;
        }
        if let Some(field) = &self.field {
            write!(f, " [{field}]")?;
        }
        write!(f, ": {}", self.message)
    }
}

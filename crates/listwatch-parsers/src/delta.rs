//! Deltas: publications that hold changes to the previous version rather than the whole list
//! (OpenSanctions' `entities.delta.json`). A delta is a sequence of [`DeltaOp`]s, applied in
//! order to the entities of the list's current version by [`Delta::apply`].

use std::collections::BTreeMap;

use listwatch_model::{Diagnostic, Entity, Severity, compare_source_ids};

use crate::FileReport;

/// What one operation of a delta does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeltaOpKind {
    /// A new entity.
    Add,
    /// A new state of an existing entity, restated whole.
    Mod,
    /// An entity removed.
    Del,
}

impl DeltaOpKind {
    /// The op as publishers write it (`ADD`, `MOD`, `DEL`).
    pub fn as_str(self) -> &'static str {
        match self {
            DeltaOpKind::Add => "ADD",
            DeltaOpKind::Mod => "MOD",
            DeltaOpKind::Del => "DEL",
        }
    }
}

/// One operation of a delta.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeltaOp {
    /// The 1-based line of the delta file it came from.
    pub line: u64,
    /// What it does.
    pub kind: DeltaOpKind,
    /// The id of the entity it concerns.
    pub id: String,
    /// The entity's new state, for [`DeltaOpKind::Add`] and [`DeltaOpKind::Mod`].
    pub entity: Option<Entity>,
}

/// A parsed delta: the operations in file order, with the problems found.
#[derive(Clone, Debug, Default)]
pub struct Delta {
    /// The file the delta came from (for diagnostics of [`Delta::apply`]).
    pub file: String,
    /// The operations, in the order they must be applied.
    pub ops: Vec<DeltaOp>,
    /// Problems found while parsing, in the order found.
    pub diagnostics: Vec<Diagnostic>,
    /// Record counts per file.
    pub files: Vec<FileReport>,
    /// The publication date the file carries, where it carries one.
    pub published: Option<listwatch_model::Date>,
}

/// The result of applying a delta to a version's entities.
#[derive(Clone, Debug, Default)]
pub struct Applied {
    /// The new version's entities, ordered by id.
    pub entities: Vec<Entity>,
    /// Ids added, in op order.
    pub added: Vec<String>,
    /// Ids modified, in op order.
    pub modified: Vec<String>,
    /// Ids removed, in op order.
    pub removed: Vec<String>,
    /// Ops that did not fit the current version (a MOD or DEL of an id it lacks, an ADD of an id
    /// it holds).
    pub diagnostics: Vec<Diagnostic>,
}

impl Delta {
    /// Applies the operations, in order, to `current` (the entities of the list's current
    /// version).
    ///
    /// An op that does not fit is never a silent no-op: an ADD of an id already there replaces
    /// the entity, a MOD of an id not there adds it, and a DEL of an id not there removes
    /// nothing; each is a warning diagnostic. A MOD restates an entity's own properties; what the
    /// model folded into it from other records (addresses, list dates, links) is kept from the
    /// current version when the new state has none.
    pub fn apply(&self, current: Vec<Entity>) -> Applied {
        let mut by_id: BTreeMap<String, Entity> =
            current.into_iter().map(|entity| (entity.id.clone(), entity)).collect();
        let mut applied = Applied::default();
        let warn = |op: &DeltaOp, message: String| Diagnostic {
            severity: Severity::Warning,
            file: self.file.clone(),
            line: Some(op.line),
            record: Some(crate::limits::short_id(&op.id)),
            field: Some("op".to_string()),
            message,
        };
        for op in &self.ops {
            match (op.kind, &op.entity) {
                (DeltaOpKind::Del, _) => {
                    if by_id.remove(&op.id).is_some() {
                        applied.removed.push(op.id.clone());
                    } else {
                        applied.diagnostics.push(warn(op, format!(
                            "DEL of {}, which the current version does not hold (it may be a record the model folds into others, such as an Address or a Sanction); nothing was removed",
                            op.id
                        )));
                    }
                }
                (kind, Some(entity)) => {
                    let old = by_id.remove(&op.id);
                    let mut entity = entity.clone();
                    match (&old, kind) {
                        (Some(_), DeltaOpKind::Add) => applied.diagnostics.push(warn(
                            op,
                            format!("ADD of {}, which the current version already holds; the entity was replaced", op.id),
                        )),
                        (None, DeltaOpKind::Mod) => applied.diagnostics.push(warn(
                            op,
                            format!("MOD of {}, which the current version does not hold; the entity was added", op.id),
                        )),
                        _ => {}
                    }
                    if let Some(old) = &old {
                        if entity.addresses.is_empty() {
                            entity.addresses.clone_from(&old.addresses);
                        }
                        if entity.list_dates.is_empty() {
                            entity.list_dates.clone_from(&old.list_dates);
                        }
                        if entity.links.is_empty() {
                            entity.links.clone_from(&old.links);
                        }
                        applied.modified.push(op.id.clone());
                    } else {
                        applied.added.push(op.id.clone());
                    }
                    by_id.insert(op.id.clone(), entity);
                }
                (_, None) => applied.diagnostics.push(warn(
                    op,
                    format!(
                        "{} of {} without an entity; nothing was changed",
                        op.kind.as_str(),
                        op.id
                    ),
                )),
            }
        }
        applied.entities = by_id.into_values().collect();
        applied.entities.sort_by(|a, b| compare_source_ids(&a.id, &b.id));
        applied
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use listwatch_model::Schema;

    fn op(line: u64, kind: DeltaOpKind, id: &str) -> DeltaOp {
        let entity = (kind != DeltaOpKind::Del).then(|| Entity::new(id, Schema::Person, id));
        DeltaOp { line, kind, id: id.to_string(), entity }
    }

    #[test]
    fn ops_apply_in_order_and_misfits_are_diagnostics() {
        let delta = Delta {
            file: "entities.delta.json".to_string(),
            ops: vec![
                op(1, DeltaOpKind::Add, "b"),
                op(2, DeltaOpKind::Mod, "a"),
                op(3, DeltaOpKind::Del, "b"),
                op(4, DeltaOpKind::Del, "zz"),
                op(5, DeltaOpKind::Mod, "c"),
            ],
            ..Delta::default()
        };
        let applied = delta.apply(vec![Entity::new("a", Schema::Company, "A")]);
        let ids: Vec<&str> = applied.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
        assert_eq!(applied.entities[0].schema, Schema::Person);
        assert_eq!(applied.added, ["b", "c"]);
        assert_eq!(applied.modified, ["a"]);
        assert_eq!(applied.removed, ["b"]);
        let lines: Vec<Option<u64>> = applied.diagnostics.iter().map(|d| d.line).collect();
        assert_eq!(lines, [Some(4), Some(5)]);
    }
}

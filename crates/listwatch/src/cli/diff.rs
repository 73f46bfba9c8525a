//! `listwatch diff`: what changed between two versions of a list.

use std::collections::HashMap;

use anyhow::Result;
use serde::Serialize;

use listwatch_model::{Entity, FieldChange};

use super::{Ctx, parse_list};
use crate::failure::usage;
use crate::output::{Stdout, change_excerpts, clean, outln, print_json, to_stdout, wrap};

/// Show what changed between two versions of a list: entities added, removed, and changed field by
/// field.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The list.
    list: String,
    /// The older version [default: the one before --to].
    #[arg(long, value_name = "V")]
    from: Option<u32>,
    /// The newer version [default: the current one].
    #[arg(long, value_name = "V")]
    to: Option<u32>,
    /// Print the diff as JSON.
    #[arg(long)]
    json: bool,
}

/// An entity added or removed: its id and primary name.
#[derive(Serialize)]
pub(crate) struct EntryJson {
    pub(crate) id: String,
    pub(crate) name: String,
}

#[derive(Serialize)]
pub(crate) struct ChangedJson<'a> {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) fields: &'a [FieldChange],
}

#[derive(Serialize)]
pub(crate) struct DiffJson<'a> {
    pub(crate) list: &'a str,
    pub(crate) from: u32,
    pub(crate) to: u32,
    pub(crate) from_published: String,
    pub(crate) to_published: String,
    pub(crate) added: Vec<EntryJson>,
    pub(crate) removed: Vec<EntryJson>,
    pub(crate) changed: Vec<ChangedJson<'a>>,
    pub(crate) not_compared: &'a [&'static str],
}

/// Values longer than this are cut down to their changed part in human output.
const MAX_VALUE: usize = 100;

/// A diff between two versions with the primary names of the entities of both.
pub(crate) struct Compared {
    list: listwatch_model::ListName,
    from: u32,
    to: u32,
    diff: listwatch_store::VersionDiff,
    from_names: HashMap<String, String>,
    to_names: HashMap<String, String>,
    /// The programs of each entity of either version (the newer version's when both hold it).
    programs: HashMap<String, Vec<String>>,
}

impl Compared {
    /// The programs of the entity `id` (its id in the source) in either version.
    pub(crate) fn programs(&self, id: &str) -> &[String] {
        self.programs.get(id).map_or(&[], Vec::as_slice)
    }
}

/// Compares two versions of `list`: `to` defaults to the current version, `from` to the one
/// before `to`.
pub(crate) fn compare(
    store: &listwatch_store::Store,
    list: listwatch_model::ListName,
    from: Option<u32>,
    to: Option<u32>,
) -> Result<Compared> {
    let to = match to {
        Some(to) => to,
        None => super::entities::default_version(store, &list)?,
    };
    let from = match from {
        Some(from) => from,
        None if to > 1 => to - 1,
        None => {
            return Err(usage(format!(
                "{list} has only version {to}; there is nothing to compare it with"
            )));
        }
    };
    let diff = store.diff(&list, from, to)?;
    let (from_entities, to_entities) = (store.entities(&list, from)?, store.entities(&list, to)?);
    let names = |entities: &[Entity]| -> HashMap<String, String> {
        entities.iter().map(|e| (e.id.clone(), e.primary_name().to_string())).collect()
    };
    let (from_names, to_names) = (names(&from_entities), names(&to_entities));
    let programs = from_entities
        .iter()
        .chain(&to_entities)
        .map(|e| (e.id.clone(), e.programs.clone()))
        .collect();
    Ok(Compared { list, from, to, diff, from_names, to_names, programs })
}

/// The JSON of `diff --json` (and of the server's `/lists/{list}/diff`).
pub(crate) fn diff_json(compared: &Compared) -> DiffJson<'_> {
    let Compared { list, from, to, diff, from_names, to_names, .. } = compared;
    let entity_id = |id: &str| format!("{list}:{id}");
    let name_of = |names: &HashMap<String, String>, id: &str| -> String {
        names.get(id).cloned().unwrap_or_default()
    };
    let entries = |ids: &[String], names: &HashMap<String, String>| -> Vec<EntryJson> {
        ids.iter().map(|id| EntryJson { id: entity_id(id), name: name_of(names, id) }).collect()
    };
    DiffJson {
        list: list.as_str(),
        from: *from,
        to: *to,
        from_published: diff.from.published.to_string(),
        to_published: diff.to.published.to_string(),
        added: entries(&diff.added, to_names),
        removed: entries(&diff.removed, from_names),
        changed: diff
            .changed
            .iter()
            .map(|c| ChangedJson {
                id: entity_id(&c.id),
                name: name_of(to_names, &c.id),
                fields: &c.fields,
            })
            .collect(),
        not_compared: &diff.not_compared,
    }
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let list = parse_list(&args.list)?;
    let store = ctx.open_existing()?;
    let compared = compare(&store, list, args.from, args.to)?;
    if args.json {
        return print_json(&diff_json(&compared));
    }
    let Compared { list, from, to, diff, from_names, to_names, .. } = &compared;
    let entity_id = |id: &str| format!("{list}:{id}");
    let name_of = |names: &HashMap<String, String>, id: &str| -> String {
        names.get(id).cloned().unwrap_or_default()
    };
    to_stdout(|out| {
        outln!(
            out,
            "{list}: version {from} (published {}) -> version {to} (published {}): {} added, {} removed, {} changed",
            diff.from.published,
            diff.to.published,
            diff.added.len(),
            diff.removed.len(),
            diff.changed.len()
        )?;
        if !diff.not_compared.is_empty() {
            outln!(out, "not compared (one version lacks them): {}", diff.not_compared.join(", "))?;
        }
        for id in &diff.added {
            outln!(out, "+ {}  {}", clean(&entity_id(id)), clean(&name_of(to_names, id)))?;
        }
        for id in &diff.removed {
            outln!(out, "- {}  {}", clean(&entity_id(id)), clean(&name_of(from_names, id)))?;
        }
        for changed in &diff.changed {
            let (id, name) = (entity_id(&changed.id), name_of(to_names, &changed.id));
            outln!(out, "~ {}  {}", clean(&id), clean(&name))?;
            for field in &changed.fields {
                print_field_change(out, "    ", field)?;
            }
        }
        Ok(())
    })
}

/// Prints a field's change on one line when both values are short; otherwise the changed part of
/// each (the common beginning and end elided with `…`, the difference in full), wrapped.
pub(crate) fn print_field_change(
    out: &mut Stdout,
    indent: &str,
    field: &FieldChange,
) -> Result<()> {
    let before = serde_json::to_string(&field.before)?;
    let after = serde_json::to_string(&field.after)?;
    let (before, after) = change_excerpts(&before, &after, MAX_VALUE);
    if before.chars().count() + after.chars().count() <= MAX_VALUE {
        outln!(out, "{indent}{}: {} -> {}", clean(&field.field), clean(&before), clean(&after))?;
        return Ok(());
    }
    outln!(out, "{indent}{}:", clean(&field.field))?;
    for (label, text) in [("before", &before), ("after ", &after)] {
        for (idx, line) in wrap(text, MAX_VALUE).iter().enumerate() {
            let label = if idx == 0 { label } else { "      " };
            outln!(out, "{indent}  {label} {}", clean(line))?;
        }
    }
    Ok(())
}

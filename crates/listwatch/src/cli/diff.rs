//! `listwatch diff`: what changed between two versions of a list.

use anyhow::Result;
use serde::Serialize;

use listwatch_model::FieldChange;

use super::{Ctx, parse_list};
use crate::failure::usage;
use crate::output::{ellipsize, print_json};

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

#[derive(Serialize)]
struct ChangedJson<'a> {
    id: String,
    fields: &'a [FieldChange],
}

#[derive(Serialize)]
struct DiffJson<'a> {
    list: &'a str,
    from: u32,
    to: u32,
    from_published: String,
    to_published: String,
    added: Vec<String>,
    removed: Vec<String>,
    changed: Vec<ChangedJson<'a>>,
    not_compared: &'a [&'static str],
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let list = parse_list(&args.list)?;
    let store = ctx.open_existing()?;
    let to = match args.to {
        Some(to) => to,
        None => store.list(&list)?.current,
    };
    let from = match args.from {
        Some(from) => from,
        None if to > 1 => to - 1,
        None => {
            return Err(usage(format!(
                "{list} has only version {to}; there is nothing to compare it with"
            )));
        }
    };
    let diff = store.diff(&list, from, to)?;
    let entity_id = |id: &str| format!("{list}:{id}");
    if args.json {
        return print_json(&DiffJson {
            list: list.as_str(),
            from,
            to,
            from_published: diff.from.published.to_string(),
            to_published: diff.to.published.to_string(),
            added: diff.added.iter().map(|id| entity_id(id)).collect(),
            removed: diff.removed.iter().map(|id| entity_id(id)).collect(),
            changed: diff
                .changed
                .iter()
                .map(|c| ChangedJson { id: entity_id(&c.id), fields: &c.fields })
                .collect(),
            not_compared: &diff.not_compared,
        });
    }
    println!(
        "{list}: version {from} (published {}) -> version {to} (published {}): {} added, {} removed, {} changed",
        diff.from.published,
        diff.to.published,
        diff.added.len(),
        diff.removed.len(),
        diff.changed.len()
    );
    if !diff.not_compared.is_empty() {
        println!("not compared (one version lacks them): {}", diff.not_compared.join(", "));
    }
    let (from_entities, to_entities) = (store.entities(&list, from)?, store.entities(&list, to)?);
    let name_of = |entities: &[listwatch_model::Entity], id: &str| {
        entities
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.primary_name().to_string())
            .unwrap_or_default()
    };
    for id in &diff.added {
        println!("+ {}  {}", entity_id(id), name_of(&to_entities, id));
    }
    for id in &diff.removed {
        println!("- {}  {}", entity_id(id), name_of(&from_entities, id));
    }
    for changed in &diff.changed {
        println!("~ {}  {}", entity_id(&changed.id), name_of(&to_entities, &changed.id));
        for field in &changed.fields {
            let before = serde_json::to_string(&field.before)?;
            let after = serde_json::to_string(&field.after)?;
            println!(
                "    {}: {} -> {}",
                field.field,
                ellipsize(&before, 100),
                ellipsize(&after, 100)
            );
        }
    }
    Ok(())
}

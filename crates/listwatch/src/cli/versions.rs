//! `listwatch versions`: the versions of one list, or of every list.

use anyhow::Result;

use super::{Ctx, parse_list};
use crate::output::{Table, print_json};

/// List the versions of a list (or of every list), oldest first.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The list [default: every list].
    list: Option<String>,
    /// Print the versions as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let store = ctx.open_existing()?;
    let lists = match &args.list {
        Some(name) => vec![parse_list(name)?],
        None => store.lists()?.into_iter().map(|info| info.name).collect(),
    };
    let mut versions = Vec::new();
    for list in &lists {
        versions.extend(store.versions(list)?);
    }
    if args.json {
        return print_json(&versions);
    }
    let mut table = Table::new(&[
        "LIST",
        "VERSION",
        "PUBLISHED",
        "IMPORTED",
        "ENTITIES",
        "ADDED",
        "REMOVED",
        "CHANGED",
        "DIAG",
        "CONTENT",
    ]);
    for v in &versions {
        table.row(vec![
            v.list.to_string(),
            v.version.to_string(),
            v.published.to_string(),
            v.imported_at.clone(),
            v.entities.to_string(),
            v.added.to_string(),
            v.removed.to_string(),
            v.changed.to_string(),
            v.diagnostics.len().to_string(),
            v.content_hash[..12].to_string(),
        ]);
    }
    table.print(&mut std::io::stdout().lock())
}

//! `listwatch versions`: the versions of one list, or of every list; and `versions retract`,
//! which takes a wrong version out of every answer while keeping it in the audit trail.

use std::io::Write;

use anyhow::Result;
use clap::Subcommand;
use serde::Serialize;

use listwatch_store::{Retraction, VersionInfo};

use super::{Ctx, parse_list};
use crate::catalog::lacks;
use crate::output::{Table, print_json};

/// List the versions of a list (or of every list), oldest first, with what each lacks and which
/// were retracted.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Option<VersionsCommand>,
    /// The list [default: every list].
    list: Option<String>,
    /// Print the versions as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
enum VersionsCommand {
    /// Take a version out of every answer (status, diff, screening, holdings), keeping it, the
    /// reason and who retracted it in the store. Its content can then be imported again, say
    /// with the right --published date. A retraction is final.
    Retract(RetractArgs),
}

#[derive(Debug, clap::Args)]
struct RetractArgs {
    /// The list.
    list: String,
    /// The version to retract.
    version: u32,
    /// Why the version is wrong.
    #[arg(long)]
    reason: String,
    /// Who retracts it [default: $LISTWATCH_AUTHOR, else $USER].
    #[arg(long)]
    by: Option<String>,
    /// Print the retracted version as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
pub(crate) struct VersionJson<'a> {
    #[serde(flatten)]
    version: &'a VersionInfo,
    /// What the version lacks (aliases, addresses of a main-file-only publication).
    lacks: Vec<&'static str>,
    /// Why, by whom and when it was retracted; absent for a live version.
    retracted: Option<&'a Retraction>,
}

/// Every version of the lists, oldest first, each with its retraction if it was retracted.
pub(crate) fn gather(
    store: &listwatch_store::Store,
    lists: &[listwatch_model::ListName],
) -> Result<Vec<(VersionInfo, Option<Retraction>)>> {
    let mut versions = Vec::new();
    for list in lists {
        let retractions = store.retractions(list)?;
        for version in store.versions(list)? {
            let retraction = retractions
                .iter()
                .find(|(number, _)| *number == version.version)
                .map(|(_, r)| r.clone());
            versions.push((version, retraction));
        }
    }
    Ok(versions)
}

/// The JSON of `versions --json` (and of the server's `/lists/{list}/versions`).
pub(crate) fn versions_json(
    versions: &[(VersionInfo, Option<Retraction>)],
) -> Vec<VersionJson<'_>> {
    versions
        .iter()
        .map(|(version, retracted)| VersionJson {
            version,
            lacks: lacks(version.coverage),
            retracted: retracted.as_ref(),
        })
        .collect()
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    if let Some(VersionsCommand::Retract(args)) = args.command {
        return retract(ctx, args);
    }
    let store = ctx.open_existing()?;
    let lists = match &args.list {
        Some(name) => vec![parse_list(name)?],
        None => store.lists()?.into_iter().map(|info| info.name).collect(),
    };
    let versions = gather(&store, &lists)?;
    if args.json {
        return print_json(&versions_json(&versions));
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
        "LACKS",
        "CONTENT",
        "RETRACTED",
    ]);
    for (v, retracted) in &versions {
        let lacks = lacks(v.coverage);
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
            if lacks.is_empty() { "-".to_string() } else { lacks.join(",") },
            v.content_hash[..12].to_string(),
            retracted
                .as_ref()
                .map_or(String::new(), |r| format!("{} by {}: {}", r.at, r.by, r.reason)),
        ]);
    }
    let mut out = std::io::stdout().lock();
    table.print(&mut out)?;
    if versions.iter().any(|(v, _)| !lacks(v.coverage).is_empty()) {
        writeln!(
            out,
            "LACKS: parts of the publication a version was built without; they are not compared with other versions, and screening cannot match them"
        )?;
    }
    Ok(())
}

fn retract(ctx: &Ctx, args: RetractArgs) -> Result<()> {
    let list = parse_list(&args.list)?;
    if args.reason.trim().is_empty() {
        return Err(crate::failure::usage("--reason must say why the version is wrong"));
    }
    let by = args
        .by
        .or_else(|| std::env::var("LISTWATCH_AUTHOR").ok())
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".to_string());
    let store = ctx.open_existing_for_writing()?;
    let retraction = Retraction { reason: args.reason, by, at: crate::cli::import::now_rfc3339() };
    let version =
        store.retract(&list, args.version, retraction.clone()).map_err(|e| ctx.write_error(e))?;
    if args.json {
        return print_json(&VersionJson {
            version: &version,
            lacks: lacks(version.coverage),
            retracted: Some(&retraction),
        });
    }
    let current = store.current(&list)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{list}: version {} (published {}) is retracted: {}",
        version.version,
        version.published,
        crate::output::clean(&retraction.reason)
    )?;
    match current {
        Some(current) => writeln!(
            out,
            "the current version is now {} (published {})",
            current.version, current.published
        )?,
        None => writeln!(out, "{list} has no live version now; import one")?,
    }
    Ok(())
}

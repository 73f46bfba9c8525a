//! `listwatch store copy`: moves a store between engines (a redb file, a PostgreSQL database) and
//! verifies the copy.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Subcommand;

use listwatch_store::Store;

use super::Ctx;
use crate::audit::AuditLog;
use crate::output::{outln, to_stdout};

/// Manage the store itself.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: StoreCommand,
}

#[derive(Debug, Subcommand)]
enum StoreCommand {
    /// Copy every list, version (retracted ones included), entity, retraction and legal event,
    /// the monitoring records (watches with their versions, alerts, decisions, webhooks and
    /// deliveries), the audit log of decisions and the sync state, into a new store, redb file
    /// or PostgreSQL database, then check that the copy answers alike. The target must be empty
    /// (a new file, or a database without listwatch data or audit records).
    Copy(CopyArgs),
}

#[derive(Debug, clap::Args)]
struct CopyArgs {
    /// The store to copy: a file, or postgres://USER@HOST:PORT/DATABASE.
    #[arg(long, value_name = "PATH|URL")]
    from: PathBuf,
    /// The new store: a file that does not exist yet, or an empty PostgreSQL database.
    #[arg(long, value_name = "PATH|URL")]
    to: PathBuf,
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    match args.command {
        StoreCommand::Copy(args) => copy(ctx, args),
    }
}

fn location(path: &Path) -> Result<&str> {
    path.to_str().context("the store location is not valid UTF-8")
}

fn copy(ctx: &Ctx, args: CopyArgs) -> Result<()> {
    let (from, to) = (ctx.with_db(args.from.clone()), ctx.with_db(args.to.clone()));
    let (shown_from, shown_to) = (crate::paths::shown(&args.from), crate::paths::shown(&args.to));
    if !to.is_postgres() && args.to.try_exists().unwrap_or(true) {
        bail!("{shown_to} exists: copy into a new file");
    }
    let source = from.open_existing()?;
    let target = Store::open_location(location(&args.to)?)
        .with_context(|| format!("cannot open the store {shown_to}"))?;
    // The audit logs: the file beside a redb store, the table of a PostgreSQL one. A target log
    // with records in it is refused before anything is written.
    let source_log = AuditLog::of(&from)?;
    let target_log = AuditLog::of(&to)?;
    if !target_log.is_empty()? {
        bail!("{} already holds audit records: copy into a new store", target_log.shown());
    }
    let report = match source.copy_to(&target) {
        Ok(report) => report,
        Err(err) => {
            if !to.is_postgres() {
                // The file this command created holds nothing: remove it.
                drop(target);
                let _ = std::fs::remove_file(&args.to);
            }
            return Err(anyhow::Error::new(err)
                .context(format!("cannot copy {shown_from} to {shown_to}; nothing was written")));
        }
    };
    let differences = source.differences(&target, 10)?;
    if !differences.is_empty() {
        bail!("the copy in {shown_to} differs from {shown_from}: {}", differences.join("; "));
    }
    let audit_records = source_log.copy_to(&target_log).with_context(|| {
        format!("the store was copied to {shown_to} and verified, but its audit log was not")
    })?;
    // The sync state (what each source's last download was), so that a sync of the copy does
    // not download again what the original already has.
    let synced = crate::cli::sync::StateHome::of(&from)?
        .copy_to(&crate::cli::sync::StateHome::of(&to)?)
        .with_context(|| {
            format!("the store was copied to {shown_to} and verified, but its sync state was not")
        })?;
    to_stdout(|out| {
        outln!(
            out,
            "copied {} lists, {} versions, {} entity records, {} retractions, {} events, {} watches, {} alerts, {} decisions, {} webhooks and {} audit records{} from {} to {}; verified",
            report.lists,
            report.versions,
            report.entities,
            report.retractions,
            report.events,
            report.watches,
            report.alerts,
            report.decisions,
            report.webhooks,
            audit_records,
            if synced { ", with the sync state" } else { "" },
            crate::output::clean(&shown_from),
            crate::output::clean(&shown_to)
        )?;
        Ok(())
    })
}

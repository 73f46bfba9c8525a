//! The command line: flags, and dispatch to one module per subcommand.

pub(crate) mod alerts;
mod audit;
mod compare;
pub(crate) mod demo;
pub(crate) mod diff;
pub(crate) mod entities;
pub(crate) mod event;
pub(crate) mod history;
pub(crate) mod import;
pub(crate) mod monitor;
pub(crate) mod portfolio;
pub(crate) mod screen;
mod show;
pub(crate) mod status;
mod store;
pub(crate) mod sync;
pub(crate) mod timeline;
pub(crate) mod versions;
mod watch;
pub(crate) mod webhook;

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use listwatch_model::{EntityId, ListName};
use listwatch_store::Store;

use crate::failure::usage;

const AFTER_HELP: &str = "\
Exit codes:
  0  success
  0  success (everything was written)
  1  error (unreadable file, damaged store); also a closed output pipe, which ends the program
     quietly (`listwatch diff ofac-sdn | head -1`)
  2  usage error (bad flags or arguments)
  3  refused by an integrity guard (an import that would remove too much of a list, an empty
     first import, a publication older than the current version); the store is unchanged
  4  nothing matched: the store does not know the entity, list or version a query names
     (show, history, timeline, status, entities, diff)
  5  a check found something (screen --fail-on-match, portfolio check --fail-on ...); the
     output is written in full first

The store is one file: --db PATH, else $LISTWATCH_DB, else the platform data folder
(~/.local/share/listwatch/listwatch.redb on Linux). --db postgres://USER@HOST:PORT/DATABASE keeps
it in PostgreSQL instead (the tables are created on first use).";

/// Track restricted-party lists over time: every published version, what changed, and the life of
/// each entry.
#[derive(Debug, Parser)]
#[command(name = "listwatch", version, about, after_help = AFTER_HELP)]
pub(crate) struct Cli {
    /// The store: a file, or a PostgreSQL database (postgres://USER@HOST:PORT/DATABASE).
    #[arg(long, global = true, env = "LISTWATCH_DB", value_name = "PATH|URL")]
    db: Option<PathBuf>,

    /// A file of your own regimes (TOML), tried before the built-in ones.
    #[arg(long, global = true, env = "LISTWATCH_REGIMES", value_name = "PATH")]
    regimes: Option<PathBuf>,

    /// No progress messages.
    #[arg(long, short, global = true)]
    quiet: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Import(import::Args),
    Sync(sync::Args),
    Sources(sync::SourcesArgs),
    Versions(versions::Args),
    Diff(diff::Args),
    Entities(entities::Args),
    Show(show::Args),
    History(history::Args),
    Status(status::Args),
    Timeline(timeline::Args),
    Event(event::Args),
    Portfolio(portfolio::Args),
    Demo(demo::Args),
    Screen(screen::Args),
    Compare(compare::Args),
    Watch(watch::Args),
    Monitor(monitor::Args),
    Alerts(alerts::Args),
    Webhook(webhook::Args),
    Serve(crate::server::Args),
    Audit(audit::Args),
    Store(store::Args),
}

/// What every subcommand gets besides its own flags.
#[derive(Clone)]
pub(crate) struct Ctx {
    db: PathBuf,
    /// Whether the store path came from --db or $LISTWATCH_DB rather than the default.
    pub(crate) db_given: bool,
    /// The regimes, the user's file (if any) loaded and checked once at startup.
    regimes: listwatch_status::Regimes,
    pub(crate) quiet: bool,
}

impl Ctx {
    /// Opens the store, creating it (and its folder) if needed.
    pub(crate) fn open_for_writing(&self) -> Result<Store> {
        if self.is_postgres() {
            return self.connect();
        }
        if let Some(parent) = self.db.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create the folder {}", parent.display()))?;
        }
        self.remove_leftovers();
        Store::open(&self.db)
            .with_context(|| format!("cannot open the store {}", self.db.display()))
    }

    /// Removes the temporary files a killed store creation left beside the store, saying so.
    fn remove_leftovers(&self) {
        match listwatch_store::remove_leftovers(&self.db) {
            Ok(removed) => {
                for file in removed {
                    eprintln!(
                        "listwatch: removed {}, left by a store creation that was interrupted",
                        file.display()
                    );
                }
            }
            Err(err) => eprintln!("listwatch: warning: {err}"),
        }
    }

    /// A store error from a write in words: a storage failure (a full disk, an I/O error) names
    /// the store file and what to do; other errors (a refusal, a missing version) pass as they
    /// are. A failed write transaction leaves the store as it was.
    pub(crate) fn write_error(&self, err: listwatch_store::Error) -> anyhow::Error {
        let listwatch_store::Error::Storage(cause) = &err else { return err.into() };
        let advice = if cause.contains("No space left") || cause.contains("os error 28") {
            "free some space on its disk and run the command again"
        } else {
            "check the disk and the file's permissions, and run the command again"
        };
        let context = format!(
            "cannot write to the store {} (nothing was changed; {advice})",
            crate::paths::shown(&self.db)
        );
        anyhow::Error::new(err).context(context)
    }

    /// The regimes: the user's file (if any) before the built-in ones.
    pub(crate) fn regimes(&self) -> &listwatch_status::Regimes {
        &self.regimes
    }

    /// The store file.
    pub(crate) fn db_path(&self) -> &std::path::Path {
        &self.db
    }

    /// A context on the store `db` with `regimes`, for tests of the server.
    #[cfg(test)]
    pub(crate) fn for_tests(db: PathBuf, regimes: listwatch_status::Regimes) -> Ctx {
        Ctx { db, db_given: true, regimes, quiet: true }
    }

    /// The same context with another store file.
    pub(crate) fn with_db(&self, db: PathBuf) -> Ctx {
        Ctx { db, db_given: true, regimes: self.regimes.clone(), quiet: self.quiet }
    }

    /// Opens an existing store to read it, never writing to the file, so that a read-only file
    /// or mount serves every question; a missing one is an error, not a new empty store. A store
    /// that must first be recovered (after a crash) or migrated (from an older format) is opened
    /// for writing once, when the file allows it.
    pub(crate) fn open_existing(&self) -> Result<Store> {
        if self.is_postgres() {
            return self.connect();
        }
        self.check_exists()?;
        match Store::open_read_only(&self.db) {
            Ok(store) => Ok(store),
            Err(listwatch_store::Error::NeedsWrite(why)) => {
                Store::open(&self.db).with_context(|| {
                    format!(
                        "cannot open the store {} (it needs writing first: {why})",
                        self.db.display()
                    )
                })
            }
            Err(err) => Err(anyhow::Error::new(err)
                .context(format!("cannot open the store {}", self.db.display()))),
        }
    }

    /// Opens an existing store to write to it; a missing one is an error, not a new empty store.
    pub(crate) fn open_existing_for_writing(&self) -> Result<Store> {
        if self.is_postgres() {
            return self.connect();
        }
        self.check_exists()?;
        self.remove_leftovers();
        Store::open(&self.db)
            .with_context(|| format!("cannot open the store {} for writing", self.db.display()))
    }

    /// Whether the store is a PostgreSQL database.
    pub(crate) fn is_postgres(&self) -> bool {
        crate::paths::is_postgres(&self.db)
    }

    /// Connects to the PostgreSQL store (its tables are created or migrated on the way).
    fn connect(&self) -> Result<Store> {
        let url = self.db.to_str().unwrap_or_default();
        Store::open_location(url)
            .with_context(|| format!("cannot open the store {}", crate::paths::shown(&self.db)))
    }

    /// Where the files that live beside the store go (`paths::side_path`).
    pub(crate) fn side_path(&self) -> std::path::PathBuf {
        let side = crate::paths::side_path(&self.db);
        if self.is_postgres()
            && let Some(parent) = side.parent()
        {
            // The folder of the files kept for PostgreSQL stores; a failure shows when they are
            // written.
            let _ = std::fs::create_dir_all(parent);
        }
        side
    }

    fn check_exists(&self) -> Result<()> {
        match self.db.try_exists() {
            Ok(true) => Ok(()),
            Ok(false) => Err(anyhow::anyhow!(
                "there is no store at {}: import a list first (listwatch import ...), or pass --db",
                self.db.display()
            )),
            Err(err) => {
                Err(anyhow::anyhow!("cannot look at the store {}: {err}", self.db.display()))
            }
        }
    }
}

pub(crate) fn run() -> Result<()> {
    let cli = Cli::parse();
    // A regimes file is read and checked before any command runs, so a broken one fails every
    // command the same way (exit 2), not only those that happen to consult regimes.
    let regimes = crate::catalog::regimes(cli.regimes.as_deref())?;
    for note in regimes.notes() {
        eprintln!("listwatch: note: {}", crate::output::clean(&note));
    }
    let ctx = Ctx {
        db: crate::paths::store_path(cli.db.as_deref())?,
        db_given: cli.db.is_some(),
        regimes,
        quiet: cli.quiet,
    };
    crate::output::protect_store(&ctx.db);
    match cli.command {
        Command::Import(args) => import::run(&ctx, args),
        Command::Sync(args) => sync::run(&ctx, args),
        Command::Sources(args) => sync::sources(&ctx, args),
        Command::Versions(args) => versions::run(&ctx, args),
        Command::Diff(args) => diff::run(&ctx, args),
        Command::Entities(args) => entities::run(&ctx, args),
        Command::Show(args) => show::run(&ctx, args),
        Command::History(args) => history::run(&ctx, args),
        Command::Status(args) => status::run(&ctx, args),
        Command::Timeline(args) => timeline::run(&ctx, args),
        Command::Event(args) => event::run(&ctx, args),
        Command::Portfolio(args) => portfolio::run(&ctx, args),
        Command::Demo(args) => demo::run(&ctx, args),
        Command::Screen(args) => screen::run(&ctx, args),
        Command::Compare(args) => compare::run(&ctx, args),
        Command::Watch(args) => watch::run(&ctx, args),
        Command::Monitor(args) => monitor::run(&ctx, args),
        Command::Alerts(args) => alerts::run(&ctx, args),
        Command::Webhook(args) => webhook::run(&ctx, args),
        Command::Serve(args) => crate::server::run(&ctx, args),
        Command::Audit(args) => audit::run(&ctx, args),
        Command::Store(args) => store::run(&ctx, args),
    }
}

/// Parses a list name given on the command line.
pub(crate) fn parse_list(name: &str) -> Result<ListName> {
    ListName::parse(name).map_err(usage)
}

/// Parses an entity id given on the command line.
pub(crate) fn parse_entity_id(id: &str) -> Result<EntityId> {
    EntityId::parse(id).map_err(usage)
}

/// Parses a `YYYY-MM-DD` date given on the command line.
pub(crate) fn parse_date(flag: &str, value: &str) -> Result<listwatch_model::Date> {
    listwatch_model::Date::parse_iso(value.trim()).map_err(|e| usage(format!("{flag} {e}")))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }

    #[test]
    fn a_failed_store_write_names_the_store_and_what_to_do() {
        let ctx = super::Ctx {
            db: "/data/lw.redb".into(),
            db_given: true,
            regimes: listwatch_status::Regimes::builtin(),
            quiet: true,
        };
        let full = listwatch_store::Error::Storage("No space left on device (os error 28)".into());
        assert_eq!(
            crate::failure::render(&ctx.write_error(full)),
            "cannot write to the store /data/lw.redb (nothing was changed; free some space on its \
             disk and run the command again): storage error: No space left on device (os error 28)"
        );
        // A refusal keeps its message and its exit code.
        let refused = listwatch_store::Error::NotFound("ofac-sdn version 9".into());
        let err = ctx.write_error(refused);
        assert_eq!(err.to_string(), "ofac-sdn version 9");
        assert_eq!(crate::failure::exit_code(&err), crate::failure::NO_MATCH);
    }

    #[test]
    fn io_errors_say_the_cause_and_what_to_do() {
        use std::io::{Error, ErrorKind};
        let path = std::path::Path::new("/lists/sdn");
        let message =
            |err: Error| crate::failure::io_error("read the folder", path, &err).to_string();
        assert_eq!(
            message(Error::from(ErrorKind::PermissionDenied)),
            "cannot read the folder /lists/sdn: permission denied; the user running listwatch \
             needs permission to read it, and to search every folder on its path"
        );
        assert_eq!(
            message(Error::from_raw_os_error(13)),
            "cannot read the folder /lists/sdn: Permission denied (os error 13); the user running \
             listwatch needs permission to read it, and to search every folder on its path"
        );
        assert!(message(Error::from_raw_os_error(40)).ends_with(
            "Too many levels of symbolic links (os error 40); a symbolic link on the path leads \
             back to itself: fix the link"
        ));
        assert!(
            message(Error::from(ErrorKind::StorageFull))
                .ends_with("free some space on that disk, then run the command again")
        );
        assert_eq!(
            message(Error::from(ErrorKind::NotFound)),
            "/lists/sdn does not exist: check the path"
        );
    }
}

//! `serve --sync`: the store's scheduled work, run by one instance at a time among all the
//! servers that share a store.
//!
//! A thread of its own tries to take the lead of `sync` (`Store::try_lead`, the lock `listwatch
//! sync` takes too) every tick. The instance that holds it syncs the configured sources when due,
//! re-checks the holdings watches as of today, and delivers pending alerts every tick (each
//! delivery claimed, so a process that delivers beside it never sends an alert twice). On
//! PostgreSQL the lead is a session advisory lock: when its instance dies, even by SIGKILL, the
//! server ends the session and another instance takes the lead at its next tick. The leader asks
//! at every tick whether its session still holds the lock (`Store::holds_lead`): a lead lost with
//! its connection is given up, never assumed, and sought again. A redb store is on one machine,
//! where every instance leads and writers take turns.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use listwatch_model::Date;
use listwatch_store::{Lease, Store};

use super::log;
use crate::cli::Ctx;
use crate::cli::webhook::DeliverArgs;

/// What the leading instance does, and how often.
#[derive(Clone, Debug)]
pub(crate) struct Duties {
    /// The sources file (else `$LISTWATCH_SOURCES`, else the built-in sources).
    pub(crate) config: Option<PathBuf>,
    /// How often the sources are synced.
    pub(crate) every: Duration,
    /// How often the lead is sought and pending alerts delivered.
    pub(crate) tick: Duration,
    /// The largest share of a list an import may remove, in percent.
    pub(crate) max_removal: f64,
}

/// Starts the thread that seeks the lead and, holding it, does the duties until `stop` is set.
pub(crate) fn spawn(ctx: Ctx, duties: Duties, stop: Arc<AtomicBool>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("listwatch-lead".to_string())
        .spawn(move || lead(&ctx, &duties, &stop))
        .map(drop)
}

fn lead(ctx: &Ctx, duties: &Duties, stop: &AtomicBool) {
    // One handle to seek the lead with; the lease holds a connection of its own.
    let mut store: Option<Store> = None;
    let mut lease: Option<Lease> = None;
    let mut next_sync = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        if store.is_none() {
            match ctx.open_existing_for_writing() {
                Ok(opened) => store = Some(opened),
                Err(err) => log::error(&format!("cannot open the store to seek the lead: {err:#}")),
            }
        }
        if let Some(store) = &store {
            if lease.as_ref().is_some_and(|held| !store.holds_lead(held)) {
                // The session holding the lock ended (the database restarted, the network
                // failed): another instance may lead now, so this one stops until it leads again.
                log::warn(
                    "this instance lost the lead (its database session ended); it seeks it again",
                );
                lease = None;
            }
            if lease.is_none() {
                match store.try_lead("sync") {
                    Ok(Some(taken)) => {
                        log::info("this instance leads: it runs sync, the monitor and delivery");
                        lease = Some(taken);
                        next_sync = Instant::now();
                    }
                    Ok(None) => {}
                    Err(err) => log::error(&format!("cannot seek the lead: {err}")),
                }
            }
            if lease.is_some() {
                if Instant::now() >= next_sync {
                    sync_and_check(ctx, store, duties);
                    next_sync = Instant::now() + duties.every;
                }
                deliver(store);
            }
        }
        let slept = Instant::now();
        while slept.elapsed() < duties.tick && !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(20).min(duties.tick));
        }
    }
    // The lease goes before the store whose runtime drives its connection.
    drop(lease);
}

/// Syncs the sources (each import screens the watches against its change), then re-checks the
/// holdings watches as of today.
fn sync_and_check(ctx: &Ctx, store: &Store, duties: &Duties) {
    let synced = crate::cli::sync::sync_configured(
        ctx,
        duties.config.as_deref(),
        duties.max_removal,
        &mut |line| {
            log::info(&format!("sync: {}", crate::output::clean(line)));
            Ok(())
        },
    );
    match synced {
        Ok(report) if report.failed > 0 => {
            log::warn(&format!("sync: {} sources failed; they stay stale", report.failed))
        }
        Ok(_) => {}
        Err(err) => log::error(&format!("sync failed: {err:#}")),
    }
    match crate::cli::monitor::recheck_holdings(ctx, store, Date::today_utc(), "serve", &[], None) {
        Ok(alerts) if !alerts.is_empty() => {
            log::info(&format!("monitor: {} new alerts", alerts.len()))
        }
        Ok(_) => {}
        Err(err) => log::error(&format!("monitor failed: {err:#}")),
    }
}

/// One round of delivery: one attempt per pending alert; what fails waits for the next tick.
fn deliver(store: &Store) {
    let args = DeliverArgs::once();
    match crate::cli::webhook::deliver_pending(store, &args) {
        Ok(outcome) if outcome.delivered > 0 || outcome.failed > 0 => log::info(&format!(
            "delivered {} alerts; {} still pending",
            outcome.delivered, outcome.failed
        )),
        Ok(_) => {}
        Err(err) => log::error(&format!("delivery failed: {err}")),
    }
}

//! An immutable snapshot of the store: the screening index over the current version of every
//! list, the catalog of every entity ever listed, the regimes, and the store's fingerprint when
//! it was built. A [`SharedSnapshot`] holds the snapshot in force and swaps in a new one
//! atomically: a reader keeps the one it took until it lets it go.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};

use listwatch_matcher::{Index, MatcherConfig, Query, ScreenResult};
use listwatch_status::{Question, Regimes};
use listwatch_store::Store;

use crate::Result;
use crate::catalog::Catalog;
use crate::holdings::Checker;
use crate::screening::{ScreenedList, build_index};
use crate::status::{StatusAnswer, answer};

/// What changes when a version is imported or retracted or an event is recorded, by any
/// process: each list's newest version and number of retractions, and the number of events.
/// Cheap to read (a few small tables), so a server can poll it every second.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fingerprint {
    /// Each list with its newest version and its number of retracted versions.
    pub lists: Vec<(String, u32, usize)>,
    /// The number of legal events recorded.
    pub events: usize,
}

impl Fingerprint {
    /// Reads the fingerprint of the store.
    pub fn of(store: &Store) -> Result<Fingerprint> {
        let mut lists = Vec::new();
        for info in store.lists()? {
            let retracted = store.retractions(&info.name)?.len();
            lists.push((info.name.to_string(), info.current, retracted));
        }
        Ok(Fingerprint { lists, events: store.events(None)?.len() })
    }
}

/// Everything a question needs, built once from the store and never changed.
pub struct Snapshot {
    store: Arc<Store>,
    /// The index over the current version of every list.
    pub index: Index,
    /// The list versions indexed, with what each lacks.
    pub screened: Vec<ScreenedList>,
    /// Lists every version of which is retracted (not screened).
    pub all_retracted: Vec<String>,
    /// Every entity of every list, with lookups.
    pub catalog: Catalog,
    /// The regimes status answers use.
    pub regimes: Regimes,
    /// The store's fingerprint when the snapshot was built.
    pub fingerprint: Fingerprint,
    /// When it was built.
    pub built_at: SystemTime,
    /// How long building it took.
    pub build_time: Duration,
}

impl Snapshot {
    /// Builds a snapshot of `store`. The fingerprint is read first, so a change committed while
    /// the snapshot is built makes the next poll differ and rebuild.
    pub fn build(store: Arc<Store>, regimes: Regimes, config: &MatcherConfig) -> Result<Snapshot> {
        let started = Instant::now();
        let fingerprint = Fingerprint::of(&store)?;
        let screening = build_index(&store, config, &[], &mut |_| {})?;
        let catalog = Catalog::load(&store)?;
        Ok(Snapshot {
            store,
            index: screening.index,
            screened: screening.lists,
            all_retracted: screening.all_retracted.iter().map(|l| l.to_string()).collect(),
            catalog,
            regimes,
            fingerprint,
            built_at: SystemTime::now(),
            build_time: started.elapsed(),
        })
    }

    /// The store the snapshot was built from. Status answers read an entity's observations and
    /// events from it; the catalog, the index and the consulted lists come from the snapshot.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The shared handle on the store, to build the next snapshot with.
    pub fn store_handle(&self) -> Arc<Store> {
        Arc::clone(&self.store)
    }

    /// Screens one query.
    pub fn screen(&self, query: &Query, limit: usize) -> Vec<ScreenResult> {
        self.index.screen(query, limit)
    }

    /// The status of whatever `query` names as of `question`.
    pub fn status(&self, query: &str, question: Question) -> Result<StatusAnswer> {
        answer(&self.store, &self.catalog, &self.regimes, query, question)
    }

    /// A holdings checker as of `question`.
    pub fn checker(&self, question: Question) -> Checker<'_> {
        let consultation = self.catalog.consulted(question.as_of, question.known_on);
        Checker::new(&self.store, &self.catalog, &self.regimes, question, &consultation)
    }
}

/// The snapshot in force, swapped atomically. Readers take an `Arc` and keep it as long as they
/// need; a swap never waits for them, and the old snapshot is freed when its last reader is done.
pub struct SharedSnapshot {
    current: RwLock<Arc<Snapshot>>,
}

impl SharedSnapshot {
    /// Starts with `snapshot`.
    pub fn new(snapshot: Snapshot) -> SharedSnapshot {
        SharedSnapshot { current: RwLock::new(Arc::new(snapshot)) }
    }

    /// The snapshot in force.
    pub fn load(&self) -> Arc<Snapshot> {
        // A panic while the lock was held cannot leave the `Arc` half-written: take it anyway.
        match self.current.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Puts `snapshot` in force; returns the one it replaces.
    pub fn swap(&self, snapshot: Snapshot) -> Arc<Snapshot> {
        let new = Arc::new(snapshot);
        let mut guard = match self.current.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        std::mem::replace(&mut *guard, new)
    }
}

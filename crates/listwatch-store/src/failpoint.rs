//! Failpoints: named places where a test can kill the process, to check that the store survives
//! a crash at each write and sync point.
//!
//! `LISTWATCH_FAILPOINT=<name>` in the environment makes the process abort, as a `kill -9` would,
//! when it reaches the failpoint of that name. Without the variable a failpoint costs one load of
//! a value read once. The names are listed in [`NAMES`].

use std::sync::OnceLock;

/// Every failpoint, in the order an import into a new store reaches them.
pub const NAMES: &[&str] = &[
    "create:file",
    "create:header",
    "create:before-link",
    "create:linked",
    "import:packs-written",
    "import:changes-written",
    "import:before-commit",
    "import:committed",
    "retract:before-commit",
    "event:before-commit",
];

fn armed() -> Option<&'static str> {
    static ARMED: OnceLock<Option<String>> = OnceLock::new();
    ARMED.get_or_init(|| std::env::var("LISTWATCH_FAILPOINT").ok()).as_deref()
}

/// Aborts the process if the failpoint `name` is armed.
pub(crate) fn hit(name: &str) {
    debug_assert!(NAMES.contains(&name), "unlisted failpoint {name}");
    if armed() == Some(name) {
        std::process::abort();
    }
}

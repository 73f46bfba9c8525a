//! Finding entities and gathering records lives in the core (`listwatch_core::catalog`); this
//! module re-exports it for the commands, and adds what only the command line knows: the JSON and
//! the words of a consultation, and reading the user's regimes file.

use anyhow::Result;

pub(crate) use listwatch_core::catalog::{Catalog, Consultation, Found, lacks};
use listwatch_status::{Record, Regimes};
use listwatch_store::Store;

use crate::failure::usage;

/// Everything the store knows about one entity, for the status engine (see
/// [`listwatch_core::catalog::record`]); a malformed id is a usage error.
pub(crate) fn record(store: &Store, entity_id: &str) -> Result<Record> {
    listwatch_core::catalog::record(store, entity_id).map_err(crate::failure::from_core)
}

/// The wire and human faces of a [`Consultation`].
pub(crate) trait ConsultationExt {
    /// The JSON of the consulted lists: list, version, publication date, and what the version
    /// lacks (aliases, addresses of a main-file-only publication).
    fn consulted_json(&self) -> Vec<serde_json::Value>;
    /// The JSON of the lists that could not be consulted, with the reason.
    fn not_consulted_json(&self) -> Vec<serde_json::Value>;
    /// Lines for people: what each answer rests on.
    fn describe(&self) -> Vec<String>;
}

impl ConsultationExt for Consultation {
    /// The JSON of the consulted lists: list, version, publication date, and what the version
    /// lacks (aliases, addresses of a main-file-only publication).
    fn consulted_json(&self) -> Vec<serde_json::Value> {
        self.consulted
            .iter()
            .map(|(list, v)| {
                serde_json::json!({
                    "list": list,
                    "version": v.version,
                    "published": v.published,
                    "lacks": lacks(v.coverage),
                })
            })
            .collect()
    }

    /// The JSON of the lists that could not be consulted, with the reason.
    fn not_consulted_json(&self) -> Vec<serde_json::Value> {
        self.not_consulted
            .iter()
            .map(|(list, reason)| serde_json::json!({"list": list, "reason": reason}))
            .collect()
    }

    /// Lines for people: what each answer rests on.
    fn describe(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .consulted
            .iter()
            .map(|(list, v)| {
                let lacks = lacks(v.coverage);
                let lacks = if lacks.is_empty() {
                    String::new()
                } else {
                    format!("; it lacks {}", lacks.join(" and "))
                };
                format!("consulted {list} version {} (published {}){lacks}", v.version, v.published)
            })
            .collect();
        lines.extend(
            self.not_consulted.iter().map(|(_, reason)| format!("not consulted: {reason}")),
        );
        lines
    }
}

/// The built-in regimes, after the user's own from `path` if given. A file that cannot be read,
/// does not parse or breaks a rule is a usage error (exit 2) that names the file, and the line and
/// column of a parse error, but never quotes its content.
pub(crate) fn regimes(path: Option<&std::path::Path>) -> Result<Regimes> {
    let builtin = Regimes::builtin();
    let Some(path) = path else { return Ok(builtin) };
    let shown = crate::output::clean(&path.display().to_string()).into_owned();
    let fix = "fix it, or point --regimes (or $LISTWATCH_REGIMES) at another file";
    let bytes = std::fs::read(path)
        .map_err(|e| usage(format!("cannot read the regimes file {shown}: {e}; {fix}")))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        usage(format!("the regimes file {shown} is not UTF-8 text (a TOML file is); {fix}"))
    })?;
    let user = Regimes::from_file(&text, &shown)
        .map_err(|e| usage(format!("the regimes file {shown}, {e}; {fix}")))?;
    Ok(user.then(builtin))
}

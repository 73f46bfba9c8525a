//! The README is tested: every command of its ```sh blocks runs, in order, against the data it
//! names, and exits as the README says.
//!
//! Conventions:
//! - A command is a line of a ```sh block (lines ending in `\` continue on the next); comment lines
//!   and blank lines are skipped, and so are `cargo` commands (the README's first block).
//! - A command must exit with 0, unless its line ends with the comment `# exit N`: then with N.
//! - Each command runs with `sh -c` in one temporary folder for the whole README, where `listwatch`
//!   is the binary under test and `examples/` is the repository's `examples/` folder; output files
//!   land in the temporary folder, never in the repository or the data folder.
//! - Each section (a `#` heading) starts with a fresh store: `$LISTWATCH_DB` is a new file in the
//!   temporary folder, so a section imports what it uses (or builds the demo store).
//! - `export NAME=value` sets a variable for the rest of its section, except `LISTWATCH_DATA`,
//!   which always points at the data folder the tests use (`$LISTWATCH_DATA`, default
//!   `../shared/data` from the repository root).
//! - `postgres://postgres@127.0.0.1:5432/listwatch` stands for a PostgreSQL database: each section
//!   that names it gets a fresh database of its own, dropped afterwards. Without a reachable server
//!   the rest of such a section is skipped, unless `LISTWATCH_REQUIRE_PG=1`, when it fails.
//! - When the data folder is missing the test prints why and passes, unless
//!   `LISTWATCH_REQUIRE_DATA=1`, when it fails.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use listwatch_store::testing::TestDatabase;

use crate::data_dir;

/// A command of the README, where it is, and the exit code it must have.
#[derive(Clone)]
struct Step {
    line: usize,
    section: usize,
    command: String,
    exit: i32,
}

/// The PostgreSQL database the README's examples use; the test puts a fresh one in its place.
const README_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/listwatch";

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The commands of the ```sh blocks, with their section numbers.
fn steps(readme: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    let (mut in_sh, mut in_other, mut section) = (false, false, 0);
    let mut pending: Option<(usize, String)> = None;
    for (idx, raw) in readme.lines().enumerate() {
        let line = raw.trim_end();
        if !in_sh && !in_other {
            if line.starts_with("```sh") {
                in_sh = true;
            } else if line.starts_with("```") {
                in_other = true;
            } else if line.starts_with('#') {
                section += 1;
            }
            continue;
        }
        if line.starts_with("```") {
            (in_sh, in_other) = (false, false);
            continue;
        }
        if in_other {
            continue;
        }
        let (start, text) = match pending.take() {
            Some((start, text)) => (start, text + "\n" + line),
            None => {
                let trimmed = line.trim_start();
                if trimmed.is_empty() || trimmed.starts_with('#') {
                    continue;
                }
                (idx + 1, line.to_string())
            }
        };
        // `sh` joins the lines itself.
        if text.ends_with('\\') {
            pending = Some((start, text));
            continue;
        }
        let exit =
            text.rsplit_once("# exit ").and_then(|(_, code)| code.trim().parse().ok()).unwrap_or(0);
        if text.trim_start().starts_with("cargo ") {
            continue;
        }
        steps.push(Step { line: start, section, command: text, exit });
    }
    assert!(pending.is_none(), "README.md: the last command ends in a backslash");
    steps
}

#[test]
fn every_readme_command_runs_as_documented() {
    let data = data_dir();
    if !data.join("ofac-sdn").is_dir() {
        let reason = format!("the data folder {} is missing", data.display());
        if std::env::var("LISTWATCH_REQUIRE_DATA").is_ok_and(|v| v == "1") {
            panic!("{reason} and LISTWATCH_REQUIRE_DATA=1");
        }
        eprintln!("skipping the README commands: {reason} (set LISTWATCH_DATA)");
        return;
    }
    let data = data.canonicalize().unwrap();
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let steps = steps(&readme);
    assert!(steps.len() > 20, "README.md has too few commands: {}", steps.len());

    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    let bin = tmp.path().join("bin");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::create_dir_all(&bin).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_listwatch"), bin.join("listwatch")).unwrap();
        std::os::unix::fs::symlink(repo_root().join("examples"), work.join("examples")).unwrap();
    }
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());

    let mut section = usize::MAX;
    let mut exports: BTreeMap<String, String> = BTreeMap::new();
    let mut failures = Vec::new();
    // The README's PostgreSQL database is, for each section that names it, a fresh database of
    // the test's own (`None`: PostgreSQL is not reachable, and those commands are skipped).
    let mut database: Option<Option<TestDatabase>> = None;
    for step in &steps {
        if step.section != section {
            section = step.section;
            exports.clear();
            exports.insert(
                "LISTWATCH_DB".to_string(),
                work.join(format!("section-{section}.redb")).display().to_string(),
            );
            database = None;
        }
        let mut step = step.clone();
        if step.command.contains(README_PG_URL) || database.is_some() {
            let Some(db) = database.get_or_insert_with(TestDatabase::create) else { continue };
            step.command = step.command.replace(README_PG_URL, db.url());
        }
        if let Some(assignment) = step.command.trim().strip_prefix("export ") {
            let (name, value) = assignment.split_once('=').expect("export NAME=value");
            if name != "LISTWATCH_DATA" {
                exports.insert(name.to_string(), value.trim_matches(['"', '\'']).to_string());
            }
            continue;
        }
        let output = Command::new("sh")
            .arg("-c")
            .arg(&step.command)
            .current_dir(&work)
            .env("PATH", &path)
            .env("LISTWATCH_DATA", &data)
            .env("HOME", tmp.path())
            .env("XDG_DATA_HOME", tmp.path().join("xdg"))
            .env_remove("LISTWATCH_REGIMES")
            .env_remove("LISTWATCH_MAX_REMOVAL")
            .envs(&exports)
            .output()
            .unwrap();
        let code = output.status.code().unwrap_or(-1);
        if code != step.exit {
            failures.push(format!(
                "README.md:{}: `{}` exited with {code}, not {}:\n{}",
                step.line,
                step.command,
                step.exit,
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(!Path::new(&data).join("listwatch.redb").exists());
}

#[test]
fn the_harness_reads_commands_continuations_and_exit_codes() {
    let readme = "# A\n\n```sh\n# comment\ncargo test\nlistwatch a \\\n    --b\n```\n\n## B\n```text\nnot a command\n```\n```sh\nlistwatch c  # exit 5\n```\n";
    let steps = steps(readme);
    let got: Vec<(usize, usize, &str, i32)> =
        steps.iter().map(|s| (s.line, s.section, s.command.as_str(), s.exit)).collect();
    assert_eq!(got, [(6, 1, "listwatch a \\\n    --b", 0), (15, 2, "listwatch c  # exit 5", 5)]);
}

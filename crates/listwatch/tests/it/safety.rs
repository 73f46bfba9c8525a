//! Hardening: users' regimes cannot silently replace the built-in ones and a broken regimes file
//! fails every command; list and user data cannot drive the terminal; messages say what happened.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::{command, fixture, run, run_json};

const SDN_FIXTURE: &str = "ok/0001_sdn_set_with_addresses_aliases_and_continued_remarks";

/// A store with the small SDN fixture, published 2021-07-07 (`ofac-sdn:2674` is in SDGT).
fn sdn_store(dir: &Path) -> PathBuf {
    let db = dir.join("sdn.redb");
    let folder = fixture(SDN_FIXTURE);
    run_json(
        &db,
        &["import", "ofac-sdn", folder.to_str().unwrap(), "--published", "2021-07-07", "--json"],
    );
    db
}

/// A regimes file `name` in `dir` with one regime of `fields` (id `house-rule`).
fn regimes_file(dir: &Path, name: &str, fields: &str) -> PathBuf {
    let path = dir.join(name);
    let text = format!(
        "[[regime]]\nid = \"house-rule\"\nname = \"Our rule\"\nauthority = \"Policy 7\"\n{fields}\n"
    );
    fs::write(&path, text).unwrap();
    path
}

/// Runs `listwatch --regimes <regimes> <args>` on `db`.
fn run_with(db: &Path, regimes: &Path, args: &[&str]) -> Output {
    command(db).arg("--regimes").arg(regimes).args(args).output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json_of(output: &Output) -> serde_json::Value {
    assert!(output.status.success(), "{}", stderr(output));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_user_regime_for_every_program_does_not_replace_sdn_blocking() {
    let tmp = tempfile::tempdir().unwrap();
    let db = sdn_store(tmp.path());
    let regimes = regimes_file(
        tmp.path(),
        "star.toml",
        "programs = [\"*\"]\nkind = \"securities\"\neffective_after_days = 36500\n\
         divestment_after_days = 36500",
    );
    let output =
        run_with(&db, &regimes, &["status", "ofac-sdn:2674", "--as-of", "2022-01-01", "--json"]);
    let answer = json_of(&output);
    let found = &answer["matches"][0];
    assert_eq!(found["state"], "restricted", "{answer:#}");
    assert_eq!(found["rules"], serde_json::json!(["ofac-sdn-blocking"]));
    assert_eq!(stderr(&output), "");
}

#[test]
fn an_override_of_a_builtin_regime_is_noted_once_and_named_in_the_answer() {
    let tmp = tempfile::tempdir().unwrap();
    let db = sdn_store(tmp.path());
    let regimes = regimes_file(
        tmp.path(),
        "house.toml",
        "programs = [\"SDGT\"]\nlists = [\"ofac-sdn\"]\nkind = \"restrictions\"\n\
         restrictions = [\"escalate\"]",
    );
    let output =
        run_with(&db, &regimes, &["status", "ofac-sdn:2674", "--as-of", "2022-01-01", "--json"]);
    let answer = json_of(&output);
    let found = &answer["matches"][0];
    assert_eq!(found["rules"], serde_json::json!(["user:house-rule"]), "{answer:#}");
    assert_eq!(found["restrictions"][0]["rule"], "user:house-rule");
    let note = format!(
        "listwatch: note: regime house-rule (from {}) overrides built-in ofac-sdn-blocking for \
         program SDGT\n",
        regimes.display()
    );
    assert_eq!(stderr(&output), note);
    // Another SDN program keeps the built-in blocking.
    let cuba = json_of(&run_with(&db, &regimes, &["status", "ofac-sdn:306", "--json"]));
    assert_eq!(cuba["matches"][0]["rules"], serde_json::json!(["ofac-sdn-blocking"]));
    let timeline = run_with(&db, &regimes, &["timeline", "ofac-sdn:2674"]);
    assert!(String::from_utf8_lossy(&timeline.stdout).contains("user:house-rule (Policy 7)"));
}

#[test]
fn a_broken_regimes_file_fails_every_command_with_2_and_never_echoes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let db = sdn_store(tmp.path());
    let holdings = tmp.path().join("holdings.csv");
    fs::write(&holdings, "isin\nUS16941M1099\n").unwrap();
    let broken: Vec<(PathBuf, &str)> = vec![
        (
            regimes_file(
                tmp.path(),
                "negative.toml",
                "programs = [\"X\"]\nkind = \"blocking\"\neffective_after_days = -1",
            ),
            "effective_after_days is -1; a day count runs from 0 to 36500",
        ),
        (
            {
                let path = tmp.path().join("builtin-id.toml");
                fs::write(
                    &path,
                    "[[regime]]\nid = \"listed\"\nname = \"n\"\nauthority = \"a\"\n\
                     programs = [\"X\"]\nkind = \"blocking\"\n",
                )
                .unwrap();
                path
            },
            "regime listed: the id is a built-in regime's",
        ),
        (
            {
                let path = tmp.path().join("passwd");
                fs::write(&path, "root:x:0:0:s3cret:/root:/bin/bash\n").unwrap();
                path
            },
            ", line 1, column ",
        ),
        (tmp.path().join("missing.toml"), "cannot read the regimes file"),
    ];
    let holdings = holdings.to_str().unwrap();
    let commands: [&[&str]; 12] = [
        &["status", "ofac-sdn:306"],
        &["timeline", "ofac-sdn:306"],
        &["portfolio", "check", holdings],
        &["screen", "Banco Nacional de Cuba"],
        &["show", "ofac-sdn:306"],
        &["history", "ofac-sdn:306"],
        &["diff", "ofac-sdn"],
        &["versions"],
        &["entities", "ofac-sdn"],
        &["event", "list"],
        &[
            "event",
            "add",
            "ofac-sdn:306",
            "--kind",
            "note",
            "--date",
            "2021-01-01",
            "--citation",
            "x",
        ],
        &["import", "ofac-sdn", "/nonexistent", "--published", "2021-08-01"],
    ];
    for (file, expected) in &broken {
        for args in commands {
            let output = run_with(&db, file, args);
            let message = stderr(&output);
            assert_eq!(
                output.status.code(),
                Some(2),
                "{args:?} with {}: {message}",
                file.display()
            );
            assert!(message.contains(&file.display().to_string()), "{message}");
            assert!(message.contains(expected), "{message}");
            assert!(!message.contains("s3cret") && !message.contains("/bin/bash"), "{message}");
            assert!(
                output.stdout.is_empty(),
                "{args:?}: {}",
                String::from_utf8_lossy(&output.stdout)
            );
        }
    }
    // The environment variable is read the same way.
    let output = command(&db).env("LISTWATCH_REGIMES", &broken[2].0).arg("versions").output();
    assert_eq!(output.unwrap().status.code(), Some(2));
    // Nothing was recorded by the refused `event add`.
    let events = run_json(&db, &["event", "list", "--json"]);
    assert_eq!(events.as_array().map(Vec::len), Some(0), "{events:#}");
    assert!(run(&db, &["versions"]).status.success());
}

#[test]
fn control_characters_in_citations_never_reach_the_terminal_raw_and_json_keeps_them() {
    let tmp = tempfile::tempdir().unwrap();
    let db = sdn_store(tmp.path());
    let citation = "Court \u{1b}[31mRED\n\u{9b}2J";
    let output = run(
        &db,
        &[
            "event",
            "add",
            "ofac-sdn:306",
            "--kind",
            "note",
            "--date",
            "2021-08-01",
            "--citation",
            citation,
            "--url",
            "https://example.org/\u{1b}]0;x\u{7}",
            "--note",
            "a\rb",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let check_text = |args: &[&str], lines: usize| {
        let output = run(&db, args);
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(!text.contains('\u{1b}') && !text.contains('\u{9b}'), "{args:?}: {text:?}");
        assert!(!text.contains('\r') && !text.contains('\u{7}'), "{args:?}: {text:?}");
        assert!(text.contains("Court \\e[31mRED\\n\\u{9b}2J"), "{args:?}: {text}");
        assert_eq!(text.lines().count(), lines, "{args:?}: {text}");
    };
    // `event add` itself, then the event list (header and one row) and the timeline (id, listing,
    // blocking, the event, and the legend).
    check_text(&["event", "list"], 2);
    check_text(&["timeline", "ofac-sdn:306"], 5);
    let status = run(&db, &["status", "ofac-sdn:306", "--as-of", "2021-09-01"]);
    let text = String::from_utf8(status.stdout).unwrap();
    assert!(!text.contains('\u{1b}') && text.contains("\\e[31mRED\\n"), "{text}");
    // JSON is valid UTF-8 and gives the citation back exactly.
    for args in [
        &["event", "list", "--json"][..],
        &["timeline", "ofac-sdn:306", "--json"],
        &["status", "ofac-sdn:306", "--as-of", "2021-09-01", "--json"],
    ] {
        let output = run(&db, args);
        let text = String::from_utf8(output.stdout).expect("JSON output is UTF-8");
        assert!(!text.contains('\u{1b}'), "serde_json escapes control characters: {text}");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let found = value.to_string().contains(&serde_json::to_string(citation).unwrap()[1..20]);
        assert!(found, "{args:?}: {value:#}");
    }
    let events = run_json(&db, &["event", "list", "--json"]);
    assert_eq!(events[0]["citation"], citation);
    assert_eq!(events[0]["note"], "a\rb");
    assert_eq!(events[0]["url"], "https://example.org/\u{1b}]0;x\u{7}");
}

#[test]
fn import_says_what_is_wrong_with_the_path_and_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.redb");
    let import = |path: &Path| {
        let output =
            run(&db, &["import", "ofac-sdn", path.to_str().unwrap(), "--published", "2021-07-07"]);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        stderr(&output)
    };
    // A symbolic link loop, as the path and as the main file of a folder.
    let looped = tmp.path().join("loop");
    std::os::unix::fs::symlink(&looped, &looped).unwrap();
    let message = import(&looped);
    assert!(message.contains(&format!("cannot read {}", looped.display())), "{message}");
    assert!(message.contains("oo many levels of symbolic links"), "{message}");
    assert!(message.contains("leads back to itself: fix the link"), "{message}");
    let folder = tmp.path().join("publication");
    fs::create_dir(&folder).unwrap();
    std::os::unix::fs::symlink(folder.join("sdn.csv"), folder.join("sdn.csv")).unwrap();
    let message = import(&folder);
    assert!(message.contains(&format!("{}", folder.join("sdn.csv").display())), "{message}");
    assert!(message.contains("symbolic links"), "{message}");
    assert!(!message.contains("has no sdn.csv"), "{message}");
    // A dangling link, and a path that is not there.
    let dangling = tmp.path().join("dangling.csv");
    std::os::unix::fs::symlink(tmp.path().join("gone.csv"), &dangling).unwrap();
    let message = import(&dangling);
    assert!(message.contains("is a symbolic link to") && message.contains("gone.csv"), "{message}");
    let message = import(&tmp.path().join("missing"));
    assert!(message.contains("missing does not exist: check the path"), "{message}");
    // A UN XML list given to the OFAC CSV format.
    let message = import(&fixture("err/0005_un_xml_list_as_main_file.csv"));
    assert!(message.contains("looks like an XML document"), "{message}");
    assert!(message.contains("OFAC's legacy CSV files (sdn.csv"), "{message}");
    assert!(!message.contains("quoted field"), "{message}");
    assert!(!db.exists() || run(&db, &["versions", "--json"]).status.success());
}

#[test]
fn an_impossible_birth_date_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    let db = sdn_store(tmp.path());
    let output = run(&db, &["screen", "ABBAS, Abu", "--dob", "1952-02-30"]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(message.contains("1952-02-30: February 1952 has 29 days"), "{message}");
}

//! Crash safety: an import killed with SIGKILL at any moment leaves the store readable at the last
//! committed version.

use std::time::Duration;

use crate::{command, data_dir, run_json};

#[cfg(unix)]
#[test]
fn killing_imports_at_random_moments_never_damages_the_store() {
    if !crate::have_data() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("store.redb");
    let data = data_dir();
    let publications =
        [data.join("ofac-sdn-daily/2022-03-21"), data.join("ofac-sdn-daily/2022-03-24")];
    let counts = [9396u64, 9793];
    run_json(
        &db,
        &[
            "import",
            "ofac-sdn",
            publications[0].to_str().unwrap(),
            "--published",
            "2022-01-01",
            "--json",
        ],
    );
    let mut committed = 1u64;
    // A small deterministic sequence of delays spread over the import's life (a few hundred
    // milliseconds in a debug build): early, mid-parse, mid-write, around the commit.
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for round in 0..12u64 {
        let idx = ((round + 1) % 2) as usize;
        let published = listwatch_model::Date::parse_iso("2022-01-02")
            .unwrap()
            .add_days(round as i64)
            .to_string();
        let mut child = command(&db)
            .args([
                "import",
                "ofac-sdn",
                publications[idx].to_str().unwrap(),
                "--published",
                &published,
                "--json",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_millis(seed % 400));
        let _ = child.kill();
        let status = child.wait().unwrap();
        let versions = run_json(&db, &["versions", "ofac-sdn", "--json"]);
        let versions = versions.as_array().unwrap();
        let n = versions.len() as u64;
        assert!(
            n == committed || n == committed + 1,
            "round {round}: {n} versions after {committed}"
        );
        if n == committed + 1 {
            assert_eq!(versions.last().unwrap()["published"], published.as_str());
        }
        committed = n;
        let last = versions.last().unwrap();
        let entities = last["entities"].as_u64().unwrap();
        assert!(counts.contains(&entities));
        if n > 1 {
            let diff = run_json(&db, &["diff", "ofac-sdn", "--json"]);
            assert!(diff["added"].is_array());
        }
        eprintln!("round {round}: killed={} versions={n}", !status.success());
    }
}

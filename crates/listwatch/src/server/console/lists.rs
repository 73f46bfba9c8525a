//! `GET /ui/lists`: every list with its versions (coverage, source, staleness);
//! `GET /ui/lists/{list}/diff?from=&to=&program=`: what changed between two versions, added,
//! removed and changed field by field, filtered by program, and its CSV export (`diff.csv`).

use std::sync::{Arc, Mutex, MutexGuard};

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;

use listwatch_model::{Date, ListName};

use super::session::Session;
use super::{Chrome, Failure, PageResult, blocking, render};
use crate::cli::diff::{Compared, compare, diff_json};
use crate::output::change_excerpts;
use crate::server::params::Params;
use crate::server::state::AppState;

/// Values longer than this are cut down to their changed part on the page (the CSV has them
/// whole).
const MAX_VALUE: usize = 160;

pub(crate) struct VersionRow {
    pub(crate) version: u32,
    pub(crate) published: Date,
    pub(crate) imported_at: String,
    pub(crate) format: String,
    pub(crate) source: String,
    pub(crate) entities: u64,
    pub(crate) added: u64,
    pub(crate) removed: u64,
    pub(crate) changed: u64,
    pub(crate) lacks: String,
    pub(crate) retracted: Option<String>,
}

pub(crate) struct ListRow {
    pub(crate) name: String,
    pub(crate) current: Option<u32>,
    pub(crate) published: Option<Date>,
    pub(crate) age_days: Option<i64>,
    pub(crate) versions: Vec<VersionRow>,
}

#[derive(Template)]
#[template(path = "lists.html")]
struct ListsPage {
    chrome: Chrome,
    lists: Vec<ListRow>,
    today: Date,
}

pub(crate) async fn page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> PageResult {
    let snapshot = state.snapshot();
    let chrome = Chrome::new(&session, "lists");
    let today = Date::today_utc();
    let lists = blocking(move || {
        let mut rows = Vec::new();
        for (list, _) in &snapshot.catalog.lists {
            let versions =
                crate::cli::versions::gather(snapshot.store(), std::slice::from_ref(list))
                    .map_err(Failure::internal)?;
            let current = versions.iter().rev().find(|(_, r)| r.is_none()).map(|(v, _)| v);
            rows.push(ListRow {
                name: list.to_string(),
                current: current.map(|v| v.version),
                published: current.map(|v| v.published),
                age_days: current.map(|v| today.to_days() - v.published.to_days()),
                versions: versions
                    .iter()
                    .rev()
                    .map(|(v, retraction)| VersionRow {
                        version: v.version,
                        published: v.published,
                        imported_at: v.imported_at.clone(),
                        format: v.format.clone(),
                        source: v.source.clone(),
                        entities: v.entities,
                        added: v.added,
                        removed: v.removed,
                        changed: v.changed,
                        lacks: listwatch_core::catalog::lacks(v.coverage).join(", "),
                        retracted: retraction
                            .as_ref()
                            .map(|r| serde_json::to_string(r).unwrap_or_default()),
                    })
                    .collect(),
            });
        }
        Ok(rows)
    })
    .await?;
    render(&ListsPage { chrome, lists, today })
}

pub(crate) struct Entry {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) programs: String,
}

pub(crate) struct FieldRow {
    pub(crate) field: String,
    pub(crate) before: String,
    pub(crate) after: String,
}

pub(crate) struct Changed {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) programs: String,
    pub(crate) fields: Vec<FieldRow>,
}

#[derive(Template)]
#[template(path = "diff.html")]
struct DiffPage {
    chrome: Chrome,
    list: String,
    versions: Vec<(u32, Date)>,
    from: u32,
    to: u32,
    from_published: String,
    to_published: String,
    program: String,
    programs: Vec<String>,
    added: Vec<Entry>,
    removed: Vec<Entry>,
    changed: Vec<Changed>,
    not_compared: String,
    csv_query: String,
    totals: (usize, usize, usize),
    page: usize,
    pages: usize,
    page_query: String,
}

/// The most entities of each kind (added, removed, changed) one page of a diff shows.
const PAGE: usize = 100;

/// What a diff request asks: the list, the versions, the program filter.
struct Asked {
    list: ListName,
    from: Option<u32>,
    to: Option<u32>,
    program: String,
    page: usize,
}

fn asked(
    snapshot: &listwatch_core::Snapshot,
    list: &str,
    params: &Params,
) -> Result<Asked, Failure> {
    let list = ListName::parse(list).map_err(|e| Failure::bad(e.to_string()))?;
    if !snapshot.catalog.lists.iter().any(|(l, _)| *l == list) {
        return Err(Failure::not_found(format!("No list named {list} in the store.")));
    }
    let version = |name: &str| -> Result<Option<u32>, Failure> {
        match params.get(name).map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| Failure::bad(format!("{name}: expected a version number"))),
        }
    };
    Ok(Asked {
        list,
        from: version("from")?,
        to: version("to")?,
        program: params.get("program").unwrap_or("").trim().to_string(),
        page: params
            .get("page")
            .map(|p| p.trim().parse::<usize>().map_err(|_| Failure::bad("page: expected a number")))
            .transpose()?
            .unwrap_or(1)
            .max(1),
    })
}

fn source_id<'a>(list: &str, id: &'a str) -> &'a str {
    id.strip_prefix(list).and_then(|rest| rest.strip_prefix(':')).unwrap_or(id)
}

fn keep(compared: &Compared, list: &str, id: &str, program: &str) -> bool {
    program.is_empty() || compared.programs(source_id(list, id)).iter().any(|p| p == program)
}

/// The most diffs kept.
const CACHED_DIFFS: usize = 8;

type Recent = Vec<((String, u32, u32), Arc<Compared>)>;

/// The last few diffs computed, by list and versions: a committed version never changes, so a
/// diff between two of them never does either. Changing the program filter or exporting the CSV
/// then reads the diff from here instead of decoding both versions again.
#[derive(Default)]
pub(crate) struct DiffCache {
    recent: Mutex<Recent>,
}

impl DiffCache {
    fn lock(&self) -> MutexGuard<'_, Recent> {
        match self.recent.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

/// Computes, in the background, the diff between the two newest live versions of every list (the
/// one the lists page offers first), so that its first view is read from the cache.
pub(crate) fn warm(state: &AppState) {
    let snapshot = state.snapshot();
    for (list, versions) in &snapshot.catalog.lists {
        let [.., from, to] = versions.as_slice() else { continue };
        let asked = Asked {
            list: list.clone(),
            from: Some(from.version),
            to: Some(to.version),
            program: String::new(),
            page: 1,
        };
        if let Err(err) = run_compare(state, &snapshot, &asked) {
            crate::server::log::error(&format!(
                "console: cannot compare {list}'s newest versions: {err:?}"
            ));
        }
    }
}

fn run_compare(
    state: &AppState,
    snapshot: &listwatch_core::Snapshot,
    asked: &Asked,
) -> Result<Arc<Compared>, Failure> {
    let key = asked.from.zip(asked.to).map(|(from, to)| (asked.list.to_string(), from, to));
    if let Some(key) = &key
        && let Some((_, found)) = state.diffs().lock().iter().find(|(k, _)| k == key)
    {
        return Ok(Arc::clone(found));
    }
    let compared =
        compare(snapshot.store(), asked.list.clone(), asked.from, asked.to).map_err(|err| {
            let api: crate::server::error::ApiError = err.into();
            Failure::from(api)
        })?;
    let compared = Arc::new(compared);
    if let Some(key) = key {
        let mut recent = state.diffs().lock();
        if recent.len() >= CACHED_DIFFS {
            recent.remove(0);
        }
        recent.push((key, Arc::clone(&compared)));
    }
    Ok(compared)
}

pub(crate) async fn diff(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(list): Path<String>,
    params: Params,
) -> PageResult {
    let snapshot = state.snapshot();
    let asked = asked(&snapshot, &list, &params)?;
    let chrome = Chrome::new(&session, "lists");
    let page = blocking(move || {
        let compared = run_compare(&state, &snapshot, &asked)?;
        let json = diff_json(&compared);
        let list = json.list.to_string();
        let program = asked.program.clone();
        let programs_of = |id: &str| compared.programs(source_id(&list, id)).join(", ");
        let mut programs: Vec<String> = json
            .added
            .iter()
            .map(|e| e.id.as_str())
            .chain(json.removed.iter().map(|e| e.id.as_str()))
            .chain(json.changed.iter().map(|c| c.id.as_str()))
            .flat_map(|id| compared.programs(source_id(&list, id)).to_vec())
            .collect();
        programs.sort();
        programs.dedup();
        let skip = (asked.page - 1) * PAGE;
        let count = |ids: &mut dyn Iterator<Item = &String>| {
            ids.filter(|id| keep(&compared, &list, id, &program)).count()
        };
        let totals = (
            count(&mut json.added.iter().map(|e| &e.id)),
            count(&mut json.removed.iter().map(|e| &e.id)),
            count(&mut json.changed.iter().map(|c| &c.id)),
        );
        let pages = totals.0.max(totals.1).max(totals.2).div_ceil(PAGE).max(1);
        let entries = |items: &[crate::cli::diff::EntryJson]| -> Vec<Entry> {
            items
                .iter()
                .filter(|e| keep(&compared, &list, &e.id, &program))
                .skip(skip)
                .take(PAGE)
                .map(|e| Entry {
                    id: e.id.clone(),
                    name: e.name.clone(),
                    programs: programs_of(&e.id),
                })
                .collect()
        };
        let versions = snapshot
            .catalog
            .lists
            .iter()
            .find(|(l, _)| *l == asked.list)
            .map(|(_, vs)| vs.iter().map(|v| (v.version, v.published)).collect())
            .unwrap_or_default();
        let csv_query =
            format!("from={}&to={}&program={}", json.from, json.to, urlencode(&program));
        Ok(DiffPage {
            chrome,
            list: list.clone(),
            versions,
            from: json.from,
            to: json.to,
            from_published: json.from_published.clone(),
            to_published: json.to_published.clone(),
            program: program.clone(),
            programs,
            added: entries(&json.added),
            removed: entries(&json.removed),
            changed: json
                .changed
                .iter()
                .filter(|c| keep(&compared, &list, &c.id, &program))
                .skip(skip)
                .take(PAGE)
                .map(|c| Changed {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    programs: programs_of(&c.id),
                    fields: c
                        .fields
                        .iter()
                        .map(|f| {
                            let before = serde_json::to_string(&f.before).unwrap_or_default();
                            let after = serde_json::to_string(&f.after).unwrap_or_default();
                            let (before, after) = change_excerpts(&before, &after, MAX_VALUE);
                            FieldRow { field: f.field.clone(), before, after }
                        })
                        .collect(),
                })
                .collect(),
            not_compared: json.not_compared.join(", "),
            page_query: csv_query.clone(),
            csv_query,
            totals,
            page: asked.page,
            pages,
        })
    })
    .await?;
    render(&page)
}

/// Percent-encodes a query-string value.
pub(crate) fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// `GET /ui/lists/{list}/diff.csv`: the diff as CSV, one row per entity added or removed and per
/// field changed, values whole (cells a spreadsheet would run as formulas are escaped).
pub(crate) async fn diff_csv(
    State(state): State<AppState>,
    Extension(_session): Extension<Session>,
    Path(list): Path<String>,
    params: Params,
) -> PageResult {
    let snapshot = state.snapshot();
    let asked = asked(&snapshot, &list, &params)?;
    let (name, bytes) = blocking(move || {
        let compared = run_compare(&state, &snapshot, &asked)?;
        let json = diff_json(&compared);
        let list = json.list.to_string();
        let program = &asked.program;
        let mut out = Vec::new();
        {
            let mut writer = crate::output::CsvOut::new(&mut out);
            let mut row = |cells: [String; 7]| writer.row(cells).map_err(Failure::internal);
            row(["change", "entity_id", "name", "programs", "field", "before", "after"]
                .map(String::from))?;
            for (change, items) in [("added", &json.added), ("removed", &json.removed)] {
                for e in items.iter().filter(|e| keep(&compared, &list, &e.id, program)) {
                    row([
                        change.to_string(),
                        e.id.clone(),
                        e.name.clone(),
                        compared.programs(source_id(&list, &e.id)).join("; "),
                        String::new(),
                        String::new(),
                        String::new(),
                    ])?;
                }
            }
            for c in json.changed.iter().filter(|c| keep(&compared, &list, &c.id, program)) {
                for f in c.fields {
                    row([
                        "changed".to_string(),
                        c.id.clone(),
                        c.name.clone(),
                        compared.programs(source_id(&list, &c.id)).join("; "),
                        f.field.clone(),
                        serde_json::to_string(&f.before).unwrap_or_default(),
                        serde_json::to_string(&f.after).unwrap_or_default(),
                    ])?;
                }
            }
            writer.flush().map_err(Failure::internal)?;
        }
        Ok((format!("{list}-diff-{}-{}.csv", json.from, json.to), out))
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}

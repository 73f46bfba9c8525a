//! `listwatch demo`: load the built-in CCMC / NS-CMIC demo data into a fresh store and tell the
//! Xiaomi and China Mobile stories from it.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use listwatch_model::{
    Coverage, Date, DateSpec, Entity, EventKind, IdKind, Identifier, Link, ListDate, ListDateKind,
    ListName, Name, NameKind, NewEvent, Schema,
};
use listwatch_status::{Question, status};
use listwatch_store::{Guard, NewVersion};

use super::Ctx;
use crate::catalog::record;
use crate::output::{ellipsize, outln, print_json, to_stdout};

/// The demo data, written in the project's own words from the public record.
const DEMO: &str = include_str!("../../demo/ccmc.json");

/// Load the built-in demo data (the 2020-2021 US Chinese-military-company securities lists, and
/// the Xiaomi and Luokung court cases) into a fresh store and tell its story.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Print the stories as JSON.
    #[arg(long)]
    json: bool,
    /// Then serve the demo store (the API and the analysts' console under /ui) until stopped.
    #[arg(long)]
    serve: bool,
    /// The address --serve listens on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8000", requires = "serve")]
    addr: std::net::SocketAddr,
}

/// The demo's answers, for `--json` and for the text.
#[derive(Serialize)]
struct DemoJson {
    store: String,
    /// Whether the store is a temporary file (no --db or $LISTWATCH_DB given).
    temporary: bool,
    stories: Vec<StoryJson>,
    try_next: Vec<String>,
}

#[derive(Serialize)]
struct StoryJson {
    headline: &'static str,
    entities: Vec<StoryEntityJson>,
}

#[derive(Serialize)]
struct StoryEntityJson {
    entity_id: &'static str,
    name: String,
    answers: Vec<AnswerJson>,
}

#[derive(Serialize)]
struct AnswerJson {
    as_of: Date,
    state: &'static str,
    summary: String,
    because: Option<BecauseJson>,
}

#[derive(Serialize)]
struct BecauseJson {
    kind: String,
    date: String,
    basis: listwatch_status::Basis,
    source: String,
}

#[derive(Deserialize)]
struct DemoFile {
    lists: Vec<DemoList>,
    events: Vec<DemoEvent>,
}

#[derive(Deserialize)]
struct DemoList {
    name: String,
    versions: Vec<DemoVersion>,
}

#[derive(Deserialize)]
struct DemoVersion {
    published: String,
    source: String,
    #[serde(default)]
    add: Vec<DemoEntity>,
    #[serde(default)]
    remove: Vec<String>,
    #[serde(default)]
    remove_all: bool,
}

#[derive(Deserialize)]
struct DemoEntity {
    id: String,
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    /// On the list before EO 13959 was signed: the order's own dates apply.
    #[serde(default)]
    original: bool,
    /// NS-CMIC listing date, with OFAC's Effective and Divestment dates derived as OFAC does.
    cmic: Option<String>,
    /// A listing date alone.
    listed: Option<String>,
    #[serde(default)]
    isins: Vec<String>,
    #[serde(default)]
    tickers: Vec<(String, String)>,
    uscc: Option<String>,
    #[serde(default)]
    links: Vec<String>,
}

#[derive(Deserialize)]
struct DemoEvent {
    entity: String,
    kind: String,
    date: String,
    citation: String,
    url: Option<String>,
}

fn date(s: &str) -> Result<Date> {
    Date::parse_iso(s).with_context(|| format!("demo data: bad date {s}"))
}

fn identifier(kind: IdKind, value: &str, country: Option<&str>, label: &str) -> Identifier {
    Identifier {
        kind,
        value: value.to_string(),
        country: country.map(str::to_string),
        currency: None,
        label: label.to_string(),
        details: None,
    }
}

fn entity(list: &str, demo: &DemoEntity) -> Result<Entity> {
    let mut entity = Entity::new(demo.id.clone(), Schema::Company, demo.name.clone());
    entity
        .programs
        .push(if list == "ns-cmic" { "CMIC-EO13959" } else { "CCMC-EO13959" }.to_string());
    entity.names.extend(demo.aliases.iter().map(|a| Name {
        value: a.clone(),
        kind: NameKind::Aka,
        remark: None,
    }));
    let list_date = |kind, day: Date, scope: &str| ListDate {
        kind,
        date: DateSpec::On(day.into()),
        scope: scope.to_string(),
    };
    if demo.original {
        // EO 13959 sec. 1(a)(i) and (iii): fixed dates for the companies already listed.
        entity.list_dates.push(list_date(ListDateKind::Effective, date("2021-01-11")?, "EO 13959"));
        entity.list_dates.push(list_date(
            ListDateKind::Divestment,
            date("2021-11-11")?,
            "EO 13959",
        ));
    }
    if let Some(listed) = &demo.cmic {
        let listed = date(listed)?;
        entity.list_dates.push(list_date(ListDateKind::Listing, listed, "CMIC"));
        entity.list_dates.push(list_date(ListDateKind::Effective, listed.add_days(60), "CMIC"));
        entity.list_dates.push(list_date(ListDateKind::Divestment, listed.add_days(365), "CMIC"));
        entity.attributes.push(listwatch_model::Attribute {
            label: "Issuer Name".to_string(),
            value: demo.name.clone(),
        });
    }
    if let Some(listed) = &demo.listed {
        let scope = if list == "ns-cmic" { "CMIC" } else { "EO 13959" };
        entity.list_dates.push(list_date(ListDateKind::Listing, date(listed)?, scope));
    }
    for (ticker, country) in &demo.tickers {
        entity.identifiers.push(identifier(
            IdKind::EquityTicker,
            ticker,
            Some(country),
            "Equity Ticker",
        ));
    }
    for isin in &demo.isins {
        entity.identifiers.push(identifier(IdKind::Isin, isin, None, "ISIN"));
    }
    if let Some(uscc) = &demo.uscc {
        entity.identifiers.push(identifier(
            IdKind::Uscc,
            uscc,
            Some("China"),
            "Unified Social Credit Code (USCC)",
        ));
    }
    entity.links.extend(
        demo.links.iter().map(|l| Link { relation: "linked_to".to_string(), name: l.clone() }),
    );
    Ok(entity)
}

/// Loads the demo data into the store of `ctx`.
pub(crate) fn load(ctx: &Ctx) -> Result<()> {
    let demo: DemoFile =
        serde_json::from_str(DEMO).context("the built-in demo data does not parse")?;
    let store = ctx.open_for_writing()?;
    // The demo's versions are curated: any removal is real.
    let allow = Guard { max_removal_share: 1.0, allow_removal_of: None };
    for list in &demo.lists {
        let name = ListName::parse(&list.name).map_err(anyhow::Error::msg)?;
        let mut current: Vec<Entity> = Vec::new();
        for version in &list.versions {
            if version.remove_all {
                // A list abolished by law is not an empty publication (which is never recorded):
                // each entry's end is a legal event citing the act.
                let day = date(&version.published)?;
                for entity in current.drain(..) {
                    store.add_event(NewEvent {
                        entity: format!("{}:{}", list.name, entity.id),
                        kind: EventKind::Delisting,
                        date: day,
                        effective: day,
                        citation: version.source.clone(),
                        url: None,
                        scope: Vec::new(),
                        author: "listwatch demo".to_string(),
                        entered_at: format!("{day}T23:00:00Z"),
                        supersedes: None,
                        note: None,
                        known_since: None,
                    })?;
                }
                continue;
            }
            current.retain(|e| !version.remove.contains(&e.id));
            for demo_entity in &version.add {
                current.push(entity(&list.name, demo_entity)?);
            }
            let published = date(&version.published)?;
            store.import(
                NewVersion {
                    list: name.clone(),
                    format: "listwatch-demo".to_string(),
                    source: version.source.clone(),
                    published,
                    imported_at: format!("{published}T12:00:00Z"),
                    files: Vec::new(),
                    entities: current.clone(),
                    coverage: Coverage::FULL,
                    remark_items: 0,
                    remark_items_typed: 0,
                    diagnostics: Vec::new(),
                },
                &allow,
                &mut |_| {},
            )?;
        }
    }
    for event in &demo.events {
        let day = date(&event.date)?;
        store.add_event(NewEvent {
            entity: event.entity.clone(),
            kind: EventKind::parse(&event.kind)
                .with_context(|| format!("demo data: bad kind {}", event.kind))?,
            date: day,
            effective: day,
            citation: event.citation.clone(),
            url: event.url.clone(),
            scope: Vec::new(),
            author: "listwatch demo".to_string(),
            // Recorded as if entered on the day, so that --known-on questions work on the demo.
            entered_at: format!("{day}T23:00:00Z"),
            supersedes: None,
            note: None,
            known_since: None,
        })?;
    }
    Ok(())
}

/// The state's details on one line: the restrictions and their dates, or what holds them.
/// A status in a few words: the restrictions with their dates, or why there are none (also the
/// console's answer line).
pub(crate) fn summary(answer: &listwatch_status::Status) -> String {
    if let Some(day) = answer.removed_on {
        return format!("off the list since {day}");
    }
    if answer.state == listwatch_status::State::Suspended {
        return format!(
            "restrictions held from {} by a court order or license",
            answer.suspended_since.map(|d| d.to_string()).unwrap_or_default()
        );
    }
    let parts: Vec<String> = answer
        .restrictions
        .iter()
        .map(|r| match r.until {
            Some(until) => format!("divestment allowed until {until}"),
            None if r.since > answer.events.last().map_or(r.since, |e| e.date) => {
                format!("{} from {}", r.kind, r.since)
            }
            None => format!("{} since {}", r.kind, r.since),
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("{} ({})", parts.join("; "), answer.rules.join(", "))
    }
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let explicit = ctx.db_given;
    let (ctx, path) = if explicit {
        (ctx.with_db(ctx.db_path().to_path_buf()), ctx.db_path().to_path_buf())
    } else {
        let path = std::env::temp_dir().join(format!("listwatch-demo-{}.redb", std::process::id()));
        (ctx.with_db(path.clone()), path)
    };
    if path.exists() {
        anyhow::bail!(
            "the demo needs a fresh store, and {} exists: pass --db with a new file name",
            path.display()
        );
    }
    load(&ctx)?;
    let store = ctx.open_existing()?;
    let regimes = ctx.regimes();

    let story =
        |entity_ids: &[&'static str], days: &[&str], headline: &'static str| -> Result<StoryJson> {
            let mut entities = Vec::new();
            for entity_id in entity_ids {
                let record = record(&store, entity_id)?;
                let name = record
                    .observations
                    .iter()
                    .rev()
                    .find_map(|o| o.entity.as_ref())
                    .map(|e| e.primary_name().to_string())
                    .unwrap_or_default();
                let mut answers = Vec::new();
                for day in days {
                    let as_of = Date::parse_iso(day).map_err(anyhow::Error::msg)?;
                    let answer = status(&record, Question { as_of, known_on: None }, regimes);
                    answers.push(AnswerJson {
                        as_of,
                        state: answer.state.as_str(),
                        summary: summary(&answer),
                        because: answer.events.last().map(|last| BecauseJson {
                            kind: last.kind.to_string(),
                            date: last.date.to_string(),
                            basis: last.basis,
                            source: last.source.clone(),
                        }),
                    });
                }
                entities.push(StoryEntityJson { entity_id, name, answers });
            }
            Ok(StoryJson { headline, entities })
        };
    let stories = vec![
        story(
            &["dod-ccmc:xiaomi"],
            &["2021-02-01", "2021-03-13", "2021-05-26"],
            "Xiaomi: listed 14 Jan 2021 with purchases banned from 15 Mar; enjoined 12 Mar; designation vacated 25 May",
        )?,
        story(
            &["ns-cmic:30923", "dod-ccmc:china-mobile-ltd"],
            &["2021-07-01", "2021-09-01", "2022-07-01"],
            "China Mobile Limited: on the NS-CMIC List from 3 Jun 2021, purchases banned from 2 Aug 2021, divestment until 3 Jun 2022",
        )?,
    ];
    let db = path.display();
    let demo = DemoJson {
        store: path.display().to_string(),
        temporary: !explicit,
        stories,
        try_next: vec![
            format!("listwatch --db {db} status \"China Mobile Limited\" --as-of 2021-04-01"),
            format!("listwatch --db {db} status US16941M1099 --as-of 2021-09-01 --json"),
            format!("listwatch --db {db} status Xiaomi --as-of 2021-03-13 --known-on 2021-03-11"),
            format!("listwatch --db {db} timeline dod-ccmc:luokung"),
            format!("listwatch --db {db} event list"),
        ],
    };
    if args.json {
        print_json(&demo)?;
    } else {
        print_stories(&demo)?;
    }
    if args.serve {
        drop(store);
        to_stdout(|out| {
            outln!(
                out,
                "\nThe console: http://{}/ui/entities/dod-ccmc:xiaomi (stop with Ctrl-C)",
                args.addr
            )?;
            Ok(())
        })?;
        return crate::server::run_on(&ctx, args.addr);
    }
    Ok(())
}

fn print_stories(demo: &DemoJson) -> Result<()> {
    to_stdout(|out| {
        outln!(
            out,
            "Loaded the demo into {}: the DoD/OFAC NS-CCMC List of 2020-2021, some of the NS-CMIC List, and the court cases.\n",
            demo.store
        )?;
        for story in &demo.stories {
            outln!(out, "== {}", story.headline)?;
            for entity in &story.entities {
                outln!(out, "\n{} ({})", entity.name, entity.entity_id)?;
                for answer in &entity.answers {
                    outln!(out, "  {}  {:<11} {}", answer.as_of, answer.state, answer.summary)?;
                    if let Some(last) = &answer.because {
                        // An observed listing is "on the list by" the version that shows it:
                        // the store cannot say since when.
                        let when = match (last.basis, last.kind.as_str()) {
                            (listwatch_status::Basis::Observed, "listed" | "relisted") => {
                                format!("on the list by {}", last.date)
                            }
                            (listwatch_status::Basis::Observed, "removed") => {
                                format!("off the list by {}", last.date)
                            }
                            _ => format!("{} {}", last.kind, last.date),
                        };
                        outln!(
                            out,
                            "  {:<10}  {:<11} because: {when} [{}] ({})",
                            "",
                            "",
                            last.basis.as_str(),
                            ellipsize(&last.source, 100)
                        )?;
                    }
                }
            }
            outln!(out)?;
        }
        outln!(out, "Ask your own questions of this store, for example:")?;
        for command in &demo.try_next {
            outln!(out, "  {command}")?;
        }
        if demo.temporary {
            outln!(
                out,
                "(The store is a temporary file; pass --db PATH to keep it somewhere else.)"
            )?;
        }
        Ok(())
    })
}

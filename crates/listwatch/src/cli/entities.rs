//! `listwatch entities`: what a version of a list holds, as a table, JSON or CSV.

use std::path::PathBuf;

use anyhow::Result;
use serde::Serialize;

use listwatch_model::{Entity, ListName, NameKind, Schema};
use listwatch_store::Store;

use super::{Ctx, parse_list};
use crate::failure::{no_match, usage};
use crate::output::{CsvOut, Format, OutputTarget, Table, ellipsize, outln, to_stdout};

/// List or export the entries of a version of a list (default: the current version), such as
/// every CMIC-EO13959 entry of ofac-consolidated with its ISINs and dates.
///
/// Columns: entity_id, schema, name, programs, identifiers (type:value (country); ...), list_dates (kind
/// scope date; ...), aliases. --json prints a JSON array of objects (identifiers and dates as
/// objects); --output FILE writes .csv, .jsonl (one object per line) or .json (the array).
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The list.
    list: String,
    /// The version [default: the current one].
    #[arg(long, value_name = "V")]
    version: Option<u32>,
    /// Only entries with this program (such as CMIC-EO13959; any case).
    #[arg(long, value_name = "P")]
    program: Option<String>,
    /// Only entries of this schema: Person, Organization, Company, Vessel, Aircraft or Security.
    #[arg(long, value_name = "S")]
    schema: Option<String>,
    /// Print a JSON array of objects.
    #[arg(long, conflicts_with_all = ["csv", "output"])]
    json: bool,
    /// Print CSV with a header row.
    #[arg(long, conflicts_with = "output")]
    csv: bool,
    /// Write the entries to a file (`-`: standard output): .csv, .jsonl or .ndjson, .json.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The format of --output, whatever its name.
    #[arg(long, value_enum, requires = "output")]
    format: Option<Format>,
}

#[derive(Serialize)]
struct IdentifierJson<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    value: &'a str,
    /// The issuing country; for tickers, the exchange's country.
    country: Option<&'a str>,
}

#[derive(Serialize)]
struct ListDateJson<'a> {
    kind: &'static str,
    scope: &'a str,
    date: String,
}

/// One entry as `entities` exports it.
#[derive(Serialize)]
pub(crate) struct Row<'a> {
    entity_id: String,
    schema: &'static str,
    name: &'a str,
    programs: &'a [String],
    identifiers: Vec<IdentifierJson<'a>>,
    list_dates: Vec<ListDateJson<'a>>,
    aliases: Vec<&'a str>,
}

impl Row<'_> {
    pub(crate) fn new<'a>(list: &ListName, entity: &'a Entity) -> Row<'a> {
        Row {
            entity_id: format!("{list}:{}", entity.id),
            schema: entity.schema.as_str(),
            name: entity.primary_name(),
            programs: &entity.programs,
            identifiers: entity
                .identifiers
                .iter()
                .map(|i| IdentifierJson {
                    kind: i.kind.as_str(),
                    value: &i.value,
                    country: i.country.as_deref(),
                })
                .collect(),
            list_dates: entity
                .list_dates
                .iter()
                .map(|d| ListDateJson {
                    kind: match d.kind {
                        listwatch_model::ListDateKind::Listing => "listing",
                        listwatch_model::ListDateKind::Effective => "effective",
                        listwatch_model::ListDateKind::Divestment => "divestment",
                    },
                    scope: &d.scope,
                    date: d.date.to_string(),
                })
                .collect(),
            aliases: entity
                .names
                .iter()
                .filter(|n| n.kind != NameKind::Primary)
                .map(|n| n.value.as_str())
                .collect(),
        }
    }

    /// The CSV cells, in the column order of [`HEADER`].
    fn cells(&self) -> [String; 7] {
        [
            self.entity_id.clone(),
            self.schema.to_string(),
            self.name.to_string(),
            self.programs.join("; "),
            self.identifiers
                .iter()
                .map(|i| match i.country {
                    Some(country) => format!("{}:{} ({country})", i.kind, i.value),
                    None => format!("{}:{}", i.kind, i.value),
                })
                .collect::<Vec<_>>()
                .join("; "),
            self.list_dates
                .iter()
                .map(|d| format!("{} {} {}", d.kind, d.scope, d.date))
                .collect::<Vec<_>>()
                .join("; "),
            self.aliases.join("; "),
        ]
    }
}

const HEADER: [&str; 7] =
    ["entity_id", "schema", "name", "programs", "identifiers", "list_dates", "aliases"];

/// The version a command reads when none is asked for (`entities`, and `diff --to`): the list's
/// current version. The one place to change that choice.
pub(crate) fn default_version(store: &Store, list: &ListName) -> Result<u32> {
    // The current version is the newest that is not retracted.
    Ok(store.version(list, None)?.version)
}

/// The entries of `all` (version `version` of `list`) of `schema` and `program` (any case); a
/// program no entry has is a no-match error that lists the version's programs.
pub(crate) fn select<'a>(
    list: &ListName,
    version: u32,
    all: &'a [Entity],
    schema: Option<Schema>,
    program: Option<&str>,
) -> Result<Vec<&'a Entity>> {
    let has = |e: &Entity, p: &str| e.programs.iter().any(|q| q.eq_ignore_ascii_case(p));
    if let Some(program) = program
        && !all.iter().any(|e| has(e, program))
    {
        let mut programs: Vec<&str> =
            all.iter().flat_map(|e| e.programs.iter().map(String::as_str)).collect();
        programs.sort_unstable();
        programs.dedup();
        return Err(no_match(format!(
            "no entry of {list} version {version} has the program {program} (its programs: {})",
            ellipsize(&programs.join(", "), 300)
        )));
    }
    Ok(all
        .iter()
        .filter(|e| schema.is_none_or(|s| e.schema == s))
        .filter(|e| program.is_none_or(|p| has(e, p)))
        .collect())
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let list = parse_list(&args.list)?;
    let schema = match &args.schema {
        Some(text) => Some(Schema::parse(text).ok_or_else(|| {
            usage(format!(
                "--schema {text:?} is not one of Person, Organization, Company, Vessel, Aircraft, Security"
            ))
        })?),
        None => None,
    };
    let target = match &args.output {
        Some(path) => Some(OutputTarget::resolve(
            "--output",
            path,
            args.format,
            &[Format::Csv, Format::Jsonl, Format::Json],
            Format::Jsonl,
            &[],
        )?),
        None => None,
    };
    let store = ctx.open_existing()?;
    let version = match args.version {
        Some(version) => version,
        None => default_version(&store, &list)?,
    };
    let info = store.version(&list, Some(version))?;
    let all = store.entities(&list, version)?;
    let n_all = all.len();
    let program = args.program.as_deref().map(str::trim);
    let entities = select(&list, version, &all, schema, program)?;
    let rows: Vec<Row<'_>> = entities.iter().map(|e| Row::new(&list, e)).collect();
    let summary = format!(
        "{list} version {version} (published {}): {} of {n_all} entries{}{}",
        info.published,
        rows.len(),
        program.map(|p| format!(", program {p}")).unwrap_or_default(),
        schema.map(|s| format!(", schema {}", s.as_str())).unwrap_or_default(),
    );
    if let Some(target) = target {
        write_rows(&target, &rows)?;
        if !ctx.quiet {
            eprintln!("{summary}; written to {}", target.describe());
        }
        return Ok(());
    }
    if args.json {
        let target =
            OutputTarget { destination: crate::output::Destination::Stdout, format: Format::Json };
        return write_rows(&target, &rows);
    }
    if args.csv {
        let target =
            OutputTarget { destination: crate::output::Destination::Stdout, format: Format::Csv };
        return write_rows(&target, &rows);
    }
    to_stdout(|out| {
        outln!(out, "{}", crate::output::clean(&summary))?;
        let mut table = Table::new(&["ENTITY", "SCHEMA", "NAME", "PROGRAMS", "IDENTIFIERS"]);
        for row in &rows {
            let cells = row.cells();
            table.row(vec![
                row.entity_id.clone(),
                row.schema.to_string(),
                ellipsize(row.name, 50),
                cells[3].clone(),
                ellipsize(&cells[4], 80),
            ]);
        }
        table.print(out)
    })
}

/// Writes rows as CSV with the header row.
pub(crate) fn write_csv(out: &mut dyn std::io::Write, rows: &[Row<'_>]) -> Result<()> {
    let mut writer = CsvOut::new(out);
    writer.row(HEADER)?;
    for row in rows {
        writer.row(row.cells())?;
    }
    writer.flush()?;
    Ok(())
}

pub(crate) fn write_rows(target: &OutputTarget, rows: &[Row<'_>]) -> Result<()> {
    target.write(|out| {
        match target.format {
            Format::Csv => write_csv(out, rows)?,
            Format::Jsonl => {
                for row in rows {
                    let text = serde_json::to_string(row)?;
                    outln!(out, "{text}")?;
                }
            }
            Format::Json => {
                let text = serde_json::to_string_pretty(rows)?;
                outln!(out, "{text}")?;
            }
        }
        Ok(())
    })
}

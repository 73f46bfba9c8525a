//! `listwatch import`: read a publication, check it, and commit it as a new version.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;
use sha2::{Digest, Sha256};

use listwatch_model::{Date, Diagnostic, ListName, Severity};
use listwatch_parsers::limits::SNIFF_LEN;
use listwatch_parsers::{Delta, FileReport, Format, InputFile, Parsed, RemarkStats, formats};
use listwatch_store::{FileInfo, Guard, ImportOutcome, NewVersion, Phase, Store};

use super::{Ctx, parse_date, parse_list};
use crate::failure::{io_error, usage};
use crate::limits::MAX_IMPORT_FILE;
use crate::output::print_json;
use crate::progress::Progress;

/// Import a published list as a new version.
///
/// A directory is read as a whole publication (for ofac-sdn: sdn.csv, and add.csv, alt.csv and
/// sdn_comments.csv when present); a file is read as the main file alone. Files may be
/// gzip-compressed (`sdn.csv.gz`). A delta (`ftm-delta`) is applied, op by op, to the list's
/// current version, and the result is imported as the new version.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The publication's format (`listwatch import --help` lists them).
    #[arg(value_parser = format_names())]
    format: String,
    /// The publication: a folder of files, or the main file. A file over 1 GiB (uncompressed),
    /// or whose first 64 KiB are not the format, is refused before it is read.
    path: PathBuf,
    /// The list to import into [default: the format's name].
    #[arg(long, value_name = "NAME")]
    list: Option<String>,
    /// The publication date, or `today` (UTC). Required unless the files carry their own date:
    /// the day the file was published is what every as-of answer rests on, and a wrong one can
    /// only be corrected by a retraction.
    #[arg(long, value_name = "YYYY-MM-DD|today")]
    published: Option<String>,
    /// Accept a publication date in the future (beyond tomorrow) or before 1945.
    #[arg(long)]
    force_date: bool,
    /// Import even if it removes more of the list than --max-removal allows, when it removes
    /// exactly COUNT entities: say the number the refusal reported. An empty publication is never
    /// imported.
    #[arg(long, value_name = "COUNT")]
    allow_mass_removal: Option<u64>,
    /// The largest share of the list's entities, in percent, an import may remove.
    #[arg(long, value_name = "PERCENT", default_value_t = 20.0, env = "LISTWATCH_MAX_REMOVAL")]
    max_removal: f64,
    /// Keep only the entities of this source list (repeatable; `us-csl`: EL, MEU, DPL, UVL, ISN,
    /// DTC, CMIC, SDN, SSI, PLC, CAP, NS-MBS, FSE). A code the publication does not hold is a
    /// usage error that lists the codes it holds.
    #[arg(long = "source-list", value_name = "CODE")]
    source_list: Vec<String>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// The formats of the registry, for clap: each name with its description.
fn format_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        formats().iter().map(|f| clap::builder::PossibleValue::new(f.name()).help(f.description())),
    )
}

/// The format named on the command line; clap has checked the name against the registry.
pub(crate) fn format_named(name: &str) -> Result<&'static dyn Format> {
    listwatch_parsers::format(name).ok_or_else(|| usage(format!("no format named {name}")))
}

/// A file of a publication, read whole.
pub(crate) struct ReadFile {
    name: String,
    bytes: Vec<u8>,
}

/// Reads a file of a publication, uncompressing a `.gz` one: refused by its size when larger than
/// [`MAX_IMPORT_FILE`] (uncompressed), and by its first bytes when they are obviously not the
/// format, both before the whole file is read.
fn read_file(path: &Path, format: &dyn Format, role: usize) -> Result<ReadFile> {
    let name = path.display().to_string();
    let file = fs::File::open(path).map_err(|e| io_error("read", path, &e))?;
    let size = file.metadata().map_err(|e| io_error("read", path, &e))?.len();
    if size > MAX_IMPORT_FILE {
        anyhow::bail!(
            "{name}: the file is {size} bytes, more than the limit of {MAX_IMPORT_FILE} bytes (1 GiB) for a list file; it was not read"
        );
    }
    let gzipped = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    read_stream(name, file, size, gzipped, format, role)
}

/// Reads a file of a publication held in memory (a download), as [`read_file`] reads one from
/// disk: `name` ending in `.gz` is uncompressed, and the same limits and checks apply.
pub(crate) fn read_bytes(
    name: String,
    bytes: &[u8],
    format: &dyn Format,
    role: usize,
) -> Result<ReadFile> {
    let gzipped = name.to_ascii_lowercase().ends_with(".gz");
    read_stream(name, bytes, bytes.len() as u64, gzipped, format, role)
}

/// Reads `reader` (of `size` bytes as stored) whole, uncompressing it when `gzipped`: refused by
/// its first bytes when they are obviously not the format, and when it is (or uncompresses to)
/// more than [`MAX_IMPORT_FILE`] bytes.
fn read_stream(
    name: String,
    reader: impl std::io::Read,
    size: u64,
    gzipped: bool,
    format: &dyn Format,
    role: usize,
) -> Result<ReadFile> {
    use std::io::Read;
    let mut reader: Box<dyn Read + '_> = if gzipped {
        Box::new(flate2::read::GzDecoder::new(std::io::BufReader::new(reader)))
    } else {
        Box::new(reader)
    };
    let mut head = Vec::with_capacity(SNIFF_LEN);
    (&mut reader)
        .take(SNIFF_LEN as u64)
        .read_to_end(&mut head)
        .with_context(|| format!("cannot read {name}"))?;
    format.sniff(role, &InputFile { name: &name, bytes: &head })?;
    let mut bytes = head;
    if !gzipped {
        bytes.reserve_exact((size as usize).saturating_sub(bytes.len()));
    }
    // The file may have grown since its size was read, or uncompress to more than its size:
    // never read past the limit.
    reader
        .take(MAX_IMPORT_FILE + 1 - bytes.len() as u64)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {name}"))?;
    if bytes.len() as u64 > MAX_IMPORT_FILE {
        anyhow::bail!(
            "{name}: the file is more than the limit of {MAX_IMPORT_FILE} bytes (1 GiB) for a list file"
        );
    }
    Ok(ReadFile { name, bytes })
}

/// The file of a publication folder named `name` in any case (`SDN.CSV`, `Add.csv`), or
/// gzip-compressed (`sdn.csv.gz`); an exact match wins, and two names differing only in case
/// are ambiguous.
///
/// A file that is there but cannot be looked at (a symbolic link loop, a folder without search
/// permission) is an error that says so, not a missing file.
fn find_file(dir: &Path, name: &str) -> Result<Option<PathBuf>> {
    let is_file = |path: &Path| match fs::metadata(path) {
        Ok(meta) => Ok(meta.is_file()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A dangling symbolic link named like the file is an error worth telling.
            if fs::symlink_metadata(path).is_ok() {
                Err(io_error("read", path, &e))
            } else {
                Ok(false)
            }
        }
        Err(e) => Err(io_error("read", path, &e)),
    };
    let exact = dir.join(name);
    if is_file(&exact)? {
        return Ok(Some(exact));
    }
    let gzipped = format!("{name}.gz");
    let mut found: Vec<PathBuf> = Vec::new();
    let entries = fs::read_dir(dir).map_err(|e| io_error("read the folder", dir, &e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_error("read the folder", dir, &e))?;
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if (file_name.eq_ignore_ascii_case(name) || file_name.eq_ignore_ascii_case(&gzipped))
            && is_file(&entry.path())?
        {
            found.push(entry.path());
        }
    }
    found.sort();
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.pop()),
        _ => anyhow::bail!(
            "{} has several files named {name} in different cases or compressions ({}); keep one",
            dir.display(),
            found.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// Reads the files of a publication: `files[i]` is the file of `format.files()[i]`, if found.
fn read_files(format: &dyn Format, path: &Path) -> Result<Vec<Option<ReadFile>>> {
    let specs = format.files();
    let mut files: Vec<Option<ReadFile>> = Vec::with_capacity(specs.len());
    let meta = fs::metadata(path).map_err(|e| io_error("read", path, &e))?;
    if meta.is_dir() {
        for (role, spec) in specs.iter().enumerate() {
            let mut found = None;
            for name in spec.names {
                if let Some(file_path) = find_file(path, name)? {
                    found = Some(read_file(&file_path, format, role)?);
                    break;
                }
            }
            if found.is_none() && spec.required {
                anyhow::bail!(
                    "{} has no {} (in any case): is it an {} publication?",
                    path.display(),
                    spec.names.join(" or "),
                    format.name()
                );
            }
            files.push(found);
        }
    } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip")) {
        return read_zip(format, path);
    } else {
        files.push(Some(read_file(path, format, 0)?));
        files.extend(specs.iter().skip(1).map(|_| None));
    }
    Ok(files)
}

/// Reads the files of a publication from a ZIP archive, as from a folder: each member named like
/// one of the format's files (in any case, in any folder of the archive); an archive of one
/// member holds the main file whatever its name. Each member is read within the same limits as a
/// file (a member that uncompresses past 1 GiB is refused).
fn read_zip(format: &dyn Format, path: &Path) -> Result<Vec<Option<ReadFile>>> {
    let file = fs::File::open(path).map_err(|e| io_error("read", path, &e))?;
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file))
        .with_context(|| format!("{}: not a readable ZIP archive", path.display()))?;
    let members: Vec<(usize, String)> = (0..archive.len())
        .filter_map(|idx| {
            let member = archive.by_index(idx).ok()?;
            let name = member.name().ok()?.rsplit('/').next().unwrap_or("").to_string();
            (member.is_file() && !name.is_empty()).then_some((idx, name))
        })
        .collect();
    let specs = format.files();
    let mut files: Vec<Option<ReadFile>> = Vec::with_capacity(specs.len());
    for (role, spec) in specs.iter().enumerate() {
        let mut found: Vec<&(usize, String)> = members
            .iter()
            .filter(|(_, name)| spec.names.iter().any(|n| name.eq_ignore_ascii_case(n)))
            .collect();
        if found.is_empty() && role == 0 && members.len() == 1 {
            found.push(&members[0]);
        }
        let file = match found.as_slice() {
            [] => None,
            [(idx, name)] => {
                let member = archive
                    .by_index(*idx)
                    .with_context(|| format!("{}: cannot read {name}", path.display()))?;
                let size = member.size();
                if size > MAX_IMPORT_FILE {
                    anyhow::bail!(
                        "{}!{name}: the member is {size} bytes, more than the limit of {MAX_IMPORT_FILE} bytes (1 GiB) for a list file; it was not read",
                        path.display()
                    );
                }
                let label = format!("{}!{name}", path.display());
                Some(read_stream(label, member, size, false, format, role)?)
            }
            _ => anyhow::bail!(
                "{} holds several members named {}; keep one",
                path.display(),
                spec.names.join(" or ")
            ),
        };
        if file.is_none() && spec.required {
            let names: Vec<&str> = members.iter().map(|(_, n)| n.as_str()).collect();
            anyhow::bail!(
                "{} has no {} (in any case): is it an {} publication? It holds {}",
                path.display(),
                spec.names.join(" or "),
                format.name(),
                names.join(", ")
            );
        }
        files.push(file);
    }
    Ok(files)
}

fn inputs(files: &[Option<ReadFile>]) -> Vec<Option<InputFile<'_>>> {
    files
        .iter()
        .map(|file| file.as_ref().map(|f| InputFile { name: &f.name, bytes: &f.bytes }))
        .collect()
}

/// What the store records of each file read, with the records the parser counted in it.
fn file_infos(files: &[Option<ReadFile>], reports: &[FileReport]) -> Vec<FileInfo> {
    files
        .iter()
        .flatten()
        .map(|file| FileInfo {
            name: Path::new(&file.name)
                .file_name()
                .map_or(file.name.clone(), |n| n.to_string_lossy().into_owned()),
            sha256: Sha256::digest(&file.bytes).iter().map(|b| format!("{b:02x}")).collect(),
            bytes: file.bytes.len() as u64,
            records: reports.iter().find(|r| r.name == file.name).map_or(0, |r| r.records),
        })
        .collect()
}

/// Applies a delta, in order, to the current version of `list` in `store`: the result is a
/// whole publication, imported as any other. A list without a version has nothing to apply it to.
fn apply_delta(
    store: &Store,
    format: &dyn Format,
    delta: Delta,
    files: &[Option<ReadFile>],
    path: &Path,
    list: &ListName,
) -> Result<(Parsed, Vec<FileInfo>)> {
    // A delta format's name is its whole format's with `-delta` (ftm-delta applies to ftm).
    let base = format.name().strip_suffix("-delta").unwrap_or(format.name());
    let info = store.lists()?.into_iter().find(|info| info.name == *list);
    let current = match info {
        Some(info) if info.format != base => {
            return Err(usage(format!(
                "list {list} holds {} versions; a {} delta applies only to a list of {base} versions",
                info.format,
                format.name()
            )));
        }
        Some(_) => store.current(list)?,
        None => None,
    };
    let Some(current) = current else {
        return Err(usage(format!(
            "list {list} has no version to apply the delta {} to: import a whole publication first (listwatch import {base} <file> --list {list})",
            path.display()
        )));
    };
    let applied = delta.apply(store.entities(list, current.version)?);
    let mut diagnostics = delta.diagnostics;
    diagnostics.extend(applied.diagnostics);
    let infos = file_infos(files, &delta.files);
    let parsed = Parsed {
        entities: applied.entities,
        diagnostics,
        files: delta.files,
        coverage: current.coverage,
        remark_stats: RemarkStats::default(),
        published: delta.published,
    };
    Ok((parsed, infos))
}

#[derive(Serialize)]
struct ImportJson<'a> {
    status: &'static str,
    list: &'a str,
    version: u32,
    published: Date,
    entities: u64,
    added: u64,
    removed: u64,
    changed: u64,
    remark_items: u64,
    remark_items_typed: u64,
    lacks: Vec<&'static str>,
    diagnostics: &'a [Diagnostic],
}

/// The label of the attribute that names an entity's source list (the CSL's `source_list`).
const SOURCE_LIST: &str = "source_list";

/// Keeps only the entities of the source lists `codes` (compared without regard to case); a code
/// no entity has is a usage error listing the codes present.
fn keep_source_lists(editions: &mut [Parsed], codes: &[String]) -> Result<()> {
    let source_list = |entity: &listwatch_model::Entity| -> Option<String> {
        entity.attributes.iter().find(|a| a.label == SOURCE_LIST).map(|a| a.value.to_uppercase())
    };
    let present: std::collections::BTreeSet<String> =
        editions.iter().flat_map(|p| &p.entities).filter_map(source_list).collect();
    let wanted: Vec<String> = codes.iter().map(|c| c.trim().to_uppercase()).collect();
    let unknown: Vec<&String> = wanted.iter().filter(|c| !present.contains(*c)).collect();
    if !unknown.is_empty() {
        let unknown: Vec<&str> = unknown.iter().map(|c| c.as_str()).collect();
        return Err(usage(if present.is_empty() {
            format!(
                "--source-list {}: this publication's entities have no source lists",
                unknown.join(", ")
            )
        } else {
            format!(
                "--source-list {}: no such source list in this publication; it holds {}",
                unknown.join(", "),
                present.iter().cloned().collect::<Vec<_>>().join(", ")
            )
        }));
    }
    for parsed in editions {
        parsed.entities.retain(|e| source_list(e).is_some_and(|code| wanted.contains(&code)));
    }
    Ok(())
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let format = format_named(&args.format)?;
    let list = parse_list(args.list.as_deref().unwrap_or(format.name()))?;
    let given = match args.published.as_deref().map(str::trim) {
        Some("today") => Some(Date::today_utc()),
        Some(value) => Some(parse_date("--published", value)?),
        None => None,
    };
    if let Some(given) = given {
        check_publication_date(given, args.force_date)?;
    }
    if !(0.0..=100.0).contains(&args.max_removal) {
        return Err(usage(format!(
            "--max-removal must be between 0 and 100, not {}",
            args.max_removal
        )));
    }
    let mut progress = Progress::new(ctx.quiet);
    progress.step(&format!("reading and parsing {}", args.path.display()));
    let read = read_files(format, &args.path)?;
    let request = Request {
        format,
        list,
        source: args.path.display().to_string(),
        published: given,
        undated: None,
        force_date: args.force_date,
        guard: Guard {
            max_removal_share: args.max_removal / 100.0,
            allow_removal_of: args.allow_mass_removal,
        },
        source_list: args.source_list,
        json: args.json,
    };
    let mut results = import_publication(ctx, &request, read, &mut progress)?;
    progress.finish();
    if args.json {
        let many = results.len() > 1;
        let mut values: Vec<serde_json::Value> = results.drain(..).map(|r| r.json).collect();
        return if many {
            print_json(&values)
        } else {
            print_json(&values.pop().unwrap_or(serde_json::Value::Null))
        };
    }
    Ok(())
}

/// What to import, and how: everything `import` and `sync` say about a publication besides its
/// files.
pub(crate) struct Request {
    pub(crate) format: &'static dyn Format,
    pub(crate) list: ListName,
    /// Where the files came from: named in messages and recorded as the version's source.
    pub(crate) source: String,
    /// The publication date given (already checked); it must agree with the files' own.
    pub(crate) published: Option<Date>,
    /// The date of a publication whose files carry none, when none was given (`sync`: the
    /// download day). Unlike [`Request::published`], it never overrides the files' own date.
    pub(crate) undated: Option<Date>,
    pub(crate) force_date: bool,
    pub(crate) guard: Guard,
    pub(crate) source_list: Vec<String>,
    /// Whether the result is wanted as JSON (returned, not printed) rather than printed as text.
    pub(crate) json: bool,
}

/// The result of importing one edition.
pub(crate) struct Imported {
    /// `committed`, `unchanged` or `skipped`.
    pub(crate) status: &'static str,
    /// The version committed, or the one the content equals; 0 when skipped.
    pub(crate) version: u32,
    pub(crate) published: Date,
    /// The JSON `import --json` prints for it (`Null` unless [`Request::json`]).
    pub(crate) json: serde_json::Value,
}

/// Imports the files of a publication (`read[i]` is the file of `format.files()[i]`, if there is
/// one) through the integrity guards, one version per edition: the one path of `import` and
/// `sync`. Every edition's date is checked before the store is opened.
pub(crate) fn import_publication(
    ctx: &Ctx,
    request: &Request,
    read: Vec<Option<ReadFile>>,
    progress: &mut Progress,
) -> Result<Vec<Imported>> {
    let format = request.format;
    let list = &request.list;
    let source = &request.source;
    let given = request.published;
    // A delta is applied to the current version, read from the store it will be written to.
    let mut delta_store = None;
    let (mut editions, files) = match format.parse_delta(&inputs(&read)) {
        None => {
            let editions = format.parse_editions(&inputs(&read))?;
            let Some(last) = editions.last() else {
                anyhow::bail!("{source}: the file holds no edition of the list");
            };
            let infos = file_infos(&read, &last.files);
            (editions, infos)
        }
        Some(delta) => {
            let store = ctx.open_for_writing()?;
            let (parsed, infos) =
                apply_delta(&store, format, delta?, &read, Path::new(source), list)?;
            delta_store = Some(store);
            (vec![parsed], infos)
        }
    };
    drop(read);
    if !request.source_list.is_empty() {
        keep_source_lists(&mut editions, &request.source_list)?;
    }
    let many = editions.len() > 1;
    if many && given.is_some() {
        return Err(usage(format!(
            "--published cannot be given: {source} holds {} editions, each with its own date",
            editions.len()
        )));
    }
    // Every edition's date is checked before the store is opened: a refused import creates no
    // store.
    let mut dated = Vec::with_capacity(editions.len());
    for parsed in editions {
        let published = match (given, parsed.published, request.undated) {
            (Some(given), Some(own), _) if given != own => {
                return Err(usage(format!(
                    "--published {given}, but {source} says it was published on {own}; leave --published out to use the file's own date"
                )));
            }
            (Some(date), _, _) | (None, Some(date), _) | (None, None, Some(date)) => date,
            (None, None, None) => {
                return Err(usage(format!(
                    "--published is required: say when {source} was published (YYYY-MM-DD), or `--published today` if it was published today. Every as-of answer rests on this date"
                )));
            }
        };
        if given.is_none() {
            check_publication_date(published, request.force_date)?;
        }
        // A date the files do not carry is recorded as what it is.
        let source = if given.is_none() && parsed.published.is_none() {
            format!("{source} (the files carry no date: dated the day they were downloaded)")
        } else {
            source.clone()
        };
        dated.push((parsed, published, source));
    }
    let mut store = match delta_store {
        Some(store) => store,
        None => ctx.open_for_writing()?,
    };
    let mut results = Vec::new();
    for (parsed, published, source) in dated {
        // An edition older than the list's current version is already part of its history (or
        // predates it): skipped with a note, so that importing the same editions file again, or
        // a newer one, adds only the new editions.
        if many
            && let Some(current) = store.current(list).ok().flatten()
            && published < current.published
        {
            let note = format!(
                "{list}: the edition of {published} is older than version {} (published {}); skipped",
                current.version, current.published
            );
            let json = if request.json {
                serde_json::json!({"status": "skipped", "list": list.as_str(), "published": published, "note": note})
            } else {
                writeln!(std::io::stdout().lock(), "{note}")?;
                serde_json::Value::Null
            };
            results.push(Imported { status: "skipped", version: 0, published, json });
            continue;
        }
        let edition = Edition { parsed, published, files: files.clone(), source };
        results.push(import_one(ctx, &mut store, request, progress, edition)?);
    }
    Ok(results)
}

/// One publication to import: what the parser made of it, its date, and its files.
struct Edition {
    parsed: Parsed,
    published: Date,
    files: Vec<FileInfo>,
    /// Where it came from, as the version records it.
    source: String,
}

/// Imports one publication, runs the watches against it, and reports it (as JSON, returned, with
/// `--json`; as text, printed, otherwise).
fn import_one(
    ctx: &Ctx,
    store: &mut listwatch_store::Store,
    request: &Request,
    progress: &mut Progress,
    edition: Edition,
) -> Result<Imported> {
    let Edition { parsed, published, files, source } = edition;
    let (list, format) = (&request.list, request.format);
    // This file's own diagnostics: an import equal in content to the current version reports
    // them too, not the stored version's.
    let diagnostics = parsed.diagnostics.clone();
    let new = NewVersion {
        list: list.clone(),
        // A delta's result is a whole publication of its base format.
        format: format.name().strip_suffix("-delta").unwrap_or(format.name()).to_string(),
        source,
        published,
        imported_at: now_rfc3339(),
        files,
        entities: parsed.entities,
        coverage: parsed.coverage,
        remark_items: parsed.remark_stats.items,
        remark_items_typed: parsed.remark_stats.typed,
        diagnostics: parsed.diagnostics,
    };
    let outcome = store
        .import(new, &request.guard, &mut |phase| {
            progress.step(match phase {
                Phase::Hashing => "hashing entities",
                Phase::Comparing => "comparing with the current version",
                Phase::Writing => "writing the new version",
            })
        })
        .map_err(|e| ctx.write_error(e))?;
    let mut new_alerts = Vec::new();
    if let ImportOutcome::Committed(version) = &outcome {
        progress.step("screening the watches against the change");
        new_alerts = crate::cli::monitor::after_list_version(ctx, store, list, version)
            .context("the version is committed, but monitoring it failed; `listwatch monitor run` retries the holdings")?;
        progress.step("reclaiming free space");
        compact_if_worthwhile(store);
    }
    let (status, version) = match &outcome {
        ImportOutcome::Committed(version) => ("committed", version),
        ImportOutcome::Unchanged(version) => ("unchanged", version),
    };
    let mut imported = Imported {
        status,
        version: version.version,
        published: version.published,
        json: serde_json::Value::Null,
    };
    let unchanged = status == "unchanged";
    if request.json {
        imported.json = serde_json::to_value(ImportJson {
            status,
            list: list.as_str(),
            version: version.version,
            published: version.published,
            entities: version.entities,
            added: if unchanged { 0 } else { version.added },
            removed: if unchanged { 0 } else { version.removed },
            changed: if unchanged { 0 } else { version.changed },
            remark_items: version.remark_items,
            remark_items_typed: version.remark_items_typed,
            lacks: crate::catalog::lacks(version.coverage),
            diagnostics: &diagnostics,
        })?;
        return Ok(imported);
    }
    let mut out = std::io::stdout().lock();
    if unchanged {
        writeln!(
            out,
            "{list}: the content equals version {} (published {}); no new version was created",
            version.version, version.published
        )?;
    } else {
        writeln!(
            out,
            "{list}: version {} (published {}): {} entities, {} added, {} removed, {} changed",
            version.version,
            version.published,
            version.entities,
            version.added,
            version.removed,
            version.changed
        )?;
        if version.remark_items > 0 {
            writeln!(
                out,
                "remarks: {} of {} items typed ({:.1}%); the rest are kept verbatim",
                version.remark_items_typed,
                version.remark_items,
                100.0 * version.remark_items_typed as f64 / version.remark_items as f64
            )?;
        }
        let lacks = crate::catalog::lacks(version.coverage);
        if !lacks.is_empty() {
            writeln!(
                out,
                "this version lacks {}: they are not compared with other versions, and screening against it cannot match them",
                lacks.join(" and ")
            )?;
        }
    }
    if !new_alerts.is_empty() {
        drop(out);
        crate::cli::monitor::report_new(ctx, &new_alerts)?;
        out = std::io::stdout().lock();
    }
    if !diagnostics.is_empty() {
        let n_errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        writeln!(
            out,
            "diagnostics of this file: {} ({} records skipped); first ones:",
            diagnostics.len(),
            n_errors
        )?;
        for diagnostic in diagnostics.iter().take(10) {
            writeln!(out, "  {}", crate::output::clean(&diagnostic.to_string()))?;
        }
    }
    Ok(imported)
}

/// The earliest publication date accepted without --force-date.
const EARLIEST_PUBLICATION: &str = "1945-01-01";

/// Refuses a publication date that is surely mistyped: after tomorrow, or before 1945.
fn check_publication_date(published: Date, force: bool) -> Result<()> {
    if force {
        return Ok(());
    }
    let tomorrow = Date::today_utc().add_days(1);
    if published > tomorrow {
        return Err(usage(format!(
            "--published {published} is in the future; a mistyped year would refuse every later import. Pass --force-date if it is right"
        )));
    }
    let earliest = Date::parse_iso(EARLIEST_PUBLICATION).unwrap_or(Date::MIN);
    if published < earliest {
        return Err(usage(format!(
            "--published {published} is before {EARLIEST_PUBLICATION}; no list tracked here is that old. Pass --force-date if it is right"
        )));
    }
    Ok(())
}

/// Copy-on-write leaves the pages an import replaced free inside the file. When they are more
/// than a quarter of it, rewrite the file compactly. This is housekeeping: if another process has
/// the store open, it is skipped and tried again after the next import.
fn compact_if_worthwhile(store: &mut listwatch_store::Store) {
    if let Ok((free, total)) = store.space()
        && free * 4 > total
    {
        let _ = store.compact();
    }
}

/// The current time as RFC 3339 in UTC, to the second.
/// Seconds since the Unix epoch (0 on a clock set before it).
pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

pub(crate) fn now_rfc3339() -> String {
    let now = unix_now();
    let date = Date::from_days(now.div_euclid(86_400)).unwrap_or(Date::MIN);
    let secs = now.rem_euclid(86_400);
    format!("{date}T{:02}:{:02}:{:02}Z", secs / 3600, secs / 60 % 60, secs % 60)
}

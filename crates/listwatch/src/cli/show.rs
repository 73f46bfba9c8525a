//! `listwatch show`: one entity as a version of its list has it.

use anyhow::Result;

use listwatch_model::Entity;

use super::{Ctx, parse_entity_id};
use crate::failure::no_match;
use crate::output::{Stdout, clean, outln, print_json, to_stdout};

/// Show an entity, from the current version of its list or from another version.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The entity id, `<list>:<id in the source>` (e.g. ofac-sdn:306); or an ISIN, a ticker
    /// (941 HK) or a name, to show every entity of every list that it finds, with the ones that
    /// are one party grouped.
    id: String,
    /// The version [default: the current one].
    #[arg(long, value_name = "V")]
    version: Option<u32>,
    /// Print the entity as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    // `<list>:<id>` names one entity (a malformed one is a usage error); anything else is an
    // ISIN, a ticker or a name.
    if !args.id.contains(':') {
        return show_found(ctx, args);
    }
    let id = parse_entity_id(&args.id)?;
    let store = ctx.open_existing()?;
    let Some((version, entity)) = store.entity(&id.list, &id.source_id, args.version)? else {
        let version = store.version(&id.list, args.version)?;
        return Err(no_match(format!(
            "{id} is not in version {} of {} (published {})",
            version.version, id.list, version.published
        )));
    };
    if args.json {
        let mut value = serde_json::to_value(&entity)?;
        if let Some(object) = value.as_object_mut() {
            object.insert("id".to_string(), id.to_string().into());
            object.insert("source_id".to_string(), entity.id.clone().into());
            object.insert("list".to_string(), id.list.to_string().into());
            object.insert("version".to_string(), version.version.into());
            object.insert("published".to_string(), version.published.to_string().into());
        }
        return print_json(&value);
    }
    to_stdout(|out| {
        outln!(
            out,
            "{id}  (version {} of {}, published {})",
            version.version,
            id.list,
            version.published
        )?;
        print_entity(out, &entity)
    })
}

/// Shows every entity of every list that an ISIN, a ticker or a name finds, each as the current
/// version of its list has it (or its last version, for one no longer listed), and the groups of
/// them that are one party.
fn show_found(ctx: &Ctx, args: Args) -> Result<()> {
    if args.version.is_some() {
        return Err(crate::failure::usage(
            "--version goes with an entity id (<list>:<id>), not with a name, ISIN or ticker",
        ));
    }
    let store = ctx.open_existing()?;
    let catalog = listwatch_core::catalog::Catalog::load(&store)?;
    let (found, _) = catalog.resolve(&args.id);
    if found.is_empty() {
        return Err(no_match(format!("{}: no entity in the store matches", args.id)));
    }
    let ids: Vec<String> = found.iter().map(|&idx| catalog.entries[idx].entity_id()).collect();
    let groups = listwatch_core::status::groups(&catalog, &ids);
    if args.json {
        let entities: Vec<serde_json::Value> = found
            .iter()
            .map(|&idx| {
                let entry = &catalog.entries[idx];
                let mut value = serde_json::to_value(&entry.entity)?;
                if let Some(object) = value.as_object_mut() {
                    object.insert("id".to_string(), entry.entity_id().into());
                    object.insert("source_id".to_string(), entry.entity.id.clone().into());
                    object.insert("list".to_string(), entry.list.to_string().into());
                }
                Ok(value)
            })
            .collect::<Result<_>>()?;
        let groups: Vec<serde_json::Value> = groups
            .iter()
            .map(
                |g| serde_json::json!({"name": g.name, "members": g.members, "tied_by": g.tied_by}),
            )
            .collect();
        return print_json(
            &serde_json::json!({"query": args.id, "entities": entities, "groups": groups}),
        );
    }
    to_stdout(|out| {
        for &idx in &found {
            let entry = &catalog.entries[idx];
            outln!(out, "{}  (list {})", entry.entity_id(), entry.list)?;
            print_entity(out, &entry.entity)?;
            outln!(out)?;
        }
        for group in &groups {
            outln!(
                out,
                "one party: {} is {} (tied by {})",
                clean(&group.name),
                group.members.join(", "),
                clean(&group.tied_by.join("; "))
            )?;
        }
        Ok(())
    })
}

/// Prints an entity as labelled lines, skipping empty fields.
pub(crate) fn print_entity(out: &mut Stdout, entity: &Entity) -> Result<()> {
    let mut lines: Vec<(String, String)> = Vec::new();
    let mut line = |label: &str, value: String| {
        if !value.is_empty() {
            lines.push((label.to_string(), value));
        }
    };
    line("schema", entity.schema.to_string());
    for name in &entity.names {
        line(name.kind.as_str(), name.value.clone());
    }
    line("programs", entity.programs.join(", "));
    line("title", entity.title.clone().unwrap_or_default());
    for date in &entity.birth_dates {
        line("birth date", date.to_string());
    }
    line("birth place", entity.birth_places.join("; "));
    line("nationality", entity.nationalities.join(", "));
    line("citizenship", entity.citizenships.join(", "));
    if let Some(gender) = entity.gender {
        line("gender", format!("{gender:?}").to_lowercase());
    }
    for identifier in &entity.identifiers {
        let mut text = format!("{}: {}", identifier.label, identifier.value);
        if let Some(currency) = &identifier.currency {
            text = format!("{} {currency}: {}", identifier.label, identifier.value);
        }
        if let Some(country) = &identifier.country {
            text.push_str(&format!(" ({country})"));
        }
        if let Some(details) = &identifier.details {
            text.push_str(&format!(" {details}"));
        }
        line(identifier.kind.as_str(), text);
    }
    for date in &entity.list_dates {
        line(
            &format!("{:?} date", date.kind).to_lowercase(),
            format!("{} ({})", date.date, date.scope),
        );
    }
    for link in &entity.links {
        line(&link.relation, link.name.clone());
    }
    for address in &entity.addresses {
        line("address", address.one_line());
    }
    if let Some(vessel) = &entity.vessel {
        let parts: Vec<String> = [
            vessel.vessel_type.as_ref().map(|v| format!("type {v}")),
            vessel.flag.as_ref().map(|v| format!("flag {v}")),
            vessel.owner.as_ref().map(|v| format!("owner {v}")),
            vessel.tonnage.as_ref().map(|v| format!("tonnage {v}")),
            vessel.gross_registered_tonnage.as_ref().map(|v| format!("GRT {v}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        line("vessel", parts.join(", "));
    }
    for attribute in &entity.attributes {
        line("attribute", format!("{}: {}", attribute.label, attribute.value));
    }
    for item in &entity.untyped_remarks {
        line("untyped", item.clone());
    }
    line("remarks", entity.remarks.clone().unwrap_or_default());
    for (label, value) in lines {
        outln!(out, "  {:<14} {}", clean(&label), clean(&value))?;
    }
    Ok(())
}

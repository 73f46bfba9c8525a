//! Recording a legal event: the checks a new event must pass, whichever front end records it
//! (the command line's `event add`, the console's form). Each message names a field through the
//! caller's `name`, so the command line says `--date` and a form says `date`.

use listwatch_model::{Date, EntityId, EventKind, NewEvent};
use listwatch_status::Regimes;
use listwatch_store::Store;

use crate::Result;

/// A legal event as a person types it: every field as text, checked by [`check_event`].
#[derive(Clone, Debug, Default)]
pub struct EventInput {
    /// The entity id, `<list>:<id in the source>`.
    pub entity: String,
    /// What happened: one of [`EventKind::ALL`].
    pub kind: String,
    /// The date of the order, decision or notice, `YYYY-MM-DD`.
    pub date: String,
    /// The date it takes effect (default: `date`).
    pub effective: Option<String>,
    /// The citation: court, case number, document.
    pub citation: String,
    /// Where the source can be read.
    pub url: Option<String>,
    /// The restrictions it affects (none: all).
    pub scope: Vec<String>,
    /// The day it became known, when recorded after the fact.
    pub known_since: Option<String>,
    /// Who records it.
    pub author: String,
    /// When it is recorded (RFC 3339).
    pub entered_at: String,
    /// The number of an earlier event this one corrects.
    pub supersedes: Option<u64>,
    /// Free text.
    pub note: Option<String>,
}

/// Checks `input` as of `today` against the restrictions `regimes` know, and builds the event to
/// record. An error is a message for the person who typed it; `name` turns a field name
/// (`date`, `known-since`) into the name they typed it under.
pub fn check_event(
    input: EventInput,
    regimes: &Regimes,
    today: Date,
    name: &dyn Fn(&str) -> String,
) -> std::result::Result<NewEvent, String> {
    let id = EntityId::parse(&input.entity).map_err(|e| e.to_string())?;
    let kind = EventKind::parse(&input.kind).ok_or_else(|| {
        let kinds: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("{} {:?} is not one of {}", name("kind"), input.kind, kinds.join(", "))
    })?;
    let date_of = |field: &str, value: &str| {
        Date::parse_iso(value.trim()).map_err(|e| format!("{} {e}", name(field)))
    };
    let date = date_of("date", &input.date)?;
    let effective = match &input.effective {
        Some(value) => date_of("effective", value)?,
        None => date,
    };
    if effective < date {
        return Err(format!("{} {effective} is before {} {date}", name("effective"), name("date")));
    }
    if input.citation.trim().is_empty() {
        return Err(format!("{} must say where the event comes from", name("citation")));
    }
    let known_since =
        input.known_since.as_deref().map(|v| date_of("known-since", v)).transpose()?;
    if let Some(known) = known_since {
        if known > today {
            return Err(format!(
                "{} {known} is in the future (today is {today})",
                name("known-since")
            ));
        }
        if known < date {
            return Err(format!(
                "{} {known} is before the event's own date {date}: it cannot have been known before it happened",
                name("known-since")
            ));
        }
    }
    let kinds = regimes.restriction_kinds();
    let mut scope = Vec::with_capacity(input.scope.len());
    for restriction in &input.scope {
        let restriction = restriction.trim().to_ascii_lowercase();
        if !kinds.contains(&restriction) {
            return Err(format!(
                "{} {restriction:?} is not a restriction the regimes know; they know: {}",
                name("scope"),
                kinds.join(", ")
            ));
        }
        scope.push(restriction);
    }
    Ok(NewEvent {
        entity: id.to_string(),
        kind,
        date,
        effective,
        citation: input.citation,
        url: input.url,
        scope,
        author: input.author,
        entered_at: input.entered_at,
        supersedes: input.supersedes,
        note: input.note,
        known_since,
    })
}

/// Whether some version of the entity's list has ever held it: an event about an entity no
/// version holds is most likely a typing error, and events are never deleted.
pub fn entity_known(store: &Store, id: &EntityId) -> Result<bool> {
    match store.list(&id.list) {
        Ok(_) => Ok(!store.observations(&id.list, &id.source_id)?.is_empty()),
        Err(listwatch_store::Error::NotFound(_)) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

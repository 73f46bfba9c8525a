//! The as-of status of an entity, and the timeline it is read from.

use serde::Serialize;

use listwatch_model::{Date, Entity, EventKind, LegalEvent, ListDateKind};

use crate::regime::{Regime, RegimeKind, Regimes};

/// One version of a list in which the entity appeared, changed or was removed.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// The version's number.
    pub version: u32,
    /// The version's publication date.
    pub published: Date,
    /// The entity as the version has it, or `None` when the version removed it.
    pub entity: Option<Entity>,
}

/// Everything known about one entity: its list, what the list versions show, and the events.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// The entity id, `<list>:<id>`.
    pub entity_id: String,
    /// The list.
    pub list: String,
    /// The versions where the entity appeared, changed or was removed, oldest first.
    pub observations: Vec<Observation>,
    /// The recorded legal events about it, in the order recorded.
    pub events: Vec<LegalEvent>,
}

/// The question: as of which day, knowing what was known on which day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Question {
    /// The day the question is about.
    pub as_of: Date,
    /// Use only list versions published and events recorded by this day.
    pub known_on: Option<Date>,
}

/// The state of an entity on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Not on the list on that day.
    NotListed,
    /// Listed, but the restrictions start later.
    Pending,
    /// Listed and restricted.
    Restricted,
    /// Listed, but a court order or license holds the restrictions.
    Suspended,
    /// Taken off the list (by the list, a court or the agency).
    Removed,
}

impl State {
    /// The state's name (`not-listed`, `pending`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            State::NotListed => "not-listed",
            State::Pending => "pending",
            State::Restricted => "restricted",
            State::Suspended => "suspended",
            State::Removed => "removed",
        }
    }
}

/// A restriction and the days it runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Restriction {
    /// `blocked`, `purchase-prohibited`, `divestment-allowed-until`, or a regime's own name.
    pub kind: String,
    /// The first day it applies.
    pub since: Date,
    /// The last day of the window, for `divestment-allowed-until`: sales to divest are allowed
    /// before this day.
    pub until: Option<Date>,
    /// The regime it comes from.
    pub rule: String,
}

/// One dated step of a timeline, with its source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimelineEvent {
    /// The day it happened or takes effect.
    pub date: Date,
    /// What happened: `listed`, `purchase-prohibited`, `divestment-window-closes`, `blocked`,
    /// `restricted`, `removed`, or a legal event's kind.
    pub kind: String,
    /// Where it comes from: a list version and record, or a recorded event with its citation.
    pub source: String,
}

/// The answer to a [`Question`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Status {
    /// The entity id.
    pub entity_id: String,
    /// The entity's primary name, as the latest known version has it.
    pub name: String,
    /// The state on the day.
    pub state: State,
    /// The restrictions in force on the day (for `pending`: those that will start).
    pub restrictions: Vec<Restriction>,
    /// The regimes that apply, by id.
    pub rules: Vec<String>,
    /// The listing date of the current listing, if listed.
    pub listed_since: Option<Date>,
    /// The citation of the order or license that holds the restrictions, when suspended.
    pub suspended_by: Option<String>,
    /// The day the order or license took effect, when suspended.
    pub suspended_since: Option<Date>,
    /// The day the entity was removed, when removed.
    pub removed_on: Option<Date>,
    /// The chain of events up to the day, oldest first.
    pub events: Vec<TimelineEvent>,
}

impl Status {
    /// An answer without restrictions: not listed, or removed.
    fn unlisted(
        record: &Record,
        name: String,
        state: State,
        rules: Vec<String>,
        removed_on: Option<Date>,
        events: Vec<TimelineEvent>,
    ) -> Status {
        Status {
            entity_id: record.entity_id.clone(),
            name,
            state,
            restrictions: Vec::new(),
            rules,
            listed_since: None,
            suspended_by: None,
            suspended_since: None,
            removed_on,
            events,
        }
    }
}

/// What a timeline step does to the state.
#[derive(Clone, Debug)]
enum Step {
    /// Listed by the list data, with the entity as listed.
    Listed { entity: Box<Entity> },
    /// The list amended the entry: its data changes, its listing date does not.
    Amended { entity: Box<Entity> },
    /// A regime date passing (informational: restrictions are computed from the listing).
    Milestone,
    /// Removed by the list.
    Removed,
    /// A legal event.
    Legal { kind: EventKind, scope: Vec<String>, citation: String },
}

#[derive(Clone, Debug)]
struct Dated {
    date: Date,
    /// Ties on the same day: list facts before legal events, each in recording order.
    order: (u8, u64),
    step: Step,
    event: TimelineEvent,
}

fn version_source(list: &str, observation: &Observation, record_id: &str) -> String {
    format!(
        "{list} version {} (published {}), record {record_id}",
        observation.version, observation.published
    )
}

fn event_source(event: &LegalEvent) -> String {
    let mut source = format!("event {}: {}", event.id, event.event.citation);
    if let Some(url) = &event.event.url {
        source.push_str(&format!(" <{url}>"));
    }
    source
        .push_str(&format!(" (recorded by {} at {})", event.event.author, event.event.entered_at));
    source
}

/// The dates a regime gives a listing on `listed`, preferring the list's own dates.
fn regime_dates(regime: &Regime, entity: Option<&Entity>, listed: Date) -> (Date, Option<Date>) {
    let from_data = |kind: ListDateKind| {
        entity.and_then(|e| e.list_date(kind)).map(|d| d.date.first_day()).filter(|d| *d >= listed)
    };
    let effective =
        from_data(ListDateKind::Effective).unwrap_or(listed.add_days(regime.effective_after_days));
    let divestment = match regime.kind {
        RegimeKind::Securities => Some(
            from_data(ListDateKind::Divestment)
                .unwrap_or(listed.add_days(regime.divestment_after_days.unwrap_or(365))),
        ),
        _ => None,
    };
    (effective, divestment)
}

/// The listing date the list data gives an entity, if any.
fn data_listing_date(entity: &Entity) -> Option<Date> {
    entity.list_date(ListDateKind::Listing).map(|d| d.date.first_day())
}

/// Restricts a record to what was known on `known_on`: versions published and events recorded
/// by that day.
pub fn known_on(record: &Record, day: Option<Date>) -> Record {
    let Some(day) = day else { return record.clone() };
    Record {
        entity_id: record.entity_id.clone(),
        list: record.list.clone(),
        observations: record.observations.iter().filter(|o| o.published <= day).cloned().collect(),
        events: record
            .events
            .iter()
            .filter(|e| e.entered_on().is_some_and(|d| d <= day))
            .cloned()
            .collect(),
    }
}

/// The full timeline of a record: every dated step, past and future, oldest first.
pub fn timeline(record: &Record, regimes: &Regimes) -> Vec<TimelineEvent> {
    steps(record, regimes).into_iter().map(|d| d.event).collect()
}

fn steps(record: &Record, regimes: &Regimes) -> Vec<Dated> {
    let mut steps = Vec::new();
    let record_id =
        record.entity_id.rsplit_once(':').map_or(record.entity_id.as_str(), |(_, id)| id);
    let mut listed = false;
    let mut runs = 0;
    let mut previous: Option<&Entity> = None;
    for observation in &record.observations {
        match (&observation.entity, listed) {
            (Some(entity), true) => {
                let fields: Vec<String> = previous
                    .map(|before| {
                        listwatch_model::diff_entities(before, entity)
                            .into_iter()
                            .map(|c| c.field)
                            .collect()
                    })
                    .unwrap_or_default();
                steps.push(Dated {
                    date: observation.published,
                    order: (0, u64::from(observation.version)),
                    step: Step::Amended { entity: Box::new(entity.clone()) },
                    event: TimelineEvent {
                        date: observation.published,
                        kind: "amended".to_string(),
                        source: format!(
                            "{} ({})",
                            version_source(&record.list, observation, record_id),
                            fields.join(", ")
                        ),
                    },
                });
            }
            (Some(entity), false) => {
                listed = true;
                runs += 1;
                let source = version_source(&record.list, observation, record_id);
                // The list's own listing date wins when it is earlier than the version that shows
                // it (a list published after the fact says since when the entry has been listed).
                let (date, source) = match data_listing_date(entity) {
                    Some(day) if day <= observation.published => {
                        let scope = entity
                            .list_date(ListDateKind::Listing)
                            .map(|d| d.scope.as_str())
                            .unwrap_or("");
                        (day, format!("{source}: Listing Date ({scope}) {day}"))
                    }
                    _ => (observation.published, source),
                };
                push_listing(
                    &mut steps,
                    record,
                    regimes,
                    entity,
                    date,
                    &source,
                    if runs == 1 { "listed" } else { "relisted" },
                );
            }
            (None, true) => {
                listed = false;
                steps.push(Dated {
                    date: observation.published,
                    order: (0, u64::from(observation.version)),
                    step: Step::Removed,
                    event: TimelineEvent {
                        date: observation.published,
                        kind: "removed".to_string(),
                        source: version_source(&record.list, observation, record_id),
                    },
                });
            }
            (None, false) => {}
        }
        previous = observation.entity.as_ref();
    }
    let superseded: Vec<u64> = record.events.iter().filter_map(|e| e.event.supersedes).collect();
    let last_entity = record.observations.iter().rev().find_map(|o| o.entity.as_ref());
    for event in record.events.iter().filter(|e| !superseded.contains(&e.id)) {
        let source = event_source(event);
        steps.push(Dated {
            date: event.event.effective,
            order: (2, event.id),
            step: Step::Legal {
                kind: event.event.kind,
                scope: event.event.scope.clone(),
                citation: event.event.citation.clone(),
            },
            event: TimelineEvent {
                date: event.event.effective,
                kind: event.event.kind.as_str().to_string(),
                source: source.clone(),
            },
        });
        if event.event.kind == EventKind::Relisting
            && let Some(entity) = last_entity
        {
            let mut relisted = entity.clone();
            // A relisting starts a new listing: the regime's dates run from it.
            relisted.list_dates.clear();
            push_regime_milestones(
                &mut steps,
                record,
                regimes,
                &relisted,
                event.event.effective,
                &source,
                event.id,
            );
        }
    }
    steps.sort_by_key(|a| (a.date, a.order));
    // A regime's dates matter only while the listing stands: drop those that fall after a
    // removal, a vacatur or a delisting (until the entity is listed again).
    let mut listed = false;
    steps.retain(|dated| match &dated.step {
        Step::Amended { .. } => true,
        Step::Listed { .. } => {
            listed = true;
            true
        }
        Step::Removed => {
            listed = false;
            true
        }
        Step::Legal { kind: EventKind::Vacatur | EventKind::Delisting, .. } => {
            listed = false;
            true
        }
        Step::Legal { kind: EventKind::Relisting, .. } => {
            listed = true;
            true
        }
        Step::Legal { .. } => true,
        Step::Milestone => listed,
    });
    steps
}

fn push_listing(
    steps: &mut Vec<Dated>,
    record: &Record,
    regimes: &Regimes,
    entity: &Entity,
    date: Date,
    source: &str,
    kind: &str,
) {
    steps.push(Dated {
        date,
        order: (0, 0),
        step: Step::Listed { entity: Box::new(entity.clone()) },
        event: TimelineEvent { date, kind: kind.to_string(), source: source.to_string() },
    });
    push_regime_milestones(steps, record, regimes, entity, date, source, 0);
}

fn push_regime_milestones(
    steps: &mut Vec<Dated>,
    record: &Record,
    regimes: &Regimes,
    entity: &Entity,
    listed: Date,
    source: &str,
    order: u64,
) {
    for regime in regimes.for_entity(&record.list, &entity.programs) {
        let (effective, divestment) = regime_dates(regime, Some(entity), listed);
        let rule = format!("{} ({})", regime.id, regime.authority);
        let mut milestone = |date: Date, kind: &str| {
            steps.push(Dated {
                date,
                order: (1, order),
                step: Step::Milestone,
                event: TimelineEvent {
                    date,
                    kind: kind.to_string(),
                    source: format!("{rule}; listing: {source}"),
                },
            });
        };
        match regime.kind {
            RegimeKind::Blocking => milestone(listed, "blocked"),
            RegimeKind::Securities => {
                milestone(effective, "purchase-prohibited");
                if let Some(divestment) = divestment {
                    milestone(divestment, "divestment-window-closes");
                }
            }
            RegimeKind::Restrictions => milestone(effective, "restricted"),
        }
    }
}

/// The status of a record as of a day.
///
/// The answer uses only list versions published and events recorded by `known_on` (when given),
/// and only steps dated on or before `as_of`; the restrictions of a `pending` listing show the
/// days they will start.
pub fn status(record: &Record, question: Question, regimes: &Regimes) -> Status {
    let record = known_on(record, question.known_on);
    let name = record
        .observations
        .iter()
        .rev()
        .find_map(|o| o.entity.as_ref())
        .map(|e| e.primary_name().to_string())
        .unwrap_or_default();
    let mut listing: Option<(Entity, Date)> = None;
    let mut removed: Option<Date> = None;
    let mut suspension: Option<(Vec<String>, String, Date)> = None;
    let mut chain = Vec::new();
    for dated in steps(&record, regimes).into_iter().filter(|d| d.date <= question.as_of) {
        match dated.step {
            Step::Listed { entity } => {
                listing = Some((*entity, dated.date));
                removed = None;
                suspension = None;
            }
            Step::Amended { entity } => {
                if let Some((current, _)) = listing.as_mut() {
                    *current = *entity;
                }
            }
            Step::Milestone => {}
            Step::Removed => {
                if listing.is_some() && removed.is_none() {
                    removed = Some(dated.date);
                }
            }
            Step::Legal { kind, scope, citation } => match kind {
                EventKind::Injunction | EventKind::Stay | EventKind::GeneralLicense => {
                    suspension = Some((scope, citation, dated.date));
                }
                EventKind::Vacatur | EventKind::Delisting => {
                    if listing.is_some() && removed.is_none() {
                        removed = Some(dated.date);
                    }
                    suspension = None;
                }
                EventKind::Relisting => {
                    let entity = record.observations.iter().rev().find_map(|o| o.entity.clone());
                    if let Some(mut entity) = entity {
                        entity.list_dates.clear();
                        listing = Some((entity, dated.date));
                        removed = None;
                        suspension = None;
                    }
                }
                EventKind::Note => {}
            },
        }
        chain.push(dated.event);
    }

    let Some((entity, listed)) = listing else {
        return Status::unlisted(&record, name, State::NotListed, Vec::new(), None, chain);
    };
    let applicable = regimes.for_entity(&record.list, &entity.programs);
    let rules: Vec<String> = applicable.iter().map(|r| r.id.clone()).collect();
    if let Some(removed_on) = removed {
        return Status::unlisted(&record, name, State::Removed, rules, Some(removed_on), chain);
    }
    let mut restrictions = Vec::new();
    let mut pending = true;
    for regime in &applicable {
        let (effective, divestment) = regime_dates(regime, Some(&entity), listed);
        let rule = regime.id.clone();
        match regime.kind {
            RegimeKind::Blocking => {
                pending = false;
                restrictions.push(Restriction {
                    kind: "blocked".to_string(),
                    since: listed,
                    until: None,
                    rule,
                });
            }
            RegimeKind::Securities => {
                if question.as_of >= effective {
                    pending = false;
                }
                restrictions.push(Restriction {
                    kind: "purchase-prohibited".to_string(),
                    since: effective,
                    until: None,
                    rule: rule.clone(),
                });
                if let Some(divestment) = divestment.filter(|d| question.as_of < *d) {
                    restrictions.push(Restriction {
                        kind: "divestment-allowed-until".to_string(),
                        since: if question.as_of >= effective { effective } else { listed },
                        until: Some(divestment),
                        rule,
                    });
                }
            }
            RegimeKind::Restrictions => {
                if question.as_of >= effective {
                    pending = false;
                }
                for kind in &regime.restrictions {
                    restrictions.push(Restriction {
                        kind: kind.clone(),
                        since: effective,
                        until: None,
                        rule: rule.clone(),
                    });
                }
            }
        }
    }
    let suspended_since = suspension.as_ref().map(|(_, _, day)| *day);
    let (state, suspended_by) = match suspension {
        Some((scope, citation, _)) => {
            let held = |r: &Restriction| scope.is_empty() || scope.iter().any(|s| s == &r.kind);
            let remaining: Vec<Restriction> =
                restrictions.iter().filter(|r| !held(r)).cloned().collect();
            if remaining.iter().any(|r| r.kind != "divestment-allowed-until") {
                restrictions = remaining;
                (if pending { State::Pending } else { State::Restricted }, Some(citation))
            } else {
                restrictions.clear();
                (State::Suspended, Some(citation))
            }
        }
        None => (if pending { State::Pending } else { State::Restricted }, None),
    };
    Status {
        entity_id: record.entity_id.clone(),
        name,
        state,
        restrictions,
        rules,
        listed_since: Some(listed),
        suspended_by,
        suspended_since,
        removed_on: None,
        events: chain,
    }
}

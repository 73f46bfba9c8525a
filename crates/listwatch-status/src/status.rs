//! The as-of status of an entity, and the timeline it is read from.

use serde::Serialize;

use listwatch_model::{Coverage, Date, Entity, EventKind, LegalEvent, ListDateKind};

use crate::regime::{Regime, RegimeKind, Regimes};

/// One version of a list: what an answer rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct VersionRef {
    /// The version's number.
    pub version: u32,
    /// The version's publication date.
    pub published: Date,
    /// Which parts of the publication it was built from.
    #[serde(skip)]
    pub coverage: Coverage,
}

/// One version of a list in which the entity appeared, changed or was removed.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// The version's number.
    pub version: u32,
    /// The version's publication date.
    pub published: Date,
    /// Which parts of the publication the version was built from: fields it does not cover are
    /// not compared with other versions.
    pub coverage: Coverage,
    /// The entity as the version has it, or `None` when the version removed it.
    pub entity: Option<Entity>,
}

/// Everything known about one entity: its list, the list's versions, what they show of the
/// entity, and the events.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// The entity id, `<list>:<id>`.
    pub entity_id: String,
    /// The list.
    pub list: String,
    /// Every version of the list that answers may rest on (retracted versions left out), oldest
    /// first, whether or not it holds the entity: the version in force on a day is the latest
    /// published on or before it.
    pub versions: Vec<VersionRef>,
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
///
/// Several lists' states combine into one answer by [`State::combine`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// No version of the list in force on that day holds it: a version of the list published on
    /// or before the day (and known on the day asked) exists and does not hold the entity.
    NotListed,
    /// Nothing the store knows answers the question: no version of the list was published on or
    /// before the day (or known by the day asked), and no later version dates a listing on or
    /// before it.
    Unknown,
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
            State::Unknown => "unknown",
            State::Pending => "pending",
            State::Restricted => "restricted",
            State::Suspended => "suspended",
            State::Removed => "removed",
        }
    }

    /// How much a state weighs when several lists answer one question: a restriction anywhere
    /// wins, then a listing whose restrictions start later, then a suspended listing; otherwise
    /// `unknown` beats `removed` and `not-listed`, because an unconsulted list may hold it.
    fn weight(self) -> u8 {
        match self {
            State::Restricted => 6,
            State::Pending => 5,
            State::Suspended => 4,
            State::Unknown => 3,
            State::Removed => 2,
            State::NotListed => 1,
        }
    }

    /// One answer from several lists' states: the weightiest, in the order
    /// restricted, pending, suspended, unknown, removed, not-listed. `None` when there are none.
    pub fn combine(states: impl IntoIterator<Item = State>) -> Option<State> {
        states.into_iter().max_by_key(|state| state.weight())
    }
}

/// What a date rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// A date the publisher's own data gives for this program (a Listing or Effective Date).
    Designated,
    /// First or last seen in a publication: the entry was on (or off) the list by that day, and
    /// the store cannot say since when.
    Observed,
    /// Computed by a regime from another date (60 days after listing, say).
    Rule,
    /// A legal event a user recorded.
    Recorded,
}

impl Basis {
    /// The basis's name (`designated`, `observed`, `rule`, `recorded`).
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Designated => "designated",
            Basis::Observed => "observed",
            Basis::Rule => "rule",
            Basis::Recorded => "recorded",
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
    /// What `since` rests on.
    pub basis: Basis,
}

/// One dated step of a timeline, with its source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimelineEvent {
    /// The day it happened or takes effect.
    pub date: Date,
    /// What happened: `listed`, `relisted`, `amended`, `purchase-prohibited`,
    /// `divestment-window-closes`, `blocked`, `restricted`, `removed`, or a legal event's kind.
    pub kind: String,
    /// What the date rests on.
    pub basis: Basis,
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
    /// The regimes that apply, by id; a user's regime as `user:<id>`
    /// ([`crate::Regime::qualified_id`]).
    pub rules: Vec<String>,
    /// The listing date of the current listing, if listed.
    pub listed_since: Option<Date>,
    /// What `listed_since` rests on.
    pub listed_basis: Option<Basis>,
    /// For an observed listing date, the evidence in words: "first version in this store", or
    /// "not in version 3 (published 2021-08-18)".
    pub listed_note: Option<String>,
    /// The version of the list in force on the day: the latest published on or before it (and
    /// known by the day asked). `None` when there is none.
    pub in_force: Option<VersionRef>,
    /// Why the answer is `unknown`.
    pub reason: Option<String>,
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
    /// An answer without restrictions: not listed, unknown, or removed.
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
            listed_basis: None,
            listed_note: None,
            in_force: None,
            reason: None,
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
    Listed { entity: Box<Entity>, basis: Basis, note: Option<String> },
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
    source.push_str(&format!(" (recorded by {} at {}", event.event.author, event.event.entered_at));
    if event.is_backfilled()
        && let Some(known) = event.event.known_since
    {
        source.push_str(&format!("; back-filled, known since {known}"));
    }
    source.push(')');
    source
}

/// The latest version of the record's list published before `version`.
fn version_before(record: &Record, version: u32) -> Option<&VersionRef> {
    record.versions.iter().rev().find(|v| v.version < version)
}

/// Whether a date the list gives under `scope` belongs to one of `regimes`.
fn scope_matches(scope: &str, regimes: &[&Regime]) -> bool {
    let scope = scope.trim().to_ascii_lowercase();
    regimes.iter().any(|regime| {
        regime.date_scopes.iter().any(|prefix| scope.starts_with(&prefix.to_ascii_lowercase()))
    })
}

/// The earliest date of `kind` the list data gives an entity for one of `regimes`' programs.
fn designated_date(
    entity: &Entity,
    kind: ListDateKind,
    regimes: &[&Regime],
) -> Option<(Date, String)> {
    entity
        .list_dates
        .iter()
        .filter(|d| d.kind == kind && scope_matches(&d.scope, regimes))
        .map(|d| (d.date.first_day(), d.scope.clone()))
        .min_by_key(|(date, _)| *date)
}

/// The dates a regime gives a listing on `listed`, each with its basis, preferring the list's
/// own dates for the regime's programs.
fn regime_dates(
    regime: &Regime,
    entity: Option<&Entity>,
    listed: Date,
) -> ((Date, Basis), Option<(Date, Basis)>) {
    let from_data = |kind: ListDateKind| {
        entity
            .and_then(|e| designated_date(e, kind, &[regime]))
            .map(|(date, _)| date)
            .filter(|d| *d >= listed)
    };
    let effective = match from_data(ListDateKind::Effective) {
        Some(date) => (date, Basis::Designated),
        None => (listed.add_days(regime.effective_after_days), Basis::Rule),
    };
    let divestment = match regime.kind {
        RegimeKind::Securities => Some(match from_data(ListDateKind::Divestment) {
            Some(date) => (date, Basis::Designated),
            None => (listed.add_days(regime.divestment_after_days.unwrap_or(365)), Basis::Rule),
        }),
        _ => None,
    };
    (effective, divestment)
}

/// Restricts a record to what was known on `known_on`: versions published, and events known
/// (recorded, or known since a back-filled `known_since`), by that day.
pub fn known_on(record: &Record, day: Option<Date>) -> Record {
    let Some(day) = day else { return record.clone() };
    Record {
        entity_id: record.entity_id.clone(),
        list: record.list.clone(),
        versions: record.versions.iter().filter(|v| v.published <= day).copied().collect(),
        observations: record.observations.iter().filter(|o| o.published <= day).cloned().collect(),
        events: record
            .events
            .iter()
            .filter(|e| e.known_on().is_some_and(|d| d <= day))
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
    let mut previous: Option<&Observation> = None;
    for observation in &record.observations {
        let source = version_source(&record.list, observation, record_id);
        match (&observation.entity, listed) {
            (Some(entity), true) => {
                // Compare only what both versions cover, as a diff does: a version without the
                // alias file says nothing about aliases.
                let fields: Vec<String> = previous
                    .and_then(|before| {
                        let coverage = before.coverage.intersect(observation.coverage);
                        before.entity.as_ref().map(|old| {
                            listwatch_model::diff_entities(
                                &coverage.project(old),
                                &coverage.project(entity),
                            )
                            .into_iter()
                            .map(|c| c.field)
                            .collect()
                        })
                    })
                    .unwrap_or_default();
                if !fields.is_empty() {
                    steps.push(Dated {
                        date: observation.published,
                        order: (0, u64::from(observation.version)),
                        step: Step::Amended { entity: Box::new(entity.clone()) },
                        event: TimelineEvent {
                            date: observation.published,
                            kind: "amended".to_string(),
                            basis: Basis::Observed,
                            source: format!("{source} ({})", fields.join(", ")),
                        },
                    });
                }
            }
            (Some(entity), false) => {
                listed = true;
                runs += 1;
                let applicable = regimes.for_entity(&record.list, &entity.programs);
                // The list's own listing date for the entity's programs wins when it is no later
                // than the version that shows it (a list published after the fact says since when
                // the entry has been listed). A date scoped to another program (a directive's
                // date on an SDN entry) does not date this listing.
                let (date, basis, source, note) =
                    match designated_date(entity, ListDateKind::Listing, &applicable) {
                        Some((day, scope)) if day <= observation.published => (
                            day,
                            Basis::Designated,
                            format!("{source}: Listing Date ({scope}) {day}"),
                            None,
                        ),
                        _ => {
                            let evidence = match version_before(record, observation.version) {
                                Some(before) => format!(
                                    "not in version {} (published {})",
                                    before.version, before.published
                                ),
                                None => "first version in this store".to_string(),
                            };
                            (
                                observation.published,
                                Basis::Observed,
                                format!("{source}; {evidence}"),
                                Some(evidence),
                            )
                        }
                    };
                push_listing(
                    &mut steps,
                    record,
                    regimes,
                    entity,
                    (date, basis, note),
                    &source,
                    if runs == 1 { "listed" } else { "relisted" },
                );
            }
            (None, true) => {
                listed = false;
                let evidence = match version_before(record, observation.version) {
                    Some(before) => {
                        format!(
                            "still in version {} (published {})",
                            before.version, before.published
                        )
                    }
                    None => "not in the first version of this store".to_string(),
                };
                steps.push(Dated {
                    date: observation.published,
                    order: (0, u64::from(observation.version)),
                    step: Step::Removed,
                    event: TimelineEvent {
                        date: observation.published,
                        kind: "removed".to_string(),
                        basis: Basis::Observed,
                        source: format!("{source}; {evidence}"),
                    },
                });
            }
            (None, false) => {}
        }
        previous = Some(observation);
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
                basis: Basis::Recorded,
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
                (event.event.effective, Basis::Recorded),
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
    (date, basis, note): (Date, Basis, Option<String>),
    source: &str,
    kind: &str,
) {
    steps.push(Dated {
        date,
        order: (0, 0),
        step: Step::Listed { entity: Box::new(entity.clone()), basis, note },
        event: TimelineEvent { date, kind: kind.to_string(), basis, source: source.to_string() },
    });
    push_regime_milestones(steps, record, regimes, entity, (date, basis), source, 0);
}

fn push_regime_milestones(
    steps: &mut Vec<Dated>,
    record: &Record,
    regimes: &Regimes,
    entity: &Entity,
    (listed, listed_basis): (Date, Basis),
    source: &str,
    order: u64,
) {
    for regime in regimes.for_entity(&record.list, &entity.programs) {
        let (effective, divestment) = regime_dates(regime, Some(entity), listed);
        let rule = format!("{} ({})", regime.qualified_id(), regime.authority);
        let mut milestone = |(date, basis): (Date, Basis), kind: &str| {
            steps.push(Dated {
                date,
                order: (1, order),
                step: Step::Milestone,
                event: TimelineEvent {
                    date,
                    kind: kind.to_string(),
                    basis,
                    source: format!("{rule}; listing: {source}"),
                },
            });
        };
        match regime.kind {
            RegimeKind::Blocking => milestone((listed, listed_basis), "blocked"),
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
/// The answer uses only list versions published and events known by `known_on` (when given),
/// and only steps dated on or before `as_of`; the restrictions of a `pending` listing show the
/// days they will start. It rests on the version of the list in force on `as_of` (the latest
/// published on or before it), or on a later version's own designation date: with neither, the
/// state is `unknown`, never `not-listed`.
pub fn status(record: &Record, question: Question, regimes: &Regimes) -> Status {
    let record = known_on(record, question.known_on);
    let in_force = record.versions.iter().rev().find(|v| v.published <= question.as_of).copied();
    let name = record
        .observations
        .iter()
        .rev()
        .find_map(|o| o.entity.as_ref())
        .map(|e| e.primary_name().to_string())
        .unwrap_or_default();
    let mut listing: Option<(Entity, Date, Basis, Option<String>)> = None;
    let mut removed: Option<Date> = None;
    let mut suspension: Option<(Vec<String>, String, Date)> = None;
    let mut chain = Vec::new();
    for dated in steps(&record, regimes).into_iter().filter(|d| d.date <= question.as_of) {
        match dated.step {
            Step::Listed { entity, basis, note } => {
                listing = Some((*entity, dated.date, basis, note));
                removed = None;
                suspension = None;
            }
            Step::Amended { entity } => {
                if let Some((current, _, _, _)) = listing.as_mut() {
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
                        listing = Some((entity, dated.date, Basis::Recorded, None));
                        removed = None;
                        suspension = None;
                    }
                }
                EventKind::Note => {}
            },
        }
        chain.push(dated.event);
    }

    let Some((entity, listed, listed_basis, listed_note)) = listing else {
        let mut answer = match in_force {
            Some(_) => Status::unlisted(&record, name, State::NotListed, Vec::new(), None, chain),
            None => {
                let mut answer =
                    Status::unlisted(&record, name, State::Unknown, Vec::new(), None, chain);
                answer.reason = Some(unknown_reason(&record, question));
                answer
            }
        };
        answer.in_force = in_force;
        return answer;
    };
    let applicable = regimes.for_entity(&record.list, &entity.programs);
    let rules: Vec<String> = applicable.iter().map(|r| r.qualified_id()).collect();
    if let Some(removed_on) = removed {
        let mut answer =
            Status::unlisted(&record, name, State::Removed, rules, Some(removed_on), chain);
        answer.in_force = in_force;
        return answer;
    }
    let mut restrictions = Vec::new();
    let mut pending = true;
    for regime in &applicable {
        let ((effective, effective_basis), divestment) =
            regime_dates(regime, Some(&entity), listed);
        let rule = regime.qualified_id();
        match regime.kind {
            RegimeKind::Blocking => {
                pending = false;
                restrictions.push(Restriction {
                    kind: "blocked".to_string(),
                    since: listed,
                    until: None,
                    rule,
                    basis: listed_basis,
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
                    basis: effective_basis,
                });
                if let Some((divestment, _)) = divestment.filter(|(d, _)| question.as_of < *d) {
                    let (since, basis) = if question.as_of >= effective {
                        (effective, effective_basis)
                    } else {
                        (listed, listed_basis)
                    };
                    restrictions.push(Restriction {
                        kind: "divestment-allowed-until".to_string(),
                        since,
                        until: Some(divestment),
                        rule,
                        basis,
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
                        basis: effective_basis,
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
        listed_basis: Some(listed_basis),
        listed_note,
        in_force,
        reason: None,
        suspended_by,
        suspended_since,
        removed_on: None,
        events: chain,
    }
}

/// Why nothing answers a question about `record`'s list (the record already cut to what was
/// known).
fn unknown_reason(record: &Record, question: Question) -> String {
    let known = question.known_on.map(|k| format!(" and known by {k}")).unwrap_or_default();
    match record.versions.first() {
        None => format!(
            "no version of {} published on or before {}{known}",
            record.list, question.as_of
        ),
        Some(first) => format!(
            "no version of {} published on or before {}{known} (its first is version {} of {})",
            record.list, question.as_of, first.version, first.published
        ),
    }
}

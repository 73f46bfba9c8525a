//! `GET /ui/entities/{id}?as_of=&known_on=`: one entity with every field and its source version,
//! its timeline drawn as bands (one per list the party is on: the entity itself and the entries
//! of other lists tied to it by a strong identifier or a shared name, as `status` groups them),
//! every dated step with its basis and source, the legal events with their citations, and the
//! answer to "status on a day, known on a day".

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};

use listwatch_core::catalog::record;
use listwatch_model::{Date, Entity};
use listwatch_status::{Question, State as Standing, known_on, timeline};

use super::session::Session;
use super::timeline::{Picture, draw};
use super::{Chrome, Failure, PageResult, blocking, form_date, render};
use crate::server::params::Params;
use crate::server::state::AppState;

/// A field of the entity: its name, its values, and the version that first published them.
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) key: &'static str,
    pub(crate) values: Vec<String>,
    pub(crate) since: String,
}

/// One step of a timeline, as the table under the picture lists it.
pub(crate) struct Step {
    pub(crate) entity_id: String,
    pub(crate) date: Date,
    pub(crate) kind: String,
    pub(crate) basis: &'static str,
    pub(crate) source: String,
}

/// The answer about one list on the day asked.
pub(crate) struct Answer {
    pub(crate) entity_id: String,
    pub(crate) state: &'static str,
    pub(crate) summary: String,
    pub(crate) in_force: String,
}

/// A recorded legal event.
pub(crate) struct EventRow {
    pub(crate) id: u64,
    pub(crate) entity_id: String,
    pub(crate) kind: String,
    pub(crate) date: Date,
    pub(crate) effective: Date,
    pub(crate) citation: String,
    pub(crate) url: Option<String>,
    pub(crate) known: String,
    pub(crate) author: String,
}

#[derive(Template)]
#[template(path = "entity.html")]
struct EntityPage {
    chrome: Chrome,
    entity_id: String,
    name: String,
    schema: &'static str,
    source: String,
    current: bool,
    fields: Vec<Field>,
    picture: Picture,
    steps: Vec<Step>,
    events: Vec<EventRow>,
    as_of: String,
    known_on: String,
    answers: Vec<Answer>,
    overall: Option<&'static str>,
    related: Vec<String>,
}

/// Says for each field the version since which it has its value: the first of the observations
/// from which on the field never changed (observations oldest first; a removal is skipped).
fn date_fields(fields: &mut [Field], list: &str, observations: &[listwatch_status::Observation]) {
    let seen: Vec<(u32, Date, serde_json::Value)> = observations
        .iter()
        .filter_map(|o| {
            let entity = o.entity.as_ref()?;
            Some((o.version, o.published, serde_json::to_value(entity).ok()?))
        })
        .collect();
    for field in fields {
        let Some((last_version, last_day, last)) = seen.last() else { continue };
        let mut since = (*last_version, *last_day);
        for (version, day, value) in seen.iter().rev() {
            if value.get(field.key) != last.get(field.key) {
                break;
            }
            since = (*version, *day);
        }
        field.since = format!("{list} version {} ({})", since.0, since.1);
    }
}

fn fields(entity: &Entity) -> Vec<Field> {
    let mut fields = vec![
        Field {
            name: "Names",
            key: "names",
            since: String::new(),
            values: entity.names.iter().map(|n| format!("{} ({:?})", n.value, n.kind)).collect(),
        },
        Field {
            name: "Programs",
            key: "programs",
            since: String::new(),
            values: entity.programs.clone(),
        },
        Field {
            name: "Identifiers",
            key: "identifiers",
            since: String::new(),
            values: entity
                .identifiers
                .iter()
                .map(|i| {
                    let mut text = format!("{}: {}", i.label, i.value);
                    if let Some(country) = &i.country {
                        text.push_str(&format!(" ({country})"));
                    }
                    text
                })
                .collect(),
        },
        Field {
            name: "List dates",
            key: "list_dates",
            since: String::new(),
            values: entity
                .list_dates
                .iter()
                .map(|d| {
                    let kind = serde_json::to_value(d.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default();
                    format!("{kind}: {} ({})", d.date, d.scope)
                })
                .collect(),
        },
        Field {
            name: "Birth dates",
            key: "birth_dates",
            since: String::new(),
            values: entity.birth_dates.iter().map(|d| d.to_string()).collect(),
        },
        Field {
            name: "Birth places",
            key: "birth_places",
            since: String::new(),
            values: entity.birth_places.clone(),
        },
        Field {
            name: "Nationalities",
            key: "nationalities",
            since: String::new(),
            values: entity.nationalities.clone(),
        },
        Field {
            name: "Citizenships",
            key: "citizenships",
            since: String::new(),
            values: entity.citizenships.clone(),
        },
        Field {
            name: "Addresses",
            key: "addresses",
            since: String::new(),
            values: entity.addresses.iter().map(|a| a.one_line()).collect(),
        },
        Field {
            name: "Links",
            key: "links",
            since: String::new(),
            values: entity.links.iter().map(|l| format!("{}: {}", l.relation, l.name)).collect(),
        },
        Field {
            name: "Attributes",
            key: "attributes",
            since: String::new(),
            values: entity.attributes.iter().map(|a| format!("{}: {}", a.label, a.value)).collect(),
        },
        Field {
            name: "Other remarks",
            key: "untyped_remarks",
            since: String::new(),
            values: entity.untyped_remarks.clone(),
        },
        Field {
            name: "Remarks",
            key: "remarks",
            since: String::new(),
            values: entity.remarks.iter().cloned().collect(),
        },
    ];
    if let Some(title) = &entity.title {
        fields.insert(
            1,
            Field {
                name: "Title",
                key: "title",
                since: String::new(),
                values: vec![title.clone()],
            },
        );
    }
    fields.retain(|f| !f.values.is_empty());
    fields
}

pub(crate) async fn page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
    params: Params,
) -> PageResult {
    let as_of = form_date("status on", params.get("as_of"))?;
    let known = form_date("known on", params.get("known_on"))?;
    let snapshot = state.snapshot();
    let chrome = Chrome::new(&session, "entity");
    let caller = session.caller.clone();
    let page = blocking(move || {
        let catalog = &snapshot.catalog;
        let entry = catalog.get(&id).ok_or_else(|| {
            Failure::not_found(format!(
                "No entity {} in the store.",
                crate::server::params::excerpt(&id)
            ))
        })?;
        let entity_id = entry.entity_id();
        // The content shown is that of the last live version that held the entity.
        let source = match catalog.seen(entry).last {
            Some(v) => format!("{} version {} (published {})", entry.list, v.version, v.published),
            None => format!("{} version {}", entry.list, entry.last_version),
        };
        // The entries of other lists that are the same party, as `status` groups them.
        let mut candidates = vec![entity_id.clone()];
        let mut probes: Vec<String> = entry
            .entity
            .identifiers
            .iter()
            .filter(|i| i.kind == listwatch_model::IdKind::Isin)
            .map(|i| i.value.clone())
            .collect();
        probes.push(entry.entity.primary_name().to_string());
        for probe in &probes {
            for idx in catalog.resolve(probe).0 {
                let other = catalog.entries[idx].entity_id();
                if !candidates.contains(&other) {
                    candidates.push(other);
                }
            }
        }
        let related: Vec<String> = listwatch_core::status::groups(catalog, &candidates)
            .into_iter()
            .find(|g| g.members.contains(&entity_id))
            .map(|g| g.members.into_iter().filter(|m| *m != entity_id).collect())
            .unwrap_or_default();
        let mut fields_shown = fields(&entry.entity);
        let mut records = Vec::new();
        let mut steps = Vec::new();
        for member in std::iter::once(&entity_id).chain(&related) {
            let full = record(snapshot.store(), member)?;
            if *member == entity_id {
                date_fields(&mut fields_shown, entry.list.as_str(), &full.observations);
            }
            let seen = known_on(&full, known);
            let member_steps = timeline(&seen, &snapshot.regimes);
            steps.extend(member_steps.iter().map(|s| Step {
                entity_id: member.clone(),
                date: s.date,
                kind: s.kind.clone(),
                basis: s.basis.as_str(),
                source: s.source.clone(),
            }));
            let label =
                member.split_once(':').map_or(member.as_str(), |(list, _)| list).to_string();
            records.push((label, seen, member_steps));
        }
        steps.sort_by_key(|s| s.date);
        let picture = draw(&records, &snapshot.regimes, known, as_of);
        let mut events = Vec::new();
        for member in std::iter::once(&entity_id).chain(&related) {
            for e in snapshot.store().events(Some(member)).map_err(Failure::internal)? {
                events.push(EventRow {
                    id: e.id,
                    entity_id: e.event.entity.clone(),
                    kind: e.event.kind.to_string(),
                    date: e.event.date,
                    effective: e.event.effective,
                    citation: e.event.citation.clone(),
                    url: e
                        .event
                        .url
                        .clone()
                        .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
                    known: e.known_on().map(|d| d.to_string()).unwrap_or_default(),
                    author: e.event.author.clone(),
                });
            }
        }
        let mut answers = Vec::new();
        let mut overall = None;
        if let Some(as_of) = as_of {
            let question = Question { as_of, known_on: known };
            let mut states = Vec::new();
            let mut audit = Vec::new();
            for member in std::iter::once(&entity_id).chain(&related) {
                let answer = snapshot.status(member, question)?;
                audit.push(crate::audit::status_record(
                    &caller,
                    "GET /ui/entities",
                    member,
                    question,
                    &answer,
                ));
                for m in &answer.matches {
                    states.push(m.status.state);
                    answers.push(Answer {
                        entity_id: m.entity_id.clone(),
                        state: m.status.state.as_str(),
                        summary: crate::cli::demo::summary(&m.status),
                        in_force: m
                            .status
                            .in_force
                            .as_ref()
                            .map(|v| format!("version {} (published {})", v.version, v.published))
                            .unwrap_or_else(|| "none".to_string()),
                    });
                }
                if answer.matches.is_empty() {
                    states.push(answer.overall.state);
                    answers.push(Answer {
                        entity_id: member.clone(),
                        state: answer.overall.state.as_str(),
                        summary: answer.overall.reason.clone(),
                        in_force: "none".to_string(),
                    });
                }
            }
            state.record(&audit).map_err(Failure::from)?;
            overall = Standing::combine(states).map(Standing::as_str);
        }
        Ok(EntityPage {
            chrome,
            entity_id,
            name: entry.entity.primary_name().to_string(),
            schema: entry.entity.schema.as_str(),
            source,
            current: entry.current,
            fields: fields_shown,
            picture,
            steps,
            events,
            as_of: as_of.map(|d| d.to_string()).unwrap_or_default(),
            known_on: known.map(|d| d.to_string()).unwrap_or_default(),
            answers,
            overall,
            related,
        })
    })
    .await?;
    render(&page)
}

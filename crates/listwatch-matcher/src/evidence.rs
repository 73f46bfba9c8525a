//! Evidence besides names: identifiers, schema, birth dates, countries and gender.

use listwatch_model::{
    DateSpec, Entity, Gender, IdKind, Schema, country_code, normalize_identifier,
    validate_identifier,
};

use crate::config::MatcherConfig;
use crate::query::Query;
use crate::result::{Feature, FeatureKind};

/// The attributes of one party (a listed entity or a query), normalized for comparison.
#[derive(Clone, Debug, Default)]
pub(crate) struct Party {
    pub(crate) schema: Option<Schema>,
    pub(crate) birth_dates: Vec<DateSpec>,
    /// ISO codes, sorted and deduplicated.
    pub(crate) countries: Vec<&'static str>,
    pub(crate) gender: Option<Gender>,
    pub(crate) identifiers: Vec<PartyId>,
}

/// A normalized identifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PartyId {
    pub(crate) kind: IdKind,
    pub(crate) normalized: Box<str>,
    pub(crate) country: Option<&'static str>,
}

/// Identifiers that identify one party by themselves. A vessel's radio call sign is one (ITU
/// assigns each to one station at a time, and the lists give it as the vessel's identifier, as
/// they give its MMSI), since matcher version 10.
pub(crate) fn is_strong(kind: IdKind) -> bool {
    !matches!(
        kind,
        IdKind::Email | IdKind::Website | IdKind::Phone | IdKind::EquityTicker | IdKind::Other
    )
}

/// Kinds that lists and callers confuse are compared as one group: a "passport" query finds a
/// diplomatic passport, and a USCC, a tax id and a registration number are often the same code.
pub(crate) fn id_group(kind: IdKind) -> IdKind {
    match kind {
        IdKind::DiplomaticPassport => IdKind::Passport,
        IdKind::Ssn => IdKind::NationalId,
        IdKind::TaxId | IdKind::Uscc => IdKind::RegistrationNumber,
        other => other,
    }
}

/// Groups whose numbers are only unique within the issuing country.
fn needs_country(group: IdKind) -> bool {
    matches!(
        group,
        IdKind::Passport | IdKind::NationalId | IdKind::RegistrationNumber | IdKind::DriversLicense
    )
}

/// Groups of which a party has one value: a different value is evidence against.
fn is_unique(group: IdKind) -> bool {
    matches!(group, IdKind::Imo | IdKind::Mmsi)
}

/// Identifiers shorter than this are not compared: "1", "123" say nothing.
const MIN_ID_LEN: usize = 4;

/// The code of a country written as a code or a name; for an address or place of birth, the
/// last comma-separated part.
pub(crate) fn code_of(text: &str) -> Option<&'static str> {
    country_code(text).or_else(|| text.rsplit(',').next().and_then(country_code))
}

impl Party {
    /// The party of a listed entity.
    pub(crate) fn of_entity(entity: &Entity) -> Party {
        let mut countries: Vec<&'static str> = entity
            .nationalities
            .iter()
            .chain(&entity.citizenships)
            .filter_map(|c| code_of(c))
            .chain(entity.addresses.iter().filter_map(|a| a.country.as_deref().and_then(code_of)))
            .chain(entity.birth_places.iter().filter_map(|p| code_of(p)))
            .chain(
                entity.identifiers.iter().filter_map(|id| id.country.as_deref().and_then(code_of)),
            )
            .chain(entity.vessel.iter().filter_map(|v| v.flag.as_deref().and_then(code_of)))
            .collect();
        countries.sort_unstable();
        countries.dedup();
        let mut identifiers: Vec<PartyId> = entity
            .identifiers
            .iter()
            .filter_map(|id| {
                let normalized = normalize_identifier(id.kind, &id.value);
                (normalized.len() >= MIN_ID_LEN).then(|| PartyId {
                    kind: id.kind,
                    normalized: normalized.into(),
                    country: id.country.as_deref().and_then(code_of),
                })
            })
            .collect();
        identifiers.dedup();
        Party {
            schema: Some(entity.schema),
            birth_dates: entity.birth_dates.clone(),
            countries,
            gender: entity.gender,
            identifiers,
        }
    }

    /// The party of a query, and a feature for each identifier that fails validation (those
    /// are left out).
    pub(crate) fn of_query(query: &Query) -> (Party, Vec<Feature>) {
        let mut invalid = Vec::new();
        let mut countries: Vec<&'static str> =
            query.countries.iter().filter_map(|c| code_of(c)).collect();
        countries.sort_unstable();
        countries.dedup();
        let mut identifiers = Vec::new();
        for id in &query.identifiers {
            let normalized = normalize_identifier(id.kind, &id.value);
            // A value that fails its check is still compared, since lists publish such values
            // too (IMO company numbers have no check digit; lists have typos); the explanation
            // says that the check failed.
            if let Err(why) = validate_identifier(id.kind, &normalized) {
                invalid.push(Feature {
                    feature: FeatureKind::InvalidIdentifier,
                    detail: why.to_string(),
                    contribution: 0.0,
                });
            }
            if normalized.len() < MIN_ID_LEN {
                invalid.push(Feature {
                    feature: FeatureKind::InvalidIdentifier,
                    detail: format!(
                        "{} {normalized:?} is too short to identify anyone",
                        id.kind.as_str()
                    ),
                    contribution: 0.0,
                });
                continue;
            }
            identifiers.push(PartyId {
                kind: id.kind,
                normalized: normalized.into(),
                country: id.country.as_deref().and_then(code_of),
            });
        }
        let party = Party {
            schema: query.schema,
            birth_dates: query.birth_date.into_iter().collect(),
            countries,
            gender: query.gender,
            identifiers,
        };
        (party, invalid)
    }
}

/// Whether two schemas can describe the same party.
pub(crate) fn schemas_compatible(a: Option<Schema>, b: Option<Schema>) -> bool {
    let (Some(a), Some(b)) = (a, b) else { return true };
    let class = |schema: Schema| match schema {
        Schema::Person => 0,
        Schema::Vessel => 1,
        Schema::Aircraft => 2,
        Schema::Organization | Schema::Company | Schema::Security => 3,
    };
    class(a) == class(b)
}

/// The evidence of `candidate` for `query`, besides names.
#[derive(Clone, Debug, Default)]
pub(crate) struct Evidence {
    /// A strong identifier is equal.
    pub(crate) identifier_hit: bool,
    /// The sum of the other contributions.
    pub(crate) adjustment: f64,
    /// What fired, when `explain` was asked for.
    pub(crate) features: Vec<Feature>,
}

/// The most [`compare`] can add (`Evidence::adjustment`) for `query`, whatever the candidate:
/// the largest contribution of each feature the query can fire, 0 for those it cannot.
///
/// In `compare`, each query identifier adds either the weak-identifier bonus (once in all) or
/// a conflict penalty, or nothing; birth dates add one of four values, countries one of two,
/// gender one; and a feature without its query attribute adds nothing. Each term below is at
/// least the corresponding sum in `compare`, so the total is too (a relative 1e-9 covers the
/// rounding of sums formed in another order).
pub(crate) fn max_adjustment(query: &Party, config: &MatcherConfig) -> f64 {
    let mut most = 0.0;
    if !query.identifiers.is_empty() {
        most += config.weak_identifier_bonus.max(0.0)
            + query.identifiers.len() as f64 * config.identifier_conflict_penalty.max(0.0);
    }
    if !query.birth_dates.is_empty() {
        most += config
            .birth_date_exact_bonus
            .max(config.birth_date_year_bonus)
            .max(config.birth_date_conflict_penalty)
            .max(0.0);
    }
    if !query.countries.is_empty() {
        most += config.country_bonus.max(config.country_conflict_penalty).max(0.0);
    }
    if query.gender.is_some() {
        most += config.gender_conflict_penalty.max(0.0);
    }
    most * (1.0 + 1e-9)
}

/// Compares two parties. With `explain`, describes each feature that fired.
pub(crate) fn compare(
    query: &Party,
    candidate: &Party,
    config: &MatcherConfig,
    explain: bool,
) -> Evidence {
    let mut evidence = Evidence::default();
    let add = |evidence: &mut Evidence,
               feature: FeatureKind,
               contribution: f64,
               detail: &dyn Fn() -> String| {
        evidence.adjustment += contribution;
        if explain {
            evidence.features.push(Feature { feature, detail: detail(), contribution });
        }
    };

    // Identifiers.
    let mut weak_hit = false;
    for q in &query.identifiers {
        let group = id_group(q.kind);
        let mut same_group = false;
        let mut hit = false;
        // An identifier of a type the caller did not name (`IdKind::Other`) is compared with
        // every identifier of the candidate, as untyped.
        let untyped = q.kind == IdKind::Other;
        for c in candidate.identifiers.iter().filter(|c| untyped || id_group(c.kind) == group) {
            same_group = true;
            if c.normalized != q.normalized {
                continue;
            }
            if needs_country(group)
                && let (Some(qc), Some(cc)) = (q.country, c.country)
                && qc != cc
            {
                continue;
            }
            hit = true;
            break;
        }
        if hit && is_strong(q.kind) {
            if !evidence.identifier_hit && explain {
                evidence.features.push(Feature {
                    feature: FeatureKind::Identifier,
                    detail: format!("{} {}", q.kind.as_str(), q.normalized),
                    contribution: config.identifier_score,
                });
            }
            evidence.identifier_hit = true;
        } else if hit && !weak_hit {
            weak_hit = true;
            add(&mut evidence, FeatureKind::WeakIdentifier, config.weak_identifier_bonus, &|| {
                format!("{} {}", q.kind.as_str(), q.normalized)
            });
        } else if !hit && same_group && is_unique(group) {
            add(
                &mut evidence,
                FeatureKind::Identifier,
                config.identifier_conflict_penalty,
                &|| format!("{} {} is not the listed one", q.kind.as_str(), q.normalized),
            );
        }
    }

    // Birth dates.
    if let (Some(q), false) = (query.birth_dates.first(), candidate.birth_dates.is_empty()) {
        let best = candidate.birth_dates.iter().map(|c| date_agreement(q, c)).max();
        let contribution = match best {
            Some(DateAgreement::Exact) => config.birth_date_exact_bonus,
            Some(DateAgreement::Year) => config.birth_date_year_bonus,
            Some(DateAgreement::Near) => 0.0,
            _ => config.birth_date_conflict_penalty,
        };
        add(&mut evidence, FeatureKind::BirthDate, contribution, &|| {
            let listed: Vec<String> = candidate.birth_dates.iter().map(|d| d.to_string()).collect();
            format!("{q} vs {}: {:?}", listed.join(", "), best.unwrap_or(DateAgreement::Conflict))
                .to_lowercase()
        });
    }

    // Countries.
    if !query.countries.is_empty() && !candidate.countries.is_empty() {
        let shared = query.countries.iter().find(|q| candidate.countries.contains(q));
        let contribution =
            if shared.is_some() { config.country_bonus } else { config.country_conflict_penalty };
        add(&mut evidence, FeatureKind::Country, contribution, &|| match shared {
            Some(code) => format!("{code} shared"),
            None => format!("{} vs {}", query.countries.join(","), candidate.countries.join(",")),
        });
    }

    // Gender.
    if let (Some(q), Some(c)) = (query.gender, candidate.gender)
        && q != c
    {
        add(&mut evidence, FeatureKind::Gender, config.gender_conflict_penalty, &|| {
            format!("{q:?} vs {c:?}").to_lowercase()
        });
    }
    evidence
}

/// How well two birth dates agree, worst first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum DateAgreement {
    /// Far apart.
    Conflict,
    /// A year apart, one digit different, or day and month swapped.
    Near,
    /// The same year, or one date falls within the other's range.
    Year,
    /// The same day.
    Exact,
}

/// Compares two birth dates.
pub(crate) fn date_agreement(a: &DateSpec, b: &DateSpec) -> DateAgreement {
    if let (Some(x), Some(y)) = (a.exact(), b.exact()) {
        if x == y {
            return DateAgreement::Exact;
        }
        if x.year() == y.year() {
            return DateAgreement::Year;
        }
        let (sx, sy) = (x.to_string(), y.to_string());
        let differing = sx.bytes().zip(sy.bytes()).filter(|(p, q)| p != q).count();
        let swapped = x.year() == y.year() && x.month() == y.day() && x.day() == y.month();
        if differing <= 1 || swapped || x.year().abs_diff(y.year()) <= 1 {
            return DateAgreement::Near;
        }
        return DateAgreement::Conflict;
    }
    // Ranges: circa widens by two years on each side.
    let widen = |spec: &DateSpec| -> (i64, i64) {
        let (first, last) = (spec.first_day().to_days(), spec.last_day().to_days());
        match spec {
            DateSpec::Circa(_) => (first - 730, last + 730),
            _ => (first, last),
        }
    };
    let (a0, a1) = widen(a);
    let (b0, b1) = widen(b);
    if a0 <= b1 && b0 <= a1 {
        return DateAgreement::Year;
    }
    let gap = (b0 - a1).max(a0 - b1);
    if gap <= 366 { DateAgreement::Near } else { DateAgreement::Conflict }
}

#[cfg(test)]
mod tests;

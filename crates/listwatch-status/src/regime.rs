//! Regimes: data that says how a program's listing becomes restrictions, and from when.

use serde::Deserialize;

/// How a listing restricts dealings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegimeKind {
    /// All dealings blocked from the listing date.
    Blocking,
    /// Purchases of securities prohibited from the effective date; sales only to divest, until the
    /// divestment date.
    Securities,
    /// Named restrictions from the effective date.
    Restrictions,
}

/// One regime.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regime {
    /// A short stable id (`cmic-eo14032`).
    pub id: String,
    /// What it is called.
    pub name: String,
    /// The legal authority, for citing.
    pub authority: String,
    /// The programs it covers; `*` covers any.
    pub programs: Vec<String>,
    /// The lists it applies to; empty means any.
    #[serde(default)]
    pub lists: Vec<String>,
    /// How it restricts.
    pub kind: RegimeKind,
    /// Days from listing to the effective date, when the list gives none.
    #[serde(default)]
    pub effective_after_days: i64,
    /// Days from listing to the end of the divestment window (securities regimes).
    #[serde(default)]
    pub divestment_after_days: Option<i64>,
    /// The restrictions of a `restrictions` regime.
    #[serde(default)]
    pub restrictions: Vec<String>,
    /// The scopes under which a list dates this regime's listings (`CMIC` for `Listing Date
    /// (CMIC)`), matched as case-insensitive prefixes. A list date under another scope (a
    /// directive's date on an SDN entry) does not date this regime's restrictions; without any,
    /// the regime's dates run from the day the listing was first seen.
    #[serde(default)]
    pub date_scopes: Vec<String>,
}

impl Regime {
    fn applies_to(&self, list: &str, program: &str) -> bool {
        (self.lists.is_empty() || self.lists.iter().any(|l| l == list))
            && self.programs.iter().any(|p| p == "*" || p.eq_ignore_ascii_case(program))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegimeFile {
    regime: Vec<Regime>,
}

/// An ordered set of regimes: the first that applies wins.
#[derive(Clone, Debug, PartialEq)]
pub struct Regimes {
    regimes: Vec<Regime>,
}

/// The built-in regimes, as data.
const BUILTIN: &str = include_str!("../data/regimes.toml");

impl Regimes {
    /// The regimes that ship with listwatch: the NS-CMIC and NS-CCMC securities rules, blocking
    /// for every SDN program, the non-SDN lists' rules, and a generic "listed" fallback.
    pub fn builtin() -> Regimes {
        // The built-in file is part of the source and parsed by a test, so it always parses.
        Regimes::from_toml(BUILTIN).unwrap_or(Regimes { regimes: Vec::new() })
    }

    /// Parses regimes from TOML: `[[regime]]` tables with `id`, `name`, `authority`,
    /// `programs`, optional `lists`, `kind` (`blocking`, `securities`, `restrictions`),
    /// `effective_after_days`, `divestment_after_days` and `restrictions`.
    pub fn from_toml(text: &str) -> Result<Regimes, String> {
        let file: RegimeFile = toml::from_str(text).map_err(|e| e.to_string())?;
        for regime in &file.regime {
            if regime.kind == RegimeKind::Securities && regime.divestment_after_days.is_none() {
                return Err(format!(
                    "regime {}: a securities regime needs divestment_after_days",
                    regime.id
                ));
            }
        }
        Ok(Regimes { regimes: file.regime })
    }

    /// These regimes tried before `fallback`'s.
    pub fn then(mut self, fallback: Regimes) -> Regimes {
        self.regimes.extend(fallback.regimes);
        self
    }

    /// The regime for one program of an entity on a list.
    pub fn for_program(&self, list: &str, program: &str) -> Option<&Regime> {
        self.regimes.iter().find(|regime| regime.applies_to(list, program))
    }

    /// The regimes that apply to an entity, one per distinct regime, in program order. An entity
    /// without programs gets the regime of the program `*`.
    pub fn for_entity(&self, list: &str, programs: &[String]) -> Vec<&Regime> {
        let mut found: Vec<&Regime> = Vec::new();
        let star = ["*".to_string()];
        let programs = if programs.is_empty() { &star[..] } else { programs };
        for program in programs {
            if let Some(regime) = self.for_program(list, program)
                && !found.iter().any(|r| r.id == regime.id)
            {
                found.push(regime);
            }
        }
        found
    }

    /// All regimes, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Regime> {
        self.regimes.iter()
    }

    /// Every restriction kind these regimes can impose, sorted: `blocked`,
    /// `purchase-prohibited`, `divestment-allowed-until`, and each `restrictions` regime's own.
    /// A legal event's scope names some of them.
    pub fn restriction_kinds(&self) -> Vec<String> {
        let mut kinds: Vec<String> = Vec::new();
        for regime in &self.regimes {
            match regime.kind {
                RegimeKind::Blocking => kinds.push("blocked".to_string()),
                RegimeKind::Securities => {
                    kinds.push("purchase-prohibited".to_string());
                    kinds.push("divestment-allowed-until".to_string());
                }
                RegimeKind::Restrictions => kinds.extend(regime.restrictions.iter().cloned()),
            }
        }
        kinds.sort();
        kinds.dedup();
        kinds
    }
}

//! Regimes: data that says how a program's listing becomes restrictions, and from when.

use serde::Deserialize;

use crate::error::{Error, Result};

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
    /// A short stable id (`cmic-eo14032`): letters, digits, `-`, `_` and `.`. A user's regime
    /// cannot reuse a built-in id; answers name it `user:<id>` ([`Regime::qualified_id`]).
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
    /// Where it comes from: built in, or a user's file.
    #[serde(skip)]
    pub origin: Origin,
}

/// Where a regime comes from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Origin {
    /// Shipped with listwatch (`data/regimes.toml`).
    #[default]
    Builtin,
    /// A user's regimes file, by the name it was given.
    User {
        /// The file, as named on the command line or in `$LISTWATCH_REGIMES`.
        file: String,
    },
}

/// The most days a regime may count from a listing: a hundred years.
pub const MAX_DAYS: i64 = 36_500;

/// A list as a regime sees it: one by name, or any list no regime names.
#[derive(Clone, Copy, Debug)]
enum ListRef<'a> {
    Named(&'a str),
    Other,
}

impl Regime {
    /// The id an answer names the regime by: the built-in id, or `user:<id>` for a regime from
    /// a user's file, so that every answer says when a user's rule decided it.
    pub fn qualified_id(&self) -> String {
        match self.origin {
            Origin::Builtin => self.id.clone(),
            Origin::User { .. } => format!("user:{}", self.id),
        }
    }

    /// Whether it ships with listwatch.
    pub fn is_builtin(&self) -> bool {
        self.origin == Origin::Builtin
    }

    fn covers_list(&self, list: ListRef<'_>) -> bool {
        match list {
            ListRef::Named(list) => self.lists.is_empty() || self.lists.iter().any(|l| l == list),
            ListRef::Other => self.lists.is_empty(),
        }
    }

    /// Whether it names `program` itself (not through `*`).
    fn names_program(&self, program: &str) -> bool {
        self.programs.iter().any(|p| p != "*" && p.eq_ignore_ascii_case(program))
    }

    fn applies_to(&self, list: ListRef<'_>, program: &str) -> bool {
        self.covers_list(list)
            && self.programs.iter().any(|p| p == "*" || p.eq_ignore_ascii_case(program))
    }

    /// Whether a built-in regime is specific to `program` where it applies: it names the program
    /// or the lists it covers. Only the generic fallback (any program on any list) is not.
    fn is_specific(&self, program: &str) -> bool {
        self.names_program(program) || !self.lists.is_empty()
    }

    /// Checks the numbers and names of a regime, the `ordinal`-th of its file.
    fn validate(&self, ordinal: usize) -> Result<()> {
        let valid_id = !self.id.is_empty()
            && self.id.len() <= 64
            && self.id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid_id {
            return Err(Error::new(format!(
                "regime {ordinal}: an id is 1 to 64 letters, digits, '-', '_' or '.'"
            )));
        }
        let id = &self.id;
        if self.programs.is_empty() {
            return Err(Error::new(format!(
                "regime {id}: programs is empty; name the programs it covers, or \"*\""
            )));
        }
        let days = [
            ("effective_after_days", Some(self.effective_after_days)),
            ("divestment_after_days", self.divestment_after_days),
        ];
        for (field, value) in days {
            if let Some(value) = value
                && !(0..=MAX_DAYS).contains(&value)
            {
                return Err(Error::new(format!(
                    "regime {id}: {field} is {value}; a day count runs from 0 to {MAX_DAYS}"
                )));
            }
        }
        match self.kind {
            RegimeKind::Securities => match self.divestment_after_days {
                None => {
                    return Err(Error::new(format!(
                        "regime {id}: a securities regime needs divestment_after_days"
                    )));
                }
                Some(divestment) if divestment < self.effective_after_days => {
                    return Err(Error::new(format!(
                        "regime {id}: divestment_after_days ({divestment}) is before \
                         effective_after_days ({}); the divestment window cannot close before \
                         purchases are prohibited",
                        self.effective_after_days
                    )));
                }
                Some(_) => {}
            },
            RegimeKind::Restrictions if self.restrictions.is_empty() => {
                return Err(Error::new(format!(
                    "regime {id}: a restrictions regime needs restrictions (their names)"
                )));
            }
            _ => {}
        }
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegimeFile {
    regime: Vec<Regime>,
}

/// An ordered set of regimes, built-in and a user's.
///
/// For a program of an entity on a list, a user's regime that names the program (and the list, if
/// it names lists) wins, and overrides the built-in regime that would apply ([`Regimes::notes`]
/// says which). Otherwise a built-in regime specific to the program or the list applies (the
/// first, in file order). A user's regime for every program (`*`) applies only where no built-in
/// one is specific, so it can never replace SDN blocking, which covers every program of
/// `ofac-sdn`; it replaces only the generic fallback, `listed`.
#[derive(Clone, Debug, PartialEq)]
pub struct Regimes {
    regimes: Vec<Regime>,
}

/// The built-in regimes, as data.
const BUILTIN: &str = include_str!("../data/regimes.toml");

/// The regime chosen for a program, and the built-in one it overrides.
struct Resolved<'a> {
    regime: &'a Regime,
    overrides: Option<&'a Regime>,
}

impl Regimes {
    /// The regimes that ship with listwatch: the NS-CMIC and NS-CCMC securities rules, blocking
    /// for every SDN program, the non-SDN lists' rules, and a generic "listed" fallback.
    pub fn builtin() -> Regimes {
        // The built-in file is part of the source and parsed by a test, so it always parses.
        let regimes = parse(BUILTIN, &Origin::Builtin).unwrap_or_default();
        Regimes { regimes }
    }

    /// Parses a user's regimes from TOML, as [`Regimes::from_file`] does, naming the file
    /// "the regimes file".
    pub fn from_toml(text: &str) -> Result<Regimes> {
        Regimes::from_file(text, "the regimes file")
    }

    /// Parses a user's regimes from the TOML text of `file`: `[[regime]]` tables with `id`,
    /// `name`, `authority`, `programs`, optional `lists`, `kind` (`blocking`, `securities`,
    /// `restrictions`), `effective_after_days`, `divestment_after_days` and `restrictions`.
    ///
    /// An id is unique and is not a built-in one; day counts run from 0 to [`MAX_DAYS`]; a
    /// securities regime's divestment comes no earlier than its effective date. A parse error
    /// gives the line and column and what is wrong, never the text found there.
    pub fn from_file(text: &str, file: &str) -> Result<Regimes> {
        let regimes = parse(text, &Origin::User { file: file.to_string() })?;
        let builtin = Regimes::builtin();
        if let Some(regime) = regimes.iter().find(|r| builtin.regimes.iter().any(|b| b.id == r.id))
        {
            return Err(Error::new(format!(
                "regime {}: the id is a built-in regime's; give your regime an id of its own \
                 (to change what the built-in one does for a program, name that program in \
                 your regime)",
                regime.id
            )));
        }
        Ok(Regimes { regimes })
    }

    /// These regimes tried before `fallback`'s.
    pub fn then(mut self, fallback: Regimes) -> Regimes {
        self.regimes.extend(fallback.regimes);
        self
    }

    fn builtins(&self) -> impl Iterator<Item = &Regime> {
        self.regimes.iter().filter(|r| r.is_builtin())
    }

    fn users(&self) -> impl Iterator<Item = &Regime> {
        self.regimes.iter().filter(|r| !r.is_builtin())
    }

    fn resolve(&self, list: ListRef<'_>, program: &str) -> Option<Resolved<'_>> {
        let builtin = self.builtins().find(|r| r.applies_to(list, program));
        let specific = builtin.filter(|r| r.is_specific(program));
        if let Some(regime) = self.users().find(|r| r.names_program(program) && r.covers_list(list))
        {
            return Some(Resolved { regime, overrides: specific });
        }
        if let Some(regime) = specific {
            return Some(Resolved { regime, overrides: None });
        }
        self.users()
            .find(|r| r.applies_to(list, program))
            .or(builtin)
            .map(|regime| Resolved { regime, overrides: None })
    }

    /// The regime for one program of an entity on a list.
    pub fn for_program(&self, list: &str, program: &str) -> Option<&Regime> {
        self.resolve(ListRef::Named(list), program).map(|r| r.regime)
    }

    /// The regimes that apply to an entity, one per distinct regime, in program order. An entity
    /// without programs gets the regime of the program `*`.
    pub fn for_entity(&self, list: &str, programs: &[String]) -> Vec<&Regime> {
        let mut found: Vec<&Regime> = Vec::new();
        let star = ["*".to_string()];
        let programs = if programs.is_empty() { &star[..] } else { programs };
        for program in programs {
            if let Some(regime) = self.for_program(list, program)
                && !found.iter().any(|r| std::ptr::eq(*r, regime))
            {
                found.push(regime);
            }
        }
        found
    }

    /// What a user's regimes change, in words, one line each: every built-in regime a user's
    /// regime overrides, per program (`regime X (from FILE) overrides built-in Y for program
    /// P`), and every list a user's `*` regime names where a built-in regime covers every
    /// program (so the user's regime does not apply there). Empty for the built-in regimes.
    pub fn notes(&self) -> Vec<String> {
        let mut named: Vec<&str> = Vec::new();
        for regime in self.builtins() {
            for list in &regime.lists {
                if !named.contains(&list.as_str()) {
                    named.push(list);
                }
            }
        }
        let mut notes: Vec<String> = Vec::new();
        for user in self.users() {
            let Origin::User { file } = &user.origin else { continue };
            let lists: Vec<ListRef<'_>> = if user.lists.is_empty() {
                named.iter().map(|l| ListRef::Named(l)).chain([ListRef::Other]).collect()
            } else {
                user.lists.iter().map(|l| ListRef::Named(l)).collect()
            };
            for program in &user.programs {
                if program == "*" {
                    for list in &user.lists {
                        let shadow = self.builtins().find(|b| {
                            b.covers_list(ListRef::Named(list))
                                && b.programs.iter().any(|p| p == "*")
                                && !b.lists.is_empty()
                        });
                        if let Some(builtin) = shadow {
                            notes.push(format!(
                                "regime {} (from {file}) names every program (\"*\") on {list}, \
                                 where built-in {} covers every program: it applies there only \
                                 to the programs it names",
                                user.id, builtin.id
                            ));
                        }
                    }
                    continue;
                }
                for list in &lists {
                    let Some(resolved) = self.resolve(*list, program) else { continue };
                    if let (true, Some(builtin)) =
                        (std::ptr::eq(resolved.regime, user), resolved.overrides)
                    {
                        notes.push(format!(
                            "regime {} (from {file}) overrides built-in {} for program {program}",
                            user.id, builtin.id
                        ));
                    }
                }
            }
        }
        let mut seen = Vec::new();
        notes.retain(|note| {
            let fresh = !seen.contains(note);
            seen.push(note.clone());
            fresh
        });
        notes
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

/// Parses and checks the regimes of one file.
fn parse(text: &str, origin: &Origin) -> Result<Vec<Regime>> {
    let file: RegimeFile = toml::from_str(text).map_err(|e| parse_error(text, &e))?;
    let mut regimes = file.regime;
    for (index, regime) in regimes.iter_mut().enumerate() {
        regime.validate(index + 1)?;
        regime.origin = origin.clone();
    }
    for (index, regime) in regimes.iter().enumerate() {
        if regimes[..index].iter().any(|r| r.id == regime.id) {
            return Err(Error::new(format!(
                "regime {}: the id is used twice; each regime needs an id of its own",
                regime.id
            )));
        }
    }
    Ok(regimes)
}

/// A TOML error as a position and the kind of problem, without the text found there.
fn parse_error(text: &str, error: &toml::de::Error) -> Error {
    let position = error.span().map(|span| line_column(text, span.start));
    Error::at(position, format!("not a valid regimes file: {}", redact(error.message())))
}

/// The line and column (from 1; the column in characters) of byte `offset` of `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The words a parser's message may quote: the keys and kinds of a regimes file.
const KNOWN_WORDS: [&str; 14] = [
    "regime",
    "id",
    "name",
    "authority",
    "programs",
    "lists",
    "kind",
    "effective_after_days",
    "divestment_after_days",
    "restrictions",
    "date_scopes",
    "blocking",
    "securities",
    "newline",
];

/// A parser's message without the file's content: quoted text is kept only when it is punctuation
/// (an expected token such as `=`) or a key or kind of a regimes file; anything else (a value or
/// an unknown key found in the file) becomes "(value)".
pub(crate) fn redact(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message.lines().next().unwrap_or_default();
    while let Some(open) = rest.find(['"', '`']) {
        let quote = rest[open..].chars().next().unwrap_or('"');
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find(quote) else {
            rest = "";
            break;
        };
        let inner = &after[..close];
        let known = KNOWN_WORDS.contains(&inner)
            || (!inner.is_empty()
                && inner.len() <= 3
                && inner.chars().all(|c| c.is_ascii_punctuation() && c != '"'));
        if quote == '`' && known {
            out.push('`');
            out.push_str(inner);
            out.push('`');
        } else {
            out.push_str("(value)");
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out.chars().filter(|c| !c.is_control()).collect()
}

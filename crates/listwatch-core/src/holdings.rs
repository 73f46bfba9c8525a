//! Holdings verdicts: what a securities holding (ISIN, ticker, issuer) is as of a day, from the
//! statuses of the listed entities it points at.

use std::collections::HashMap;

use listwatch_model::{Date, IdKind, normalize_identifier, validate_identifier};
use listwatch_status::{Question, Regimes, State, Status, status};
use listwatch_store::Store;

use crate::Result;
use crate::catalog::{Catalog, Consultation, record};

/// The verdict on one holding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Blocked: every dealing is prohibited.
    Blocked,
    /// Purchases are prohibited (divestment may be allowed until a day).
    Prohibited,
    /// Restrictions are held by a court or an agency.
    Suspended,
    /// Listed, with restrictions that take effect later.
    Pending,
    /// A person must look: a restriction that depends on the instrument, or a match by name only.
    Review,
    /// The lists cannot say: a list had no version in force, or the entity's list cannot answer.
    Unknown,
    /// The row cannot be read or checked.
    Invalid,
    /// No list consulted restricts it.
    Clear,
}

impl Verdict {
    /// Every verdict, the most severe first.
    pub const ALL: [Verdict; 8] = [
        Verdict::Blocked,
        Verdict::Prohibited,
        Verdict::Suspended,
        Verdict::Pending,
        Verdict::Review,
        Verdict::Unknown,
        Verdict::Invalid,
        Verdict::Clear,
    ];

    /// The verdict named `s` (any case).
    pub fn parse(s: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == s.trim().to_ascii_lowercase())
    }

    /// Its name, lowercase.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Blocked => "blocked",
            Verdict::Prohibited => "prohibited",
            Verdict::Suspended => "suspended",
            Verdict::Pending => "pending",
            Verdict::Review => "review",
            Verdict::Unknown => "unknown",
            Verdict::Invalid => "invalid",
            Verdict::Clear => "clear",
        }
    }
}

/// The verdict on one holding, with what it rests on.
#[derive(Clone, Debug, PartialEq)]
pub struct Holding {
    /// The row number (1 for the first row after the header).
    pub row: u64,
    /// The ISIN (normalized when it was valid).
    pub isin: Option<String>,
    /// The ticker.
    pub ticker: Option<String>,
    /// The verdict.
    pub status: Verdict,
    /// The listed entity behind the verdict.
    pub entity_id: Option<String>,
    /// Since when the restriction applies.
    pub since: Option<Date>,
    /// Until when divestment is allowed.
    pub divest_until: Option<Date>,
    /// The rule applied.
    pub rule: Option<String>,
    /// Why, in words.
    pub reason: String,
    /// The events behind the answer, one line each.
    pub sources: Vec<String>,
}

impl Holding {
    /// A verdict with no listed entity behind it.
    pub fn unlisted(
        row: u64,
        isin: Option<String>,
        ticker: Option<String>,
        status: Verdict,
        reason: String,
    ) -> Holding {
        Holding {
            row,
            isin,
            ticker,
            status,
            entity_id: None,
            since: None,
            divest_until: None,
            rule: None,
            reason,
            sources: Vec::new(),
        }
    }
}

/// A holdings row as read: the columns the check uses.
#[derive(Debug, Default)]
pub struct Row {
    /// The ISIN column.
    pub isin: Option<String>,
    /// The ticker column.
    pub ticker: Option<String>,
    /// The exchange column.
    pub exchange: Option<String>,
    /// The issuer column.
    pub issuer: Option<String>,
    /// The quantity column.
    pub quantity: Option<String>,
}

/// Maps an exchange as users write it (a MIC, a common name, or a country code) to the country
/// code OFAC's `Equity Ticker` items use.
pub fn exchange_country(exchange: &str) -> String {
    let upper = exchange.trim().to_ascii_uppercase();
    let country = match upper.as_str() {
        "XNYS" | "NYSE" | "XNAS" | "NASDAQ" | "ARCX" | "BATS" | "OTC" | "XOTC" | "UN" | "UW"
        | "UQ" => "US",
        "XHKG" | "HKEX" | "SEHK" | "HKG" => "HK",
        "XSHG" | "SSE" | "XSHE" | "SZSE" | "CH" | "CG" | "CS" => "CN",
        "XETR" | "XFRA" | "FWB" | "GR" | "GY" => "DE",
        "XLON" | "LSE" | "LN" => "GB",
        "XSES" | "SGX" | "SP" => "SG",
        _ => return upper,
    };
    country.to_string()
}

/// Turns an entity's status into a holding verdict.
pub fn verdict_of(answer: &Status) -> (Verdict, Option<Date>, Option<Date>) {
    let since = |kind: &str| answer.restrictions.iter().find(|r| r.kind == kind).map(|r| r.since);
    let divest = answer
        .restrictions
        .iter()
        .find(|r| r.kind == "divestment-allowed-until")
        .and_then(|r| r.until);
    match answer.state {
        State::Restricted if since("blocked").is_some() => {
            (Verdict::Blocked, since("blocked"), None)
        }
        State::Restricted if since("purchase-prohibited").is_some() => {
            (Verdict::Prohibited, since("purchase-prohibited"), divest)
        }
        // Other restrictions (sectoral directives and the like) depend on the instrument.
        State::Restricted => (Verdict::Review, answer.restrictions.first().map(|r| r.since), None),
        State::Pending => (
            Verdict::Pending,
            since("purchase-prohibited").or(answer.restrictions.first().map(|r| r.since)),
            divest,
        ),
        State::Suspended => (Verdict::Suspended, answer.listed_since, None),
        State::Unknown => (Verdict::Unknown, None, None),
        State::NotListed | State::Removed => (Verdict::Clear, None, None),
    }
}

/// Checks holdings rows one at a time, remembering each entity's status.
pub struct Checker<'a> {
    store: &'a Store,
    catalog: &'a Catalog,
    regimes: &'a Regimes,
    question: Question,
    /// Why no verdict can be `clear`: the lists without a version in force on the day.
    unconsulted: Vec<String>,
    cache: HashMap<usize, Status>,
}

impl<'a> Checker<'a> {
    /// A checker of holdings as of `question`, against the catalog's lists; `consultation` says
    /// which lists had no version in force (then no verdict can be `clear`).
    pub fn new(
        store: &'a Store,
        catalog: &'a Catalog,
        regimes: &'a Regimes,
        question: Question,
        consultation: &Consultation,
    ) -> Checker<'a> {
        Checker {
            store,
            catalog,
            regimes,
            question,
            unconsulted: consultation
                .not_consulted
                .iter()
                .map(|(_, reason)| reason.clone())
                .collect(),
            cache: HashMap::new(),
        }
    }

    fn status_of(&mut self, idx: usize) -> Result<&Status> {
        if !self.cache.contains_key(&idx) {
            let entity_id = self.catalog.entries[idx].entity_id();
            let answer = status(&record(self.store, &entity_id)?, self.question, self.regimes);
            self.cache.insert(idx, answer);
        }
        Ok(&self.cache[&idx])
    }

    /// The most severe verdict among the entities a holding points at.
    fn judge(
        &mut self,
        found: &[usize],
        how: &str,
        row: u64,
        isin: Option<String>,
        ticker: Option<String>,
    ) -> Result<Holding> {
        let mut best: Option<Holding> = None;
        for &idx in found {
            let entity_id = self.catalog.entries[idx].entity_id();
            let answer = self.status_of(idx)?.clone();
            let (verdict, since, divest_until) = verdict_of(&answer);
            let reason = match verdict {
                Verdict::Unknown => format!(
                    "{how} {} ({entity_id}): {}",
                    answer.name,
                    answer.reason.clone().unwrap_or_default()
                ),
                Verdict::Clear => format!(
                    "{how} {} ({entity_id}), which is {} as of {}",
                    answer.name,
                    answer.state.as_str(),
                    self.question.as_of
                ),
                Verdict::Suspended => format!(
                    "{how} {} ({entity_id}); restrictions held by {}",
                    answer.name,
                    answer.suspended_by.clone().unwrap_or_default()
                ),
                _ => format!(
                    "{how} {} ({entity_id}), {} as of {}",
                    answer.name,
                    answer.state.as_str(),
                    self.question.as_of
                ),
            };
            let holding = Holding {
                row,
                isin: isin.clone(),
                ticker: ticker.clone(),
                status: verdict,
                entity_id: Some(entity_id),
                since,
                divest_until,
                rule: answer.rules.first().cloned(),
                reason,
                sources: answer
                    .events
                    .iter()
                    .map(|e| format!("{} {}: {}", e.date, e.kind, e.source))
                    .collect(),
            };
            if best.as_ref().is_none_or(|b| holding.status < b.status) {
                best = Some(holding);
            }
        }
        let best = best.unwrap_or_else(|| {
            Holding::unlisted(
                row,
                isin,
                ticker,
                Verdict::Clear,
                "not on any list in the store".to_string(),
            )
        });
        Ok(self.unless_unconsulted(best))
    }

    /// A `clear` verdict needs every list consulted: a list without a version in force on the
    /// day may hold the security, so the verdict is `unknown` instead.
    fn unless_unconsulted(&self, mut holding: Holding) -> Holding {
        if holding.status == Verdict::Clear && !self.unconsulted.is_empty() {
            holding.status = Verdict::Unknown;
            holding.reason = format!("{}; but {}", holding.reason, self.unconsulted.join("; "));
        }
        holding
    }

    /// The verdict on one holdings row (or on why it could not be read).
    pub fn check(
        &mut self,
        row_number: u64,
        row: std::result::Result<Row, String>,
    ) -> Result<Holding> {
        let invalid =
            |row: u64, isin: Option<String>, ticker: Option<String>, reason: String| Holding {
                row,
                isin,
                ticker,
                status: Verdict::Invalid,
                entity_id: None,
                since: None,
                divest_until: None,
                rule: None,
                reason,
                sources: Vec::new(),
            };
        let row = match row {
            Ok(row) => row,
            Err(reason) => return Ok(invalid(row_number, None, None, reason)),
        };
        if let Some(quantity) = &row.quantity
            && quantity.replace([',', '_'], "").parse::<f64>().is_err()
        {
            return Ok(invalid(
                row_number,
                row.isin,
                row.ticker,
                format!("quantity {quantity:?} is not a number"),
            ));
        }
        if let Some(raw) = &row.isin {
            let isin = normalize_identifier(IdKind::Isin, raw);
            if let Err(err) = validate_identifier(IdKind::Isin, &isin) {
                return Ok(invalid(row_number, row.isin.clone(), row.ticker, err.to_string()));
            }
            let found = self.catalog.by_isin(&isin).to_vec();
            if !found.is_empty() {
                return self.judge(&found, "ISIN of", row_number, Some(isin), row.ticker);
            }
        }
        if let Some(ticker) = &row.ticker {
            let country = row.exchange.as_deref().map(exchange_country);
            let found = self.catalog.by_ticker(ticker, country.as_deref()).to_vec();
            if !found.is_empty() {
                return self.judge(&found, "ticker of", row_number, row.isin, Some(ticker.clone()));
            }
        }
        if let Some(issuer) = &row.issuer {
            let (found, _) = self.catalog.by_name(issuer);
            if !found.is_empty() {
                // A name alone never decides: a person must look.
                let mut holding =
                    self.judge(&found, "issuer name resembles", row_number, row.isin, row.ticker)?;
                if holding.status != Verdict::Clear {
                    holding.reason = format!(
                        "{}; matched by issuer name only, so a person must review it (the listed status would be {})",
                        holding.reason,
                        holding.status.as_str()
                    );
                    holding.status = Verdict::Review;
                    holding.since = None;
                    holding.divest_until = None;
                }
                return Ok(holding);
            }
        }
        if row.isin.is_none() && row.ticker.is_none() && row.issuer.is_none() {
            return Ok(invalid(
                row_number,
                None,
                None,
                "the row has no isin, ticker or issuer".to_string(),
            ));
        }
        Ok(self.unless_unconsulted(Holding::unlisted(
            row_number,
            row.isin.map(|i| normalize_identifier(IdKind::Isin, &i)),
            row.ticker,
            Verdict::Clear,
            "no list consulted names this security or issuer".to_string(),
        )))
    }
}

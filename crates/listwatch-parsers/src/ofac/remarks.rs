//! OFAC's remarks mini-language: `; `-separated items of `<Label> <value>`, with `alt.` marking a
//! repeat, typed into entity fields.
//!
//! The labels are a data table ([`LABELS`]). An item whose label is not in the table, or whose
//! value does not parse, is kept verbatim in `Entity::untyped_remarks` and counted, never dropped.

use std::collections::BTreeMap;

use listwatch_model::{
    Attribute, DateSpec, Entity, Gender, IdKind, Identifier, Link, ListDate, ListDateKind, Name,
    NameKind, Schema,
};

/// What to do with an item's value.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Handler {
    Dob,
    Pob,
    Nationality,
    Citizen,
    Gender,
    Alias(NameKind),
    Id(IdKind),
    DigitalCurrency,
    Ticker,
    ListDate(ListDateKind),
    Link,
    Title,
    /// A recognised fact kept as a labelled attribute.
    Attribute,
    /// `Target Type ...`: an attribute that also says the entry is a company.
    TargetType,
    /// `son of X`, `wife of X`: a family link.
    Relative,
    /// A fact stated by the item as a whole (`ICTY indictee`, `all offices worldwide`).
    Flag,
}

/// The labels OFAC uses, each with how its value is typed. Matching takes the longest label that
/// the item starts with, followed by a space, `:`, `(`, or the end of the item.
const LABELS: &[(&str, Handler)] = &[
    ("DOB", Handler::Dob),
    ("POB", Handler::Pob),
    ("nationality", Handler::Nationality),
    ("Nationality", Handler::Nationality),
    ("citizen", Handler::Citizen),
    ("Citizen", Handler::Citizen),
    ("Gender", Handler::Gender),
    ("a.k.a.", Handler::Alias(NameKind::WeakAka)),
    ("f.k.a.", Handler::Alias(NameKind::WeakFka)),
    ("n.k.a.", Handler::Alias(NameKind::WeakAka)),
    ("Title", Handler::Title),
    // Identity documents.
    ("Passport", Handler::Id(IdKind::Passport)),
    ("Diplomatic Passport", Handler::Id(IdKind::DiplomaticPassport)),
    ("Stateless Person Passport", Handler::Id(IdKind::Passport)),
    ("Refugee ID Card", Handler::Id(IdKind::NationalId)),
    ("National ID No.", Handler::Id(IdKind::NationalId)),
    ("National Foreign ID Number", Handler::Id(IdKind::NationalId)),
    ("Personal ID Card", Handler::Id(IdKind::NationalId)),
    ("Identification Number", Handler::Id(IdKind::NationalId)),
    ("Identification Number IMO", Handler::Id(IdKind::Imo)),
    ("Cedula No.", Handler::Id(IdKind::NationalId)),
    ("C.U.I.P.", Handler::Id(IdKind::NationalId)),
    ("CURP #", Handler::Id(IdKind::NationalId)),
    ("D.N.I.", Handler::Id(IdKind::NationalId)),
    ("Kenyan ID No.", Handler::Id(IdKind::NationalId)),
    ("Residency Number", Handler::Id(IdKind::NationalId)),
    ("Birth Certificate Number", Handler::Id(IdKind::NationalId)),
    ("Citizen's Card Number", Handler::Id(IdKind::NationalId)),
    ("Numero Unico de Identificacao Tributaria (NUIT)", Handler::Id(IdKind::TaxId)),
    ("Electoral Registry No.", Handler::Id(IdKind::NationalId)),
    ("Credencial electoral", Handler::Id(IdKind::NationalId)),
    ("Immigration No.", Handler::Id(IdKind::NationalId)),
    ("Military ID No.", Handler::Id(IdKind::NationalId)),
    ("Cartilla de Servicio Militar Nacional", Handler::Id(IdKind::NationalId)),
    ("Driver's License No.", Handler::Id(IdKind::DriversLicense)),
    ("SSN", Handler::Id(IdKind::Ssn)),
    ("Social Security Number", Handler::Id(IdKind::Ssn)),
    ("US FEIN", Handler::Id(IdKind::TaxId)),
    // Tax numbers.
    ("Tax ID No.", Handler::Id(IdKind::TaxId)),
    ("V.A.T. Number", Handler::Id(IdKind::TaxId)),
    ("VAT Number", Handler::Id(IdKind::TaxId)),
    ("NIT #", Handler::Id(IdKind::TaxId)),
    ("RFC", Handler::Id(IdKind::TaxId)),
    ("R.F.C.", Handler::Id(IdKind::TaxId)),
    ("RUC #", Handler::Id(IdKind::TaxId)),
    ("RIF #", Handler::Id(IdKind::TaxId)),
    ("CUIT", Handler::Id(IdKind::TaxId)),
    ("Tax Identification Number", Handler::Id(IdKind::TaxId)),
    ("INN", Handler::Id(IdKind::TaxId)),
    ("KPP", Handler::Id(IdKind::TaxId)),
    // Company registrations.
    ("Registration Number", Handler::Id(IdKind::RegistrationNumber)),
    ("Registration ID", Handler::Id(IdKind::RegistrationNumber)),
    ("Business Registration Number", Handler::Id(IdKind::RegistrationNumber)),
    ("Business Registration Document #", Handler::Id(IdKind::RegistrationNumber)),
    ("Business Number", Handler::Id(IdKind::RegistrationNumber)),
    ("Commercial Registry Number", Handler::Id(IdKind::RegistrationNumber)),
    ("Company Number", Handler::Id(IdKind::RegistrationNumber)),
    ("Company Number IMO", Handler::Id(IdKind::Imo)),
    ("UK Company Number", Handler::Id(IdKind::RegistrationNumber)),
    ("Government Gazette Number", Handler::Id(IdKind::RegistrationNumber)),
    ("Folio Mercantil No.", Handler::Id(IdKind::RegistrationNumber)),
    ("Matricula Mercantil No", Handler::Id(IdKind::RegistrationNumber)),
    ("Matricula Mercantil No.", Handler::Id(IdKind::RegistrationNumber)),
    ("C.R. No.", Handler::Id(IdKind::RegistrationNumber)),
    ("Trade License No.", Handler::Id(IdKind::RegistrationNumber)),
    ("License", Handler::Id(IdKind::RegistrationNumber)),
    ("Chamber of Commerce Number", Handler::Id(IdKind::RegistrationNumber)),
    ("Public Registration Number", Handler::Id(IdKind::RegistrationNumber)),
    ("Economic Register Number (CBLS)", Handler::Id(IdKind::RegistrationNumber)),
    ("Certificate of Incorporation Number", Handler::Id(IdKind::RegistrationNumber)),
    ("Enterprise Number", Handler::Id(IdKind::RegistrationNumber)),
    ("Legal Entity Number", Handler::Id(IdKind::RegistrationNumber)),
    ("D-U-N-S Number", Handler::Id(IdKind::RegistrationNumber)),
    ("Unified Social Credit Code (USCC)", Handler::Id(IdKind::Uscc)),
    ("Istanbul Chamber of Comm. No.", Handler::Id(IdKind::RegistrationNumber)),
    ("Italian Fiscal Code", Handler::Id(IdKind::TaxId)),
    ("Dubai Chamber of Commerce Membership No.", Handler::Id(IdKind::RegistrationNumber)),
    ("Fiscal Code", Handler::Id(IdKind::TaxId)),
    ("Pasaporte", Handler::Id(IdKind::Passport)),
    ("BIK (RU)", Handler::Id(IdKind::SwiftBic)),
    ("SWIFT/BIC", Handler::Id(IdKind::SwiftBic)),
    ("Bank Identification Number", Handler::Id(IdKind::SwiftBic)),
    ("Branch Unit Number", Handler::Id(IdKind::RegistrationNumber)),
    ("Serial No.", Handler::Id(IdKind::Other)),
    ("Registration No.", Handler::Id(IdKind::RegistrationNumber)),
    ("Trade License Number", Handler::Id(IdKind::RegistrationNumber)),
    ("Commercial Registry Number", Handler::Id(IdKind::RegistrationNumber)),
    ("File Number", Handler::Id(IdKind::RegistrationNumber)),
    ("Romanian Permanent Resident", Handler::Id(IdKind::NationalId)),
    ("Romanian C.R.", Handler::Id(IdKind::RegistrationNumber)),
    ("Romanian Tax Registration", Handler::Id(IdKind::TaxId)),
    ("Afghan Money Service Provider License Number", Handler::Id(IdKind::RegistrationNumber)),
    ("Money Service Bureau Registration Number", Handler::Id(IdKind::RegistrationNumber)),
    ("MSB Registration Number", Handler::Id(IdKind::RegistrationNumber)),
    ("Central Registration System Number", Handler::Id(IdKind::RegistrationNumber)),
    ("Stock Ticker", Handler::Ticker),
    ("Equity Ticker", Handler::Ticker),
    ("ISIN", Handler::Id(IdKind::Isin)),
    // Transport.
    ("Vessel Registration Identification IMO", Handler::Id(IdKind::Imo)),
    ("IMO", Handler::Id(IdKind::Imo)),
    ("MMSI", Handler::Id(IdKind::Mmsi)),
    ("Aircraft Manufacturer's Serial Number (MSN)", Handler::Id(IdKind::AircraftSerial)),
    (
        "Aircraft Construction Number (also called L/N or S/N or F/N)",
        Handler::Id(IdKind::AircraftSerial),
    ),
    ("Aircraft Tail Number", Handler::Id(IdKind::AircraftTail)),
    ("Aircraft Model", Handler::Attribute),
    ("Aircraft Manufacture Date", Handler::Attribute),
    ("Aircraft Operator", Handler::Attribute),
    ("Aircraft Mode S Transponder Code", Handler::Attribute),
    ("Previous Aircraft Tail Number", Handler::Id(IdKind::AircraftTail)),
    ("Former Vessel Flag", Handler::Attribute),
    ("Other Vessel Flag", Handler::Attribute),
    ("Other Vessel Call Sign", Handler::Id(IdKind::CallSign)),
    ("Other Vessel Type", Handler::Attribute),
    ("Vessel Year of Build", Handler::Attribute),
    ("Vessel Type", Handler::Attribute),
    ("Vessel Flag", Handler::Attribute),
    // Contacts and addresses on the net.
    ("Website", Handler::Id(IdKind::Website)),
    ("Email Address", Handler::Id(IdKind::Email)),
    ("Email", Handler::Id(IdKind::Email)),
    ("EMAIL", Handler::Id(IdKind::Email)),
    ("Phone Number", Handler::Id(IdKind::Phone)),
    ("Telephone", Handler::Id(IdKind::Phone)),
    ("Telephone No.", Handler::Id(IdKind::Phone)),
    ("Telephone Number", Handler::Id(IdKind::Phone)),
    ("Phone", Handler::Id(IdKind::Phone)),
    ("Fax", Handler::Id(IdKind::Phone)),
    ("Fax No.", Handler::Id(IdKind::Phone)),
    ("Fax Number", Handler::Id(IdKind::Phone)),
    ("Digital Currency Address -", Handler::DigitalCurrency),
    ("IFCA Determination -", Handler::Attribute),
    // Links and designation dates.
    ("Linked To:", Handler::Link),
    ("Listing Date", Handler::ListDate(ListDateKind::Listing)),
    ("Effective Date", Handler::ListDate(ListDateKind::Effective)),
    ("Purchase/Sales For Divestment Date", Handler::ListDate(ListDateKind::Divestment)),
    ("Issuer Name", Handler::Attribute),
    ("Target Type", Handler::TargetType),
    // Sanctions information kept as labelled text.
    ("Additional Sanctions Information -", Handler::Attribute),
    ("Secondary sanctions risk:", Handler::Attribute),
    (
        "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions:",
        Handler::Attribute,
    ),
    ("Executive Order 13662 Directive Determination -", Handler::Attribute),
    ("Executive Order 13846 information:", Handler::Attribute),
    ("Executive Order 14024 Directive Information", Handler::Attribute),
    ("Executive Order 14024 Directive Information -", Handler::Attribute),
    ("CAATSA Section 235 Information:", Handler::Attribute),
    ("For more information on directives, please visit the following link:", Handler::Attribute),
    ("For more information, please see:", Handler::Attribute),
    (
        "U.S. Persons Must Continue to Block the Property and Interests in Property of this Person Pursuant to",
        Handler::Attribute,
    ),
    ("Organization Established Date", Handler::Attribute),
    ("Organization Type:", Handler::Attribute),
    ("Registration Country", Handler::Attribute),
    ("Nationality of Registration", Handler::Attribute),
    ("Company Phone Number", Handler::Id(IdKind::Phone)),
    ("Business Registration Date", Handler::Attribute),
    ("Date of Registration", Handler::Attribute),
    ("Dissolved", Handler::Attribute),
    ("Location", Handler::Attribute),
    ("Ultimate Beneficial Owner", Handler::Attribute),
    ("Related To", Handler::Attribute),
    ("Associated Vessel", Handler::Attribute),
    ("Registered Charity No.", Handler::Id(IdKind::RegistrationNumber)),
    ("Travel Document Number", Handler::Id(IdKind::Passport)),
    ("United Social Credit Code Certificate (USCCC)", Handler::Id(IdKind::Uscc)),
    ("Numero de Identidad", Handler::Id(IdKind::NationalId)),
    ("Turkish Identification Number", Handler::Id(IdKind::NationalId)),
    ("C.U.R.P. #", Handler::Id(IdKind::NationalId)),
    ("LE Number", Handler::Id(IdKind::NationalId)),
    ("PHONE", Handler::Id(IdKind::Phone)),
    ("Chinese Commercial Code", Handler::Attribute),
    ("UN/LOCODE", Handler::Attribute),
    ("all offices worldwide", Handler::Flag),
    ("All offices worldwide", Handler::Flag),
    ("All Offices Worldwide", Handler::Flag),
    ("and all offices worldwide", Handler::Flag),
    ("ICTY indictee", Handler::Flag),
    ("arrested", Handler::Attribute),
    ("currently incarcerated", Handler::Flag),
    ("Member ETA", Handler::Flag),
    ("member ETA", Handler::Flag),
    ("Alternate Title,", Handler::Title),
    ("son of", Handler::Relative),
    ("daughter of", Handler::Relative),
    ("wife of", Handler::Relative),
    ("husband of", Handler::Relative),
    ("Spouse of", Handler::Relative),
    ("spouse of", Handler::Relative),
    ("brother of", Handler::Relative),
    ("sister of", Handler::Relative),
    ("father of", Handler::Relative),
    ("mother of", Handler::Relative),
];

/// Counts of remark items: how many were typed, and the untyped ones by their first words.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RemarkStats {
    /// Items seen.
    pub items: u64,
    /// Items typed into a field or a recognised attribute.
    pub typed: u64,
    /// Untyped items, counted by their first two words (a stand-in for an unknown label).
    pub untyped_by_prefix: BTreeMap<String, u64>,
}

impl RemarkStats {
    /// Items that could not be typed.
    pub fn untyped(&self) -> u64 {
        self.items - self.typed
    }

    /// The share of items typed, from 0 to 1 (1 when there were no items).
    pub fn typed_share(&self) -> f64 {
        if self.items == 0 { 1.0 } else { self.typed as f64 / self.items as f64 }
    }

    /// Adds another count to this one.
    pub fn merge(&mut self, other: &RemarkStats) {
        self.items += other.items;
        self.typed += other.typed;
        for (prefix, n) in &other.untyped_by_prefix {
            *self.untyped_by_prefix.entry(prefix.clone()).or_default() += n;
        }
    }
}

/// Splits remarks into items. Items are separated by `; `; a full stop ends the remarks, unless
/// it belongs to an abbreviation that ends the last item (`Linked To: ... S.A.`).
pub(crate) fn split_items(remarks: &str) -> impl Iterator<Item = &str> {
    let remarks = remarks.trim();
    let body = match remarks.strip_suffix('.') {
        Some(body) if !ends_with_abbreviation(remarks) => body,
        _ => remarks,
    };
    body.split("; ").map(str::trim).filter(|item| !item.is_empty())
}

/// True when the final full stop belongs to the value, as in `S.A.` or `Co.`, and not to the list.
fn ends_with_abbreviation(item: &str) -> bool {
    let Some(without) = item.strip_suffix('.') else {
        return false;
    };
    let last_word = without.rsplit([' ', '\'']).next().unwrap_or("");
    // `S.A.`, `L.L.C.`, `U.S.A.`: single letters joined by dots.
    last_word.contains('.') && last_word.split('.').all(|part| part.len() <= 2)
        || ["co", "inc", "ltd", "corp", "jr", "sr", "st", "bros", "no", "llc", "ltda", "cia"]
            .contains(&last_word.to_ascii_lowercase().as_str())
}

pub(crate) fn find_label(item: &str) -> Option<(&'static str, Handler, &str)> {
    let mut best: Option<(&'static str, Handler)> = None;
    for &(label, handler) in LABELS {
        if item.len() < label.len() || !item.starts_with(label) {
            continue;
        }
        let boundary = item[label.len()..].chars().next();
        let ok = match boundary {
            None => true,
            Some(c) => c == ' ' || c == ':' || c == '(' || label.ends_with([':', '-']),
        };
        if ok && best.is_none_or(|(b, _)| label.len() > b.len()) {
            best = Some((label, handler));
        }
    }
    best.map(|(label, handler)| (label, handler, item[label.len()..].trim()))
}

/// Splits an identifier value into the value, the country in parentheses, and what follows
/// (`G 649385 (Egypt) issued 08 Sep 2006` gives `G 649385`, `Egypt`, `issued 08 Sep 2006`).
fn split_id_value(rest: &str) -> (String, Option<String>, Option<String>) {
    if let Some(open) = rest.rfind(" (")
        && let Some(close_rel) = rest[open..].find(')')
    {
        let close = open + close_rel;
        let inside = &rest[open + 2..close];
        let value = rest[..open].trim();
        let after = rest[close + 1..].trim();
        if !value.is_empty() && inside.starts_with(|c: char| c.is_uppercase()) {
            return (
                value.to_string(),
                Some(inside.to_string()),
                Some(after.to_string()).filter(|s| !s.is_empty()),
            );
        }
    }
    for marker in [" issued ", " expires ", " Issue Date ", " Expire Date "] {
        if let Some(at) = rest.find(marker) {
            return (rest[..at].trim().to_string(), None, Some(rest[at..].trim().to_string()));
        }
    }
    (rest.to_string(), None, None)
}

fn strip_quotes(s: &str) -> &str {
    let s = s.trim();
    for (open, close) in [('\'', '\''), ('"', '"'), ('\u{2018}', '\u{2019}')] {
        if let Some(inner) = s.strip_prefix(open).and_then(|t| t.strip_suffix(close)) {
            return inner.trim();
        }
    }
    s
}

/// Parses `(CMIC) 03 Jun 2021` or `(EO 14024 Directive 3): 24 Feb 2022` into a scope and a date.
fn split_scoped_date(rest: &str) -> Option<(String, DateSpec)> {
    let rest = rest.trim();
    let (scope, date_text) = match rest.strip_prefix('(') {
        Some(inner) => {
            let close = inner.find(')')?;
            (inner[..close].trim().to_string(), &inner[close + 1..])
        }
        None => (String::new(), rest),
    };
    let date_text = date_text.trim().trim_start_matches(':').trim();
    let date = DateSpec::parse_loose(date_text).ok()?;
    Some((scope, date))
}

/// Types the remarks of `entity` (already set in `entity.remarks`) into its fields.
pub(crate) fn apply_remarks(entity: &mut Entity, stats: &mut RemarkStats) {
    let Some(remarks) = entity.remarks.take() else {
        return;
    };
    for item in split_items(&remarks) {
        apply_remark_item(entity, item, stats);
    }
    entity.remarks = Some(remarks);
}

/// Types one remark item (`alt. ` prefix allowed) into `entity`, or keeps it in
/// `untyped_remarks`; counts it either way. The OFAC XML parser types its items through this
/// too, so both publications type an item alike.
pub(crate) fn apply_remark_item(entity: &mut Entity, item: &str, stats: &mut RemarkStats) {
    stats.items += 1;
    let unprefixed = item.strip_prefix("alt. ").unwrap_or(item).trim();
    if apply_item(entity, unprefixed) {
        stats.typed += 1;
    } else {
        let prefix: Vec<&str> = unprefixed.split_whitespace().take(2).collect();
        *stats.untyped_by_prefix.entry(prefix.join(" ")).or_default() += 1;
        entity.untyped_remarks.push(item.to_string());
    }
}

pub(crate) fn apply_item(entity: &mut Entity, item: &str) -> bool {
    // OFAC repeats the Title column in the remarks; a repeat is typed: it is the title. A title
    // of several positions (`Managing Director, X; Director, Y`) is split at `; ` like the
    // remarks, so each of its parts is a repeat.
    if let Some(title) = entity.title.as_deref()
        && (title == item || title.split("; ").any(|part| part.trim() == item))
    {
        return true;
    }
    let Some((label, handler, rest)) = find_label(item) else {
        return false;
    };
    let rest = rest.trim_start_matches(':').trim();
    if rest.is_empty() && !matches!(handler, Handler::Flag) {
        return false;
    }
    match handler {
        Handler::Dob => match DateSpec::parse_loose(rest) {
            Ok(date) => entity.birth_dates.push(date),
            Err(_) => return false,
        },
        Handler::Pob => entity.birth_places.push(rest.to_string()),
        Handler::Nationality => entity.nationalities.push(rest.to_string()),
        Handler::Citizen => entity.citizenships.push(rest.to_string()),
        Handler::Gender => {
            entity.gender = match rest.to_ascii_lowercase().as_str() {
                "male" => Some(Gender::Male),
                "female" => Some(Gender::Female),
                _ => return false,
            }
        }
        Handler::Alias(kind) => {
            let value = strip_quotes(rest);
            if value.is_empty() {
                return false;
            }
            entity.names.push(Name { value: value.to_string(), kind, remark: None });
        }
        Handler::Title => {
            if entity.title.is_none() {
                entity.title = Some(rest.to_string());
            } else {
                entity
                    .attributes
                    .push(Attribute { label: "Title".to_string(), value: rest.to_string() });
            }
        }
        Handler::Relative => entity.links.push(Link {
            relation: label.replace(' ', "_").to_ascii_lowercase(),
            name: rest.to_string(),
        }),
        Handler::Id(kind) => {
            let (value, country, details) = split_id_value(rest);
            entity.identifiers.push(Identifier {
                kind,
                value,
                country,
                currency: None,
                label: label.to_string(),
                details,
            });
        }
        Handler::DigitalCurrency => {
            let mut words = rest.splitn(2, ' ');
            let (Some(currency), Some(address)) = (words.next(), words.next()) else {
                return false;
            };
            entity.identifiers.push(Identifier {
                kind: IdKind::DigitalCurrencyAddress,
                value: address.trim().to_string(),
                country: None,
                currency: Some(currency.to_string()),
                label: "Digital Currency Address".to_string(),
                details: None,
            });
        }
        Handler::Ticker => {
            // `CHA US`: the last word is the exchange's country code when there are two or more.
            let words: Vec<&str> = rest.split_whitespace().collect();
            let (value, country) = match words.as_slice() {
                [ticker @ .., country]
                    if !ticker.is_empty()
                        && country.len() == 2
                        && country.chars().all(|c| c.is_ascii_uppercase()) =>
                {
                    (ticker.join(" "), Some(country.to_string()))
                }
                _ => (rest.to_string(), None),
            };
            entity.identifiers.push(Identifier {
                kind: IdKind::EquityTicker,
                value,
                country,
                currency: None,
                label: label.to_string(),
                details: None,
            });
        }
        Handler::ListDate(kind) => match split_scoped_date(rest) {
            Some((scope, date)) => entity.list_dates.push(ListDate { kind, date, scope }),
            None => return false,
        },
        Handler::Link => {
            entity.links.push(Link { relation: "linked_to".to_string(), name: rest.to_string() })
        }
        Handler::Flag => {
            entity.attributes.push(Attribute { label: label.to_string(), value: item.to_string() })
        }
        Handler::Attribute => entity.attributes.push(Attribute {
            label: label.trim_end_matches([':', '-', ' ']).to_string(),
            value: rest.to_string(),
        }),
        Handler::TargetType => {
            if entity.schema == Schema::Organization
                && matches!(
                    rest,
                    "Public Company"
                        | "Private Company"
                        | "State-Owned Enterprise"
                        | "Financial Institution"
                )
            {
                entity.schema = Schema::Company;
            }
            entity.attributes.push(Attribute { label: label.to_string(), value: rest.to_string() });
        }
    }
    true
}

#[cfg(test)]
mod tests;

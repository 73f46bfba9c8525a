//! The listed entity: who or what a list names, with everything the list says about it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::date::DateSpec;

/// What kind of thing an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Schema {
    /// A natural person.
    Person,
    /// An organization that is not known to be a company (a group, a ministry, a party).
    Organization,
    /// A company or other business.
    Company,
    /// A ship.
    Vessel,
    /// An aircraft.
    Aircraft,
    /// An issue of stock or bonds.
    Security,
}

impl Schema {
    /// All schemas, in declaration order.
    pub const ALL: [Schema; 6] = [
        Schema::Person,
        Schema::Organization,
        Schema::Company,
        Schema::Vessel,
        Schema::Aircraft,
        Schema::Security,
    ];

    /// The schema's name as written in the CLI and JSON (`Person`, `Vessel`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Schema::Person => "Person",
            Schema::Organization => "Organization",
            Schema::Company => "Company",
            Schema::Vessel => "Vessel",
            Schema::Aircraft => "Aircraft",
            Schema::Security => "Security",
        }
    }

    /// Parses a schema name, ignoring case. Accepts `LegalEntity` and `Entity` as `Organization`.
    pub fn parse(s: &str) -> Option<Schema> {
        let lower = s.trim().to_ascii_lowercase();
        Some(match lower.as_str() {
            "person" | "individual" => Schema::Person,
            "organization" | "organisation" | "legalentity" | "entity" => Schema::Organization,
            "company" => Schema::Company,
            "vessel" => Schema::Vessel,
            "aircraft" | "airplane" => Schema::Aircraft,
            "security" => Schema::Security,
            _ => return None,
        })
    }
}

impl fmt::Display for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a name relates to the entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    /// The entry's main name.
    Primary,
    /// Also known as.
    Aka,
    /// Formerly known as.
    Fka,
    /// Now known as.
    Nka,
    /// A low-quality alias: too broad to identify the entry by itself (OFAC's "weak a.k.a.").
    WeakAka,
    /// A low-quality former name.
    WeakFka,
}

impl NameKind {
    /// True for the low-quality alias kinds.
    pub fn is_weak(self) -> bool {
        matches!(self, NameKind::WeakAka | NameKind::WeakFka)
    }

    /// The label used in tables and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            NameKind::Primary => "primary",
            NameKind::Aka => "aka",
            NameKind::Fka => "fka",
            NameKind::Nka => "nka",
            NameKind::WeakAka => "weak_aka",
            NameKind::WeakFka => "weak_fka",
        }
    }
}

/// One name of an entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Name {
    /// The name as published.
    pub value: String,
    /// How it relates to the entry.
    pub kind: NameKind,
    /// A remark the list attaches to this name, verbatim.
    pub remark: Option<String>,
}

/// The kinds of identifier the model knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    /// Passport number.
    Passport,
    /// Diplomatic passport number.
    DiplomaticPassport,
    /// National identity number or card.
    NationalId,
    /// Tax identification number (also VAT numbers, RFC, NIT, INN).
    TaxId,
    /// Company or business registration number.
    RegistrationNumber,
    /// China's Unified Social Credit Code.
    Uscc,
    /// International Securities Identification Number.
    Isin,
    /// A stock ticker; the identifier's `country` is the exchange's country.
    EquityTicker,
    /// IMO ship or company number.
    Imo,
    /// Maritime Mobile Service Identity.
    Mmsi,
    /// Radio call sign.
    CallSign,
    /// SWIFT / BIC code.
    SwiftBic,
    /// Legal Entity Identifier.
    Lei,
    /// E-mail address.
    Email,
    /// Website address.
    Website,
    /// Phone or fax number.
    Phone,
    /// Digital currency address; the identifier's `currency` names the currency.
    DigitalCurrencyAddress,
    /// US Social Security Number.
    Ssn,
    /// Driver's licence number.
    DriversLicense,
    /// Aircraft serial number (MSN).
    AircraftSerial,
    /// Aircraft tail (registration) number.
    AircraftTail,
    /// Any other identifier; its `label` says what the list called it.
    Other,
}

impl IdKind {
    /// The identifier kind's name in JSON and on the command line (`isin`, `imo`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            IdKind::Passport => "passport",
            IdKind::DiplomaticPassport => "diplomatic_passport",
            IdKind::NationalId => "national_id",
            IdKind::TaxId => "tax_id",
            IdKind::RegistrationNumber => "registration_number",
            IdKind::Uscc => "uscc",
            IdKind::Isin => "isin",
            IdKind::EquityTicker => "equity_ticker",
            IdKind::Imo => "imo",
            IdKind::Mmsi => "mmsi",
            IdKind::CallSign => "call_sign",
            IdKind::SwiftBic => "swift_bic",
            IdKind::Lei => "lei",
            IdKind::Email => "email",
            IdKind::Website => "website",
            IdKind::Phone => "phone",
            IdKind::DigitalCurrencyAddress => "digital_currency_address",
            IdKind::Ssn => "ssn",
            IdKind::DriversLicense => "drivers_license",
            IdKind::AircraftSerial => "aircraft_serial",
            IdKind::AircraftTail => "aircraft_tail",
            IdKind::Other => "other",
        }
    }

    /// Parses an identifier type as callers and lists write it: the names [`IdKind::as_str`]
    /// prints, FollowTheMoney property names (`idNumber`, `registrationNumber`, `taxNumber`,
    /// `innCode`, `ogrnCode`, `imoNumber`, `mmsi`, `callSign`, `swiftBic`, `leiCode`, `isin`,
    /// ...), and the labels of OFAC's remarks (`Tax ID No.`, `National ID No.`, `Cedula No.`,
    /// `SWIFT/BIC`, `Vessel Registration Identification`, ...), in any case, spacing and
    /// punctuation. `None` for a type it does not know: callers compare such an identifier as
    /// untyped ([`IdKind::Other`]) rather than refuse it.
    pub fn parse(s: &str) -> Option<IdKind> {
        let key = label_key(s);
        if key.is_empty() {
            return None;
        }
        if key.starts_with("digital_currency_address") {
            // "Digital Currency Address - XBT": the currency is part of OFAC's label.
            return Some(IdKind::DigitalCurrencyAddress);
        }
        ID_LABELS.iter().find(|(label, _)| *label == key).map(|&(_, kind)| kind)
    }
}

/// An identifier label folded for lookup: camelCase split into words, lowercase ASCII letters
/// and digits joined by `_`, and the words that say "number" dropped (`Tax ID No.` → `tax_id`,
/// `registrationNumber` → `registration`).
fn label_key(label: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    let mut chars = label.trim().chars().peekable();
    while let Some(c) = chars.next() {
        let next_is_alphanumeric = chars.peek().is_some_and(char::is_ascii_alphanumeric);
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && previous_lower && !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            word.push(c.to_ascii_lowercase());
        } else if (c == '\'' || c == '.') && next_is_alphanumeric {
            // "Driver's", and initials such as "C.U.R.P." and "D.N.I.", stay one word.
            previous_lower = false;
        } else {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            previous_lower = false;
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    let n_words = words.len();
    words.retain(|w| !matches!(w.as_str(), "no" | "number" | "num" | "nr" | "code" | "of"));
    // "ID number" (FollowTheMoney's `idNumber`) is an untyped number, not an id column.
    if words == ["id"] && n_words > 1 {
        return "id_number".to_string();
    }
    words.join("_")
}

/// Identifier labels, folded by [`label_key`], and their kinds.
const ID_LABELS: &[(&str, IdKind)] = &[
    // The kinds' own names and common spellings.
    ("passport", IdKind::Passport),
    ("passport_id", IdKind::Passport),
    ("diplomatic_passport", IdKind::DiplomaticPassport),
    ("national_id", IdKind::NationalId),
    ("nationalid", IdKind::NationalId),
    ("national_identification", IdKind::NationalId),
    ("identification", IdKind::NationalId),
    ("identity_card", IdKind::NationalId),
    ("id_card", IdKind::NationalId),
    ("cedula", IdKind::NationalId),
    ("curp", IdKind::NationalId),
    ("dni", IdKind::NationalId),
    ("personal_id", IdKind::NationalId),
    ("tax_id", IdKind::TaxId),
    ("taxid", IdKind::TaxId),
    ("tax", IdKind::TaxId),
    ("tin", IdKind::TaxId),
    ("vat", IdKind::TaxId),
    ("inn", IdKind::TaxId),
    ("rfc", IdKind::TaxId),
    ("nit", IdKind::TaxId),
    ("ruc", IdKind::TaxId),
    ("registration", IdKind::RegistrationNumber),
    ("registration_id", IdKind::RegistrationNumber),
    ("regno", IdKind::RegistrationNumber),
    ("reg", IdKind::RegistrationNumber),
    ("business_registration", IdKind::RegistrationNumber),
    ("company", IdKind::RegistrationNumber),
    ("ogrn", IdKind::RegistrationNumber),
    ("okpo", IdKind::RegistrationNumber),
    ("kpp", IdKind::RegistrationNumber),
    ("uscc", IdKind::Uscc),
    ("unified_social_credit", IdKind::Uscc),
    ("unified_social_credit_uscc", IdKind::Uscc),
    ("isin", IdKind::Isin),
    ("equity_ticker", IdKind::EquityTicker),
    ("ticker", IdKind::EquityTicker),
    ("imo", IdKind::Imo),
    ("vessel_registration_identification", IdKind::Imo),
    ("vessel_registration_identification_imo", IdKind::Imo),
    ("mmsi", IdKind::Mmsi),
    ("call_sign", IdKind::CallSign),
    ("callsign", IdKind::CallSign),
    ("swift_bic", IdKind::SwiftBic),
    ("swift", IdKind::SwiftBic),
    ("bic", IdKind::SwiftBic),
    ("lei", IdKind::Lei),
    ("legal_entity", IdKind::Lei),
    ("email", IdKind::Email),
    ("email_address", IdKind::Email),
    ("website", IdKind::Website),
    ("url", IdKind::Website),
    ("phone", IdKind::Phone),
    ("fax", IdKind::Phone),
    ("digital_currency_address", IdKind::DigitalCurrencyAddress),
    ("crypto", IdKind::DigitalCurrencyAddress),
    ("crypto_wallet", IdKind::DigitalCurrencyAddress),
    ("wallet", IdKind::DigitalCurrencyAddress),
    ("ssn", IdKind::Ssn),
    ("social_security", IdKind::Ssn),
    ("drivers_license", IdKind::DriversLicense),
    ("driver_license", IdKind::DriversLicense),
    ("aircraft_serial", IdKind::AircraftSerial),
    ("msn", IdKind::AircraftSerial),
    ("aircraft_manufacturers_serial_msn", IdKind::AircraftSerial),
    ("aircraft_tail", IdKind::AircraftTail),
    ("tail", IdKind::AircraftTail),
    ("other", IdKind::Other),
    // FollowTheMoney property names not covered above (after label_key, `taxNumber` is `tax`,
    // `imoNumber` `imo`, `leiCode` `lei`, `innCode` `inn`, `ogrnCode` `ogrn`, `passportNumber`
    // `passport`, `vatCode` `vat`): `idNumber` and `dunsCode` say nothing of the kind.
    ("id_number", IdKind::Other),
    ("duns", IdKind::Other),
];

/// A typed identifier: a document number, a code or an address that points at one entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Identifier {
    /// What kind of identifier it is.
    pub kind: IdKind,
    /// The value as published.
    pub value: String,
    /// The issuing country (for tickers: the exchange's country), as the list wrote it.
    pub country: Option<String>,
    /// For digital currency addresses: the currency code (`XBT`, `ETH`, ...).
    pub currency: Option<String>,
    /// The list's own label for it (`Passport`, `UK Company Number`, ...).
    pub label: String,
    /// Anything else the list says about it (issue and expiry dates, "Diplomatic", ...).
    pub details: Option<String>,
}

/// A postal address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Address {
    /// Street lines, as published.
    pub street: Option<String>,
    /// City, state or province, and postal code, as published.
    pub city: Option<String>,
    /// Country, as published.
    pub country: Option<String>,
    /// A remark the list attaches to the address.
    pub remark: Option<String>,
}

impl Address {
    /// The address on one line.
    pub fn one_line(&self) -> String {
        [&self.street, &self.city, &self.country]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Gender, where a list states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    /// Male.
    Male,
    /// Female.
    Female,
}

/// Which list-specific date of a designation a [`ListDate`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListDateKind {
    /// The day the entry was put on the list.
    Listing,
    /// The day the restrictions take effect.
    Effective,
    /// The last day of the window for divestment sales.
    Divestment,
}

/// A dated provision that the list data carries, such as `Listing Date (CMIC) 03 Jun 2021`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ListDate {
    /// Which date.
    pub kind: ListDateKind,
    /// The date.
    pub date: DateSpec,
    /// The rule or program the date belongs to, as the list wrote it (`CMIC`, `EO 14024 Directive 3`).
    pub scope: String,
}

/// A link to another entry (`Linked To: NAME.`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Link {
    /// How the list describes the relation (`linked_to`, `issuer`).
    pub relation: String,
    /// The other entry's name as written.
    pub name: String,
}

/// Ship particulars.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Vessel {
    /// Vessel type (`General Cargo`, `Crude Oil Tanker`, ...).
    pub vessel_type: Option<String>,
    /// Flag state.
    pub flag: Option<String>,
    /// Owner or operator as published.
    pub owner: Option<String>,
    /// Tonnage.
    pub tonnage: Option<String>,
    /// Gross registered tonnage.
    pub gross_registered_tonnage: Option<String>,
}

/// A labelled fact the model recognises but keeps as text (`Target Type`, `Secondary sanctions risk`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Attribute {
    /// The list's label.
    pub label: String,
    /// The value, verbatim.
    pub value: String,
}

/// An entry of a restricted-party list.
///
/// Multi-valued fields keep the list's order; the primary name is always first in `names`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entity {
    /// The id in the source (`48603` for OFAC ent_num 48603).
    pub id: String,
    /// What kind of thing it is.
    pub schema: Schema,
    /// Names, primary first.
    pub names: Vec<Name>,
    /// Sanctions programs (`SDGT`, `CMIC-EO13959`, ...).
    pub programs: Vec<String>,
    /// Title or position, for persons.
    pub title: Option<String>,
    /// Typed identifiers.
    pub identifiers: Vec<Identifier>,
    /// Dates of birth (or of establishment for organizations, where the list says so).
    pub birth_dates: Vec<DateSpec>,
    /// Places of birth, as written.
    pub birth_places: Vec<String>,
    /// Nationalities, as written.
    pub nationalities: Vec<String>,
    /// Citizenships, as written.
    pub citizenships: Vec<String>,
    /// Gender.
    pub gender: Option<Gender>,
    /// Addresses.
    pub addresses: Vec<Address>,
    /// Links to other entries.
    pub links: Vec<Link>,
    /// Dates of the designation that the list data carries.
    pub list_dates: Vec<ListDate>,
    /// Ship particulars, for vessels.
    pub vessel: Option<Vessel>,
    /// Recognised facts kept as labelled text.
    pub attributes: Vec<Attribute>,
    /// Remark items that could not be typed, verbatim. Kept so that nothing is lost.
    pub untyped_remarks: Vec<String>,
    /// The complete remarks, verbatim.
    pub remarks: Option<String>,
}

impl Entity {
    /// An entity with an id, a schema and a primary name, and nothing else.
    pub fn new(id: impl Into<String>, schema: Schema, primary_name: impl Into<String>) -> Entity {
        Entity {
            id: id.into(),
            schema,
            names: vec![Name { value: primary_name.into(), kind: NameKind::Primary, remark: None }],
            programs: Vec::new(),
            title: None,
            identifiers: Vec::new(),
            birth_dates: Vec::new(),
            birth_places: Vec::new(),
            nationalities: Vec::new(),
            citizenships: Vec::new(),
            gender: None,
            addresses: Vec::new(),
            links: Vec::new(),
            list_dates: Vec::new(),
            vessel: None,
            attributes: Vec::new(),
            untyped_remarks: Vec::new(),
            remarks: None,
        }
    }

    /// The primary name (the first name), or the empty string for an entry without names.
    pub fn primary_name(&self) -> &str {
        self.names.first().map(|n| n.value.as_str()).unwrap_or("")
    }

    /// The identifiers of one kind.
    pub fn identifiers_of(&self, kind: IdKind) -> impl Iterator<Item = &Identifier> + '_ {
        self.identifiers.iter().filter(move |id| id.kind == kind)
    }

    /// The list date of a kind, if the entry carries one.
    pub fn list_date(&self, kind: ListDateKind) -> Option<&ListDate> {
        self.list_dates.iter().find(|d| d.kind == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::IdKind;

    fn check(labels: &[&str], expected: Option<IdKind>) {
        for label in labels {
            assert_eq!(IdKind::parse(label), expected, "{label}");
        }
    }

    #[test]
    fn identifier_types_are_read_as_callers_and_lists_write_them() {
        check(&["isin", "ISIN", " Isin "], Some(IdKind::Isin));
        check(
            &["tax_id", "Tax ID No.", "taxNumber", "innCode", "INN", "RFC", "NIT #", "vatCode"],
            Some(IdKind::TaxId),
        );
        check(
            &[
                "national_id",
                "National ID No.",
                "Cedula No.",
                "C.U.R.P.",
                "D.N.I.",
                "Identification Number",
            ],
            Some(IdKind::NationalId),
        );
        check(
            &[
                "registrationNumber",
                "Registration Number",
                "Registration ID",
                "ogrnCode",
                "Business Registration Number",
                "Company Number",
            ],
            Some(IdKind::RegistrationNumber),
        );
        check(&["imoNumber", "IMO", "Vessel Registration Identification IMO"], Some(IdKind::Imo));
        check(&["mmsi", "MMSI"], Some(IdKind::Mmsi));
        check(&["callSign", "Call Sign", "call-sign"], Some(IdKind::CallSign));
        check(&["swiftBic", "SWIFT/BIC", "swift_bic"], Some(IdKind::SwiftBic));
        check(&["leiCode", "LEI", "Legal Entity Number"], Some(IdKind::Lei));
        check(&["passportNumber", "Passport", "passport"], Some(IdKind::Passport));
        check(&["Unified Social Credit Code (USCC)", "uscc"], Some(IdKind::Uscc));
        check(
            &["Digital Currency Address - XBT", "digital_currency_address"],
            Some(IdKind::DigitalCurrencyAddress),
        );
        check(&["Driver's License No.", "drivers_license"], Some(IdKind::DriversLicense));
        check(
            &["Aircraft Manufacturer's Serial Number (MSN)", "msn"],
            Some(IdKind::AircraftSerial),
        );
        check(&["idNumber", "ID Number", "dunsCode"], Some(IdKind::Other));
        // A bare "id" is a record's id column, not an identifier type; unknown types are None.
        check(&["id", "", "colour", "---"], None);
    }

    #[test]
    fn every_kind_parses_back_from_its_own_name() {
        for kind in [
            IdKind::Passport,
            IdKind::DiplomaticPassport,
            IdKind::NationalId,
            IdKind::TaxId,
            IdKind::RegistrationNumber,
            IdKind::Uscc,
            IdKind::Isin,
            IdKind::EquityTicker,
            IdKind::Imo,
            IdKind::Mmsi,
            IdKind::CallSign,
            IdKind::SwiftBic,
            IdKind::Lei,
            IdKind::Email,
            IdKind::Website,
            IdKind::Phone,
            IdKind::DigitalCurrencyAddress,
            IdKind::Ssn,
            IdKind::DriversLicense,
            IdKind::AircraftSerial,
            IdKind::AircraftTail,
            IdKind::Other,
        ] {
            assert_eq!(IdKind::parse(kind.as_str()), Some(kind), "{}", kind.as_str());
        }
    }
}

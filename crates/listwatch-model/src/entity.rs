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

    /// Parses a kind name as printed by [`IdKind::as_str`], plus a few common spellings.
    pub fn parse(s: &str) -> Option<IdKind> {
        let lower = s.trim().to_ascii_lowercase().replace(['-', ' ', '/'], "_");
        Some(match lower.as_str() {
            "passport" => IdKind::Passport,
            "diplomatic_passport" => IdKind::DiplomaticPassport,
            "national_id" | "nationalid" | "id" | "id_number" => IdKind::NationalId,
            "tax_id" | "taxid" | "tin" | "vat" | "inn" => IdKind::TaxId,
            "registration_number" | "registration" | "regno" | "reg_number" => {
                IdKind::RegistrationNumber
            }
            "uscc" => IdKind::Uscc,
            "isin" => IdKind::Isin,
            "equity_ticker" | "ticker" => IdKind::EquityTicker,
            "imo" => IdKind::Imo,
            "mmsi" => IdKind::Mmsi,
            "call_sign" | "callsign" => IdKind::CallSign,
            "swift_bic" | "swift" | "bic" => IdKind::SwiftBic,
            "lei" => IdKind::Lei,
            "email" | "email_address" => IdKind::Email,
            "website" | "url" => IdKind::Website,
            "phone" | "fax" => IdKind::Phone,
            "digital_currency_address" | "crypto" | "wallet" => IdKind::DigitalCurrencyAddress,
            "ssn" => IdKind::Ssn,
            "drivers_license" | "driver_license" => IdKind::DriversLicense,
            "aircraft_serial" | "msn" => IdKind::AircraftSerial,
            "aircraft_tail" | "tail_number" => IdKind::AircraftTail,
            "other" => IdKind::Other,
            _ => return None,
        })
    }
}

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

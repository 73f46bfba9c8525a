//! Calendar dates as sanctions lists write them: exact, partial (`1965`, `Mar 1965`),
//! approximate (`circa 1960`) and ranges (`1960 to 1962`).
//!
//! Dates are proleptic Gregorian civil dates with no time zone: a list says "listed on 3 Jun 2021",
//! not at which instant. Day arithmetic uses Howard Hinnant's `days_from_civil` algorithm, so the
//! model needs no calendar dependency.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Parses `YYYY-MM-DD` (and, unless `full`, `YYYY` or `YYYY-MM`), saying what is wrong with the
/// text when it is refused.
fn parse_iso_parts(s: &str, full: bool) -> Result<PartialDate, DateError> {
    let expected = if full { "YYYY-MM-DD" } else { "YYYY, YYYY-MM or YYYY-MM-DD" };
    let err = |reason: String| Err(DateError::new(s, reason));
    if s.trim().is_empty() {
        return err(format!("expected {expected}"));
    }
    if s.trim() != s {
        return err(format!("expected {expected} without spaces"));
    }
    if let Some(sep) = s.chars().find(|c| matches!(c, '/' | '.' | ' ' | '_')) {
        return err(format!("expected {expected}, with '-' between the parts, not '{sep}'"));
    }
    let parts: Vec<&str> = s.split('-').collect();
    if let Some(bad) = parts.iter().find(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return err(if bad.is_empty() {
            format!("expected {expected}: a part is empty")
        } else {
            format!("expected {expected}: {bad:?} is not a number")
        });
    }
    if parts.len() > 3 {
        return err(format!("expected {expected}: too many parts"));
    }
    if full && parts.len() < 3 {
        return err(format!(
            "expected a full date YYYY-MM-DD, not {}",
            if parts.len() == 1 { "a year" } else { "a month" }
        ));
    }
    if parts.len() == 3 && parts[2].len() == 4 && parts[0].len() <= 2 {
        return err(format!("expected {expected}: the year comes first"));
    }
    if parts[0].len() != 4 {
        return err(format!("expected {expected} with a four-digit year"));
    }
    if parts[1..].iter().any(|p| p.len() != 2) {
        let padded: Vec<String> = parts
            .iter()
            .map(|p| if p.len() == 1 { format!("0{p}") } else { p.to_string() })
            .collect();
        return err(format!(
            "expected {expected} with two-digit months and days (such as {})",
            padded.join("-")
        ));
    }
    // Every part is 2 or 4 ASCII digits: the parses cannot fail.
    let number = |part: &str| part.parse::<u32>().unwrap_or(0);
    let year = number(parts[0]) as i32;
    if year == 0 {
        return err("the year must be 0001 to 9999".to_string());
    }
    let Some(month) = parts.get(1).map(|m| number(m) as u8) else {
        return PartialDate::year_only(year);
    };
    if !(1..=12).contains(&month) {
        return err(format!("the month must be 01 to 12, not {month:02}"));
    }
    let Some(day) = parts.get(2).map(|d| number(d) as u8) else {
        return PartialDate::year_month(year, month);
    };
    if day == 0 || day > days_in_month(year, month) {
        return err(bad_day(year, month, day));
    }
    Date::new(year, month, day).map(PartialDate::from)
}

/// A complete calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i16,
    month: u8,
    day: u8,
}

/// A date that may lack its day, or its month and day.
///
/// Ordering compares the known parts first and sorts a less precise date before a more precise one
/// with the same known parts (`1965` < `1965-01` < `1965-01-01`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    year: i16,
    month: Option<u8>,
    day: Option<u8>,
}

/// A date as a list states it: on a (partial) date, about a date, or between two dates.
///
/// Written in ISO 8601 / EDTF form: `1965`, `1965-03`, `1965-03-04`, `1960~` (approximate),
/// `1960/1962` (between).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DateSpec {
    /// On this date, at the precision given.
    On(PartialDate),
    /// About this date (`circa`, `approximately`).
    Circa(PartialDate),
    /// Some time between the two dates, both included.
    Between(PartialDate, PartialDate),
}

/// Why a date string was refused: the text and what is wrong with it, such as
/// `2021-02-30: February 2021 has 28 days`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateError {
    input: String,
    reason: String,
}

impl DateError {
    fn new(input: &str, reason: impl Into<String>) -> DateError {
        DateError { input: input.to_string(), reason: reason.into() }
    }
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.input.trim().is_empty() {
            write!(f, "empty date: {}", self.reason)
        } else {
            write!(f, "{}: {}", self.input, self.reason)
        }
    }
}

impl std::error::Error for DateError {}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// What is wrong with a day that does not exist in its month.
fn bad_day(year: i32, month: u8, day: u8) -> String {
    let days = days_in_month(year, month);
    let name = MONTH_NAMES[usize::from(month - 1)];
    if day == 0 {
        format!("there is no day 00; days are 01 to {days}")
    } else if month == 2 && day == 29 {
        format!("{year} is not a leap year: {name} {year} has 28 days")
    } else {
        format!("{name} {year} has {days} days")
    }
}

const MONTHS: [&str; 12] =
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// Builds a date, checking that the day exists in that month.
    pub fn new(year: i32, month: u8, day: u8) -> Result<Date, DateError> {
        let input = format!("{year:04}-{month:02}-{day:02}");
        if !(1..=9999).contains(&year) {
            return Err(DateError::new(&input, "the year must be 0001 to 9999"));
        }
        if !(1..=12).contains(&month) {
            return Err(DateError::new(
                &input,
                format!("the month must be 01 to 12, not {month:02}"),
            ));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(DateError::new(&input, bad_day(year, month, day)));
        }
        Ok(Date { year: year as i16, month, day })
    }

    /// The year.
    pub fn year(self) -> i32 {
        i32::from(self.year)
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, from 1.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before).
    pub fn to_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01. Returns `None` outside years 1 to 9999.
    pub fn from_days(days: i64) -> Option<Date> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = yoe + era * 400 + i64::from(month <= 2);
        if !(1..=9999).contains(&year) {
            return None;
        }
        Some(Date { year: year as i16, month, day })
    }

    /// This date plus `days` (which may be negative), saturating at the ends of the range.
    pub fn add_days(self, days: i64) -> Date {
        Date::from_days(self.to_days() + days).unwrap_or(if days < 0 {
            Date::MIN
        } else {
            Date::MAX
        })
    }

    /// The earliest representable date.
    pub const MIN: Date = Date { year: 1, month: 1, day: 1 };
    /// The latest representable date.
    pub const MAX: Date = Date { year: 9999, month: 12, day: 31 };

    /// Parses `YYYY-MM-DD`.
    pub fn parse_iso(s: &str) -> Result<Date, DateError> {
        match parse_iso_parts(s, true)? {
            PartialDate { year, month: Some(month), day: Some(day) } => {
                Date::new(i32::from(year), month, day)
            }
            _ => Err(DateError::new(s, "expected a full date YYYY-MM-DD")),
        }
    }

    /// The date today in UTC, from the system clock.
    pub fn today_utc() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Date::from_days(secs.div_euclid(86_400)).unwrap_or(Date::MIN)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Date, DateError> {
        Date::parse_iso(s)
    }
}

impl From<Date> for PartialDate {
    fn from(date: Date) -> PartialDate {
        PartialDate { year: date.year, month: Some(date.month), day: Some(date.day) }
    }
}

impl PartialDate {
    /// A year alone.
    pub fn year_only(year: i32) -> Result<PartialDate, DateError> {
        if !(1..=9999).contains(&year) {
            return Err(DateError::new(&year.to_string(), "the year must be 0001 to 9999"));
        }
        Ok(PartialDate { year: year as i16, month: None, day: None })
    }

    /// A year and month.
    pub fn year_month(year: i32, month: u8) -> Result<PartialDate, DateError> {
        let mut date = PartialDate::year_only(year)?;
        if !(1..=12).contains(&month) {
            return Err(DateError::new(
                &format!("{year:04}-{month:02}"),
                format!("the month must be 01 to 12, not {month:02}"),
            ));
        }
        date.month = Some(month);
        Ok(date)
    }

    /// The year.
    pub fn year(self) -> i32 {
        i32::from(self.year)
    }

    /// The month, if known.
    pub fn month(self) -> Option<u8> {
        self.month
    }

    /// The day, if known.
    pub fn day(self) -> Option<u8> {
        self.day
    }

    /// The full date, if day and month are known.
    pub fn to_date(self) -> Option<Date> {
        Date::new(i32::from(self.year), self.month?, self.day?).ok()
    }

    /// The first day this partial date can mean.
    pub fn first_day(self) -> Date {
        Date { year: self.year, month: self.month.unwrap_or(1), day: self.day.unwrap_or(1) }
    }

    /// The last day this partial date can mean.
    pub fn last_day(self) -> Date {
        let month = self.month.unwrap_or(12);
        let day = self.day.unwrap_or_else(|| days_in_month(i32::from(self.year), month));
        Date { year: self.year, month, day }
    }

    /// Parses ISO 8601 with reduced precision: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse_iso(s: &str) -> Result<PartialDate, DateError> {
        parse_iso_parts(s, false)
    }

    /// Parses the English forms lists use: `12 Oct 1972`, `Oct 1972`, `1972`, also `12 October 1972`
    /// and ISO forms.
    pub fn parse_loose(s: &str) -> Result<PartialDate, DateError> {
        let s = s.trim().trim_end_matches('.');
        if s.contains('-') && s.starts_with(|c: char| c.is_ascii_digit()) {
            match PartialDate::parse_iso(s) {
                Ok(date) => return Ok(date),
                // Digits and dashes only: an ISO date, and its own error says what is wrong
                // with it (`1952-02-30: February 1952 has 29 days`).
                Err(err) if s.bytes().all(|b| b.is_ascii_digit() || b == b'-') => return Err(err),
                Err(_) => {}
            }
        }
        let words: Vec<&str> = s.split_whitespace().collect();
        let month = |word: &str| -> Option<u8> {
            let lower = word.trim_end_matches(['.', ',']).to_ascii_lowercase();
            if lower.len() < 3 {
                return None;
            }
            MONTHS.iter().position(|m| lower.starts_with(m)).map(|i| i as u8 + 1)
        };
        let year = |word: &str| -> Result<i32, DateError> {
            let word = word.trim_end_matches([',', '.']);
            if word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit()) {
                word.parse().map_err(|_| DateError::new(s, "bad year"))
            } else {
                Err(DateError::new(s, "expected a four-digit year"))
            }
        };
        match words.as_slice() {
            [y] => PartialDate::year_only(year(y)?),
            [m, y] => {
                let month = month(m).ok_or_else(|| DateError::new(s, "unknown month"))?;
                PartialDate::year_month(year(y)?, month)
            }
            [d, m, y] => {
                let day: u8 = d
                    .trim_end_matches(',')
                    .parse()
                    .map_err(|_| DateError::new(s, "expected a day number"))?;
                let month = month(m).ok_or_else(|| DateError::new(s, "unknown month"))?;
                Date::new(year(y)?, month, day).map(PartialDate::from)
            }
            _ => Err(DateError::new(s, "expected DD Mon YYYY, Mon YYYY or YYYY")),
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(month) = self.month {
            write!(f, "-{month:02}")?;
            if let Some(day) = self.day {
                write!(f, "-{day:02}")?;
            }
        }
        Ok(())
    }
}

impl FromStr for PartialDate {
    type Err = DateError;
    fn from_str(s: &str) -> Result<PartialDate, DateError> {
        PartialDate::parse_iso(s)
    }
}

impl DateSpec {
    /// Parses what lists write: `12 Oct 1972`, `circa 1960`, `1960 to 1962`, `Jan 1970`,
    /// `approximately 1955`, and the ISO / EDTF forms this type prints.
    pub fn parse_loose(s: &str) -> Result<DateSpec, DateError> {
        let trimmed = s.trim().trim_end_matches('.');
        let lower = trimmed.to_ascii_lowercase();
        for prefix in ["circa ", "approximately ", "approx. ", "approx ", "about ", "c. ", "ca. "] {
            if let Some(rest) = lower.strip_prefix(prefix) {
                let start = trimmed.len() - rest.len();
                return PartialDate::parse_loose(&trimmed[start..]).map(DateSpec::Circa);
            }
        }
        if let Some(rest) = trimmed.strip_suffix('~') {
            return PartialDate::parse_loose(rest).map(DateSpec::Circa);
        }
        for sep in [" to ", " - ", "/"] {
            if let Some((from, to)) = trimmed.split_once(sep) {
                let from = PartialDate::parse_loose(from)?;
                let to = PartialDate::parse_loose(to)?;
                if to.last_day() < from.first_day() {
                    return Err(DateError::new(s, "range ends before it starts"));
                }
                return Ok(DateSpec::Between(from, to));
            }
        }
        PartialDate::parse_loose(trimmed).map(DateSpec::On)
    }

    /// The earliest day the spec allows (an approximate date is taken at its stated value).
    pub fn first_day(self) -> Date {
        match self {
            DateSpec::On(d) | DateSpec::Circa(d) | DateSpec::Between(d, _) => d.first_day(),
        }
    }

    /// The latest day the spec allows.
    pub fn last_day(self) -> Date {
        match self {
            DateSpec::On(d) | DateSpec::Circa(d) | DateSpec::Between(_, d) => d.last_day(),
        }
    }

    /// The exact date, if the spec names one full date.
    pub fn exact(self) -> Option<Date> {
        match self {
            DateSpec::On(d) => d.to_date(),
            _ => None,
        }
    }
}

impl fmt::Display for DateSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateSpec::On(d) => write!(f, "{d}"),
            DateSpec::Circa(d) => write!(f, "{d}~"),
            DateSpec::Between(a, b) => write!(f, "{a}/{b}"),
        }
    }
}

impl FromStr for DateSpec {
    type Err = DateError;
    fn from_str(s: &str) -> Result<DateSpec, DateError> {
        DateSpec::parse_loose(s)
    }
}

impl PartialOrd<Date> for PartialDate {
    fn partial_cmp(&self, other: &Date) -> Option<Ordering> {
        Some(self.first_day().cmp(other))
    }
}

impl PartialEq<Date> for PartialDate {
    fn eq(&self, other: &Date) -> bool {
        self.to_date() == Some(*other)
    }
}

// Dates travel as their ISO / EDTF strings, in JSON and in the store alike, so stored data stays
// readable and the JSON contract ("2021-08-02", "1965", "1965-03") holds by construction.
macro_rules! string_serde {
    ($ty:ty) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
string_serde!(Date);
string_serde!(PartialDate);
string_serde!(DateSpec);

#[cfg(test)]
#[path = "date_tests.rs"]
mod tests;

//! Identifier normal forms and check digits, so that `US16941M1099`, `us 16941m1099` and
//! `US-16941M-1099` compare equal and a mistyped ISIN or IMO number is caught.

use crate::entity::IdKind;

/// The normal form of an identifier value for exact comparison: for most kinds, uppercase ASCII
/// letters and digits only; e-mail addresses and websites lowercased and trimmed; digital currency
/// addresses as published (they are case-sensitive), trimmed.
pub fn normalize_identifier(kind: IdKind, value: &str) -> String {
    let value = value.trim();
    match kind {
        IdKind::DigitalCurrencyAddress => value.to_string(),
        IdKind::Email => value.to_lowercase(),
        IdKind::Website => {
            let lower = value.to_lowercase();
            let lower = lower.trim_end_matches('/');
            let lower = lower
                .strip_prefix("https://")
                .or_else(|| lower.strip_prefix("http://"))
                .unwrap_or(lower);
            lower.strip_prefix("www.").unwrap_or(lower).to_string()
        }
        IdKind::Imo => {
            let upper: String = value
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_uppercase();
            upper.strip_prefix("IMO").map(str::to_string).unwrap_or(upper)
        }
        _ => value
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect(),
    }
}

/// Why an identifier value is not valid for its kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidIdentifier(pub String);

impl std::fmt::Display for InvalidIdentifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidIdentifier {}

/// Checks an identifier's shape and check digit where its kind has one (ISIN, IMO, LEI, USCC,
/// SWIFT/BIC, MMSI). Other kinds are accepted as they are. Takes the normalized value.
pub fn validate_identifier(kind: IdKind, normalized: &str) -> Result<(), InvalidIdentifier> {
    let invalid = |reason: String| Err(InvalidIdentifier(reason));
    match kind {
        IdKind::Isin => {
            if normalized.len() != 12
                || !normalized[..2].bytes().all(|b| b.is_ascii_uppercase())
                || !normalized.bytes().all(|b| b.is_ascii_alphanumeric())
                || !normalized.as_bytes()[11].is_ascii_digit()
            {
                return invalid(format!(
                    "ISIN {normalized:?} must be 2 letters, 9 letters or digits, and a check digit"
                ));
            }
            let expected = isin_check_digit(&normalized[..11]);
            let found = u32::from(normalized.as_bytes()[11] - b'0');
            if expected != found {
                return invalid(format!(
                    "ISIN {normalized} has check digit {found}, but its first 11 characters give {expected}"
                ));
            }
            Ok(())
        }
        IdKind::Imo => {
            if normalized.len() != 7 || !normalized.bytes().all(|b| b.is_ascii_digit()) {
                return invalid(format!("IMO number {normalized:?} must have 7 digits"));
            }
            let digits: Vec<u32> = normalized.bytes().map(|b| u32::from(b - b'0')).collect();
            // Ship numbers: the weighted sum (weights 7..2) of the first six digits ends in the
            // seventh. IMO company numbers have no such check: validate only ship numbers.
            let sum: u32 = digits[..6].iter().zip((2..=7).rev()).map(|(d, w)| d * w).sum();
            if sum % 10 != digits[6] {
                return invalid(format!(
                    "IMO number {normalized} fails its check digit (expected {})",
                    sum % 10
                ));
            }
            Ok(())
        }
        IdKind::Lei => {
            if normalized.len() != 20 || !normalized.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return invalid(format!("LEI {normalized:?} must have 20 letters or digits"));
            }
            if mod97(normalized) != 1 {
                return invalid(format!("LEI {normalized} fails its ISO 7064 check"));
            }
            Ok(())
        }
        IdKind::Uscc => {
            if normalized.len() != 18 {
                return invalid(format!("USCC {normalized:?} must have 18 characters"));
            }
            uscc_check(normalized).map_err(InvalidIdentifier)
        }
        IdKind::SwiftBic => {
            let ok = (normalized.len() == 8 || normalized.len() == 11)
                && normalized[..6].bytes().all(|b| b.is_ascii_uppercase())
                && normalized.bytes().all(|b| b.is_ascii_alphanumeric());
            if ok {
                Ok(())
            } else {
                invalid(format!(
                    "SWIFT/BIC {normalized:?} must be 8 or 11 characters, the first six letters"
                ))
            }
        }
        IdKind::Mmsi => {
            if normalized.len() == 9 && normalized.bytes().all(|b| b.is_ascii_digit()) {
                Ok(())
            } else {
                invalid(format!("MMSI {normalized:?} must have 9 digits"))
            }
        }
        _ => Ok(()),
    }
}

/// The ISIN check digit of the first 11 characters (Luhn over the letters expanded to numbers).
fn isin_check_digit(body: &str) -> u32 {
    let mut digits = Vec::with_capacity(22);
    for b in body.bytes() {
        if b.is_ascii_digit() {
            digits.push(u32::from(b - b'0'));
        } else {
            let value = u32::from(b - b'A') + 10;
            digits.push(value / 10);
            digits.push(value % 10);
        }
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(idx, &d)| {
            if idx % 2 == 0 {
                let doubled = d * 2;
                doubled / 10 + doubled % 10
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

fn mod97(value: &str) -> u32 {
    value.bytes().fold(0u32, |acc, b| {
        let n = if b.is_ascii_digit() { u32::from(b - b'0') } else { u32::from(b - b'A') + 10 };
        if n >= 10 { (acc * 100 + n) % 97 } else { (acc * 10 + n) % 97 }
    })
}

/// GB 32100-2015: the 18th character checks the first 17, over an alphabet of 31 characters.
fn uscc_check(code: &str) -> Result<(), String> {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    let value = |b: u8| ALPHABET.iter().position(|&a| a == b).map(|p| p as u32);
    let mut sum = 0;
    for (idx, b) in code.bytes().take(17).enumerate() {
        sum += value(b).ok_or_else(|| {
            format!("USCC {code} has {:?}, which the code's alphabet lacks", b as char)
        })? * WEIGHTS[idx];
    }
    let expected = ALPHABET[((31 - sum % 31) % 31) as usize];
    if code.as_bytes()[17] == expected {
        Ok(())
    } else {
        Err(format!(
            "USCC {code} has check character {:?}, expected {:?}",
            code.as_bytes()[17] as char,
            expected as char
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(kind: IdKind, raw: &str, valid: bool) {
        let normalized = normalize_identifier(kind, raw);
        assert_eq!(
            validate_identifier(kind, &normalized).is_ok(),
            valid,
            "{kind:?} {raw} -> {normalized}"
        );
    }

    #[test]
    fn real_cmic_isins_validate_and_a_changed_digit_does_not() {
        check(IdKind::Isin, "US16941M1099", true);
        check(IdKind::Isin, "HK0941009539", true);
        check(IdKind::Isin, "CNE100000PM8", true);
        check(IdKind::Isin, "us 16941m1099", true);
        check(IdKind::Isin, "US16941M1098", false);
        check(IdKind::Isin, "US0378331005", true);
        check(IdKind::Isin, "XS1432320429", true);
    }

    #[test]
    fn imo_numbers_check_their_last_digit() {
        check(IdKind::Imo, "IMO 9187629", true);
        check(IdKind::Imo, "9074729", true);
        check(IdKind::Imo, "9187628", false);
        assert_eq!(normalize_identifier(IdKind::Imo, "IMO 9187629"), "9187629");
    }

    #[test]
    fn uscc_and_lei_check_characters() {
        check(IdKind::Uscc, "914403001922038216", true);
        check(IdKind::Uscc, "91330000733796106P", true);
        check(IdKind::Uscc, "91330000733796106Q", false);
        check(IdKind::Lei, "5299007NTWCC3U23WM81", true);
        check(IdKind::Lei, "5299007NTWCC3U23WM82", false);
    }

    #[test]
    fn normal_forms_ignore_case_spacing_and_punctuation() {
        assert_eq!(normalize_identifier(IdKind::Passport, "g 649-385"), "G649385");
        assert_eq!(normalize_identifier(IdKind::Website, "https://www.gicdf.org/"), "gicdf.org");
        assert_eq!(normalize_identifier(IdKind::DigitalCurrencyAddress, " 1DT3ten "), "1DT3ten");
    }
}

//! Han characters to pinyin without tones, through the `pinyin` crate's tables.

use pinyin::{ToPinyin, ToPinyinMulti};

/// Whether `c` is a CJK unified or compatibility ideograph.
pub(crate) fn is_han(c: char) -> bool {
    matches!(u32::from(c), 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x323AF)
}

/// The most common reading of a Han character, folded; `None` if the table lacks it.
pub(crate) fn default_reading(c: char) -> Option<&'static str> {
    c.to_pinyin().map(|pinyin| fold_reading(pinyin.plain()))
}

/// Every reading of a Han character, folded and without repeats, most common first.
pub(crate) fn readings(c: char) -> Vec<&'static str> {
    let mut readings: Vec<&'static str> = Vec::new();
    for pinyin in c.to_pinyin_multi().into_iter().flatten() {
        let reading = fold_reading(pinyin.plain());
        if !readings.contains(&reading) {
            readings.push(reading);
        }
    }
    readings
}

/// Pinyin's plain style keeps "ü" (and "ê" for one interjection); spell them in ASCII the way
/// passports do ("lü" -> "lu").
///
/// A test walks every Han character to check that no other reading needs folding.
fn fold_reading(reading: &'static str) -> &'static str {
    match reading {
        "lü" => "lu",
        "lüe" => "lue",
        "nü" => "nu",
        "nüe" => "nue",
        "ê" => "e",
        other => other,
    }
}

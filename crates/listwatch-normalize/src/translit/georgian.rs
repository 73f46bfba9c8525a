//! Georgian (Mkhedruli) to Latin, after the national system of 2002 without its apostrophes
//! ("მიხეილ სააკაშვილი" -> "mikheil saakashvili").

use super::Sink;

/// The letters from U+10D0 (ა) to U+10F0 (ჰ), in order.
const LETTERS: [&str; 33] = [
    "a", "b", "g", "d", "e", "v", "z", "t", "i", "k", "l", "m", "n", "o", "p", "zh", "r", "s", "t",
    "u", "p", "k", "gh", "q", "sh", "ch", "ts", "dz", "ts", "ch", "kh", "j", "h",
];

/// Transliterates one Georgian letter; `None` for any other character.
pub(crate) fn transliterate(c: char, sink: &mut impl Sink) -> Option<usize> {
    let idx = u32::from(c).checked_sub(0x10D0)?;
    let latin = LETTERS.get(idx as usize)?;
    sink.push_str(latin);
    Some(1)
}

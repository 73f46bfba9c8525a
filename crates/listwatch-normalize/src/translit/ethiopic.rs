//! Ethiopic (Ge'ez script: Amharic, Tigrinya) to Latin, syllable by syllable, after the
//! romanization that names of Ethiopians and Eritreans are written in ("ሃይለማርያም ደሳለኝ" ->
//! "haylemaryam desaleny"; lists write "Hailemariam Desalegn").
//!
//! Each character is a consonant and one of seven vowel orders. The block is laid out in rows of
//! eight, a consonant a row, the orders in columns: ä (written "e", "a" on a vowel carrier), u, i,
//! a, e, the sixth order ə (written as the bare consonant, as names mostly drop it), o, and a
//! labialized "wa". A few rows are labialized consonants, with the vowels "we", "wi", "wa", "we"
//! and "w".

use super::Sink;

const FIRST: u32 = 0x1200;
const LAST_SYLLABLE: u32 = 0x135A;

/// The vowels of the orders of a consonant row.
const PLAIN: [&str; 8] = ["e", "u", "i", "a", "e", "", "o", "wa"];
/// The vowels of the orders of a vowel carrier (አ, ዐ): the first order begins names as "a"
/// ("Abraha"), the sixth as "e" ("Eskinder").
const CARRIER: [&str; 8] = ["a", "u", "i", "a", "e", "e", "o", "e"];
/// The vowels of the orders of a labialized row.
const LABIALIZED: [&str; 8] = ["we", "", "wi", "wa", "we", "w", "", ""];
/// The last row holds three syllables only: rya, mya, fya.
const YA: [&str; 8] = ["rya", "mya", "fya", "", "", "", "", ""];

/// The consonant of each row of eight, from U+1200, and the vowels of its orders.
const ROWS: [(&str, &[&str; 8]); 44] = [
    ("h", &PLAIN),       // 1200 ሀ
    ("l", &PLAIN),       // 1208 ለ
    ("h", &PLAIN),       // 1210 ሐ
    ("m", &PLAIN),       // 1218 መ
    ("s", &PLAIN),       // 1220 ሠ
    ("r", &PLAIN),       // 1228 ረ
    ("s", &PLAIN),       // 1230 ሰ
    ("sh", &PLAIN),      // 1238 ሸ
    ("q", &PLAIN),       // 1240 ቀ
    ("q", &LABIALIZED),  // 1248 ቈ
    ("q", &PLAIN),       // 1250 ቐ
    ("q", &LABIALIZED),  // 1258 ቘ
    ("b", &PLAIN),       // 1260 በ
    ("v", &PLAIN),       // 1268 ቨ
    ("t", &PLAIN),       // 1270 ተ
    ("ch", &PLAIN),      // 1278 ቸ
    ("h", &PLAIN),       // 1280 ኀ
    ("h", &LABIALIZED),  // 1288 ኈ
    ("n", &PLAIN),       // 1290 ነ
    ("ny", &PLAIN),      // 1298 ኘ
    ("", &CARRIER),      // 12A0 አ
    ("k", &PLAIN),       // 12A8 ከ
    ("k", &LABIALIZED),  // 12B0 ኰ
    ("kh", &PLAIN),      // 12B8 ኸ
    ("kh", &LABIALIZED), // 12C0 ዀ
    ("w", &PLAIN),       // 12C8 ወ
    ("", &CARRIER),      // 12D0 ዐ
    ("z", &PLAIN),       // 12D8 ዘ
    ("zh", &PLAIN),      // 12E0 ዠ
    ("y", &PLAIN),       // 12E8 የ
    ("d", &PLAIN),       // 12F0 ደ
    ("d", &PLAIN),       // 12F8 ዸ
    ("j", &PLAIN),       // 1300 ጀ
    ("g", &PLAIN),       // 1308 ገ
    ("g", &LABIALIZED),  // 1310 ጐ
    ("g", &PLAIN),       // 1318 ጘ
    ("t", &PLAIN),       // 1320 ጠ
    ("ch", &PLAIN),      // 1328 ጨ
    ("p", &PLAIN),       // 1330 ጰ
    ("ts", &PLAIN),      // 1338 ጸ
    ("ts", &PLAIN),      // 1340 ፀ
    ("f", &PLAIN),       // 1348 ፈ
    ("p", &PLAIN),       // 1350 ፐ
    ("", &YA),           // 1358 ፘ
];

/// Transliterates one Ethiopic syllable, or its word space and punctuation as a word break;
/// `None` for any other character.
pub(crate) fn transliterate(c: char, sink: &mut impl Sink) -> Option<usize> {
    let code = u32::from(c);
    if (0x1360..=0x1368).contains(&code) {
        // ፠ ፡ ። ፣ ፤ ፥ ፦ ፧ ፨: section mark, word space, full stop, comma...
        sink.push_str(" ");
        return Some(1);
    }
    if !(FIRST..=LAST_SYLLABLE).contains(&code) {
        return None;
    }
    let offset = (code - FIRST) as usize;
    let (consonant, orders) = ROWS.get(offset / 8)?;
    sink.push_str(consonant);
    sink.push_str(orders[offset % 8]);
    Some(1)
}

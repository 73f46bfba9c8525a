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

/// The consonant of each row of eight, from U+1200; `None` for labialized rows, `""` for the
/// vowel carriers አ and ዐ.
const ROWS: [Option<&str>; 44] = [
    Some("h"),  // 1200 ሀ
    Some("l"),  // 1208 ለ
    Some("h"),  // 1210 ሐ
    Some("m"),  // 1218 መ
    Some("s"),  // 1220 ሠ
    Some("r"),  // 1228 ረ
    Some("s"),  // 1230 ሰ
    Some("sh"), // 1238 ሸ
    Some("q"),  // 1240 ቀ
    None,       // 1248 ቈ qw
    Some("q"),  // 1250 ቐ
    None,       // 1258 ቘ qhw
    Some("b"),  // 1260 በ
    Some("v"),  // 1268 ቨ
    Some("t"),  // 1270 ተ
    Some("ch"), // 1278 ቸ
    Some("h"),  // 1280 ኀ
    None,       // 1288 ኈ hw
    Some("n"),  // 1290 ነ
    Some("ny"), // 1298 ኘ
    Some(""),   // 12A0 አ
    Some("k"),  // 12A8 ከ
    None,       // 12B0 ኰ kw
    Some("kh"), // 12B8 ኸ
    None,       // 12C0 ዀ khw
    Some("w"),  // 12C8 ወ
    Some(""),   // 12D0 ዐ
    Some("z"),  // 12D8 ዘ
    Some("zh"), // 12E0 ዠ
    Some("y"),  // 12E8 የ
    Some("d"),  // 12F0 ደ
    Some("d"),  // 12F8 ዸ
    Some("j"),  // 1300 ጀ
    Some("g"),  // 1308 ገ
    None,       // 1310 ጐ gw
    Some("g"),  // 1318 ጘ
    Some("t"),  // 1320 ጠ
    Some("ch"), // 1328 ጨ
    Some("p"),  // 1330 ጰ
    Some("ts"), // 1338 ጸ
    Some("ts"), // 1340 ፀ
    Some("f"),  // 1348 ፈ
    Some("p"),  // 1350 ፐ
    None,       // 1358 ፘ (rya, mya, fya)
];

/// The consonants of the labialized rows, by row.
fn labialized(row: usize) -> &'static str {
    match row {
        9 | 11 => "q",
        17 => "h",
        22 => "k",
        24 => "kh",
        34 => "g",
        _ => "",
    }
}

/// The vowels of the orders of a consonant row.
const ORDERS: [&str; 8] = ["e", "u", "i", "a", "e", "", "o", "wa"];
/// The vowels of the orders of a vowel carrier (አ, ዐ): the first order begins names as "a"
/// ("Abraha"), the sixth as "e" ("Eskinder").
const CARRIER_ORDERS: [&str; 8] = ["a", "u", "i", "a", "e", "e", "o", "e"];
/// The vowels of the orders of a labialized row.
const LABIALIZED_ORDERS: [&str; 8] = ["we", "", "wi", "wa", "we", "w", "", ""];

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
    let (row, order) = (offset / 8, offset % 8);
    match ROWS.get(row)? {
        Some("") => sink.push_str(CARRIER_ORDERS[order]),
        Some(consonant) => {
            sink.push_str(consonant);
            sink.push_str(ORDERS[order]);
        }
        None if row == 43 => {
            // ፘ ፙ ፚ: rya, mya, fya.
            sink.push_str(["r", "m", "f"].get(order)?);
            sink.push_str("ya");
        }
        None => {
            sink.push_str(labialized(row));
            sink.push_str(LABIALIZED_ORDERS[order]);
        }
    }
    Some(1)
}

//! The table of company legal forms ("ltd", "gmbh", "sdn bhd", "有限公司") and its lookups.
//!
//! The table is `data/legal_forms.tsv`, compiled in. Its forms are folded when it is first used,
//! so a row may be written in any script; the file's header explains the columns.

use crate::fold::fold;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

#[cfg(test)]
mod tests;

const LEGAL_FORMS_TSV: &str = include_str!("../data/legal_forms.tsv");

/// A company legal form from the table, such as "ltd" or "sdn bhd".
#[derive(Debug, PartialEq, Eq)]
pub struct LegalForm {
    form: String,
    canonical: String,
    jurisdictions: &'static str,
}

impl LegalForm {
    /// The form as folded words, such as `"s a"` for "S.A." or `"you xian gong si"` for "有限公司".
    pub fn form(&self) -> &str {
        &self.form
    }

    /// The form shared by all spellings of this legal form, folded: `"corporation"` for both
    /// "corp" and "corporation". Compare legal forms through this.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// ISO 3166-1 alpha-2 codes of the jurisdictions that use this form, or `"*"` for many.
    pub fn jurisdictions(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.jurisdictions.split(',').map(str::trim)
    }
}

/// The loaded table: the forms in file order, and for each first word the indexes of the forms
/// that start with it, longest first.
struct Table {
    legal_forms: Vec<LegalForm>,
    by_first_word: HashMap<String, Vec<usize>>,
    /// The forms of several words and [`MIN_SPELT_OUT_LEN`] letters or more, with their words
    /// by [`adjective_ending_key`]: those recognised with typos.
    spelt_out: Vec<(usize, Vec<String>)>,
    /// The length of the first word of each form in `spelt_out` to its indexes there.
    spelt_out_by_len: HashMap<usize, Vec<usize>>,
    /// The forms of one word and [`MIN_MISSPELT_LEN`] letters or more, in file order: those
    /// recognised with a typo ([`misspelt`]), for every long word of every name.
    misspelt_forms: Vec<usize>,
    /// The [`byte_classes`] of the first word of each form in `spelt_out`, and of each form in
    /// `misspelt_forms`: a word whose classes differ in more than two is not one edit away.
    spelt_out_classes: Vec<u32>,
    misspelt_classes: Vec<u32>,
    /// The shorter one-word forms with two neighbouring letters swapped ([`swapped`]), to
    /// the form.
    swaps: HashMap<String, usize>,
}

/// The set of classes (`byte % 32`) of the bytes of `word`. One edit (an insertion, a deletion,
/// a substitution, a swap) adds or removes at most one class each way, so two words one edit
/// apart have sets that differ in at most two classes: a cheap test before [`one_edit_apart`].
fn byte_classes(word: &[u8]) -> u32 {
    word.iter().fold(0, |classes, &b| classes | 1 << (b & 31))
}

/// Whether words of classes `a` and `b` may be equal or one edit apart.
fn may_be_close(a: u32, b: u32) -> bool {
    (a ^ b).count_ones() <= 2
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let legal_forms: Vec<LegalForm> = parse_table(LEGAL_FORMS_TSV).filter_map(Result::ok).collect();
    let mut by_first_word: HashMap<String, Vec<usize>> = HashMap::new();
    for (form_idx, legal_form) in legal_forms.iter().enumerate() {
        let first_word = legal_form.form.split(' ').next().unwrap_or_default();
        by_first_word.entry(first_word.to_owned()).or_default().push(form_idx);
    }
    for form_idxs in by_first_word.values_mut() {
        form_idxs.sort_by_key(|&form_idx| std::cmp::Reverse(n_words(&legal_forms[form_idx].form)));
    }
    let spelt_out = legal_forms
        .iter()
        .enumerate()
        .filter(|(_, legal_form)| {
            legal_form.form.len() >= MIN_SPELT_OUT_LEN && legal_form.form.contains(' ')
        })
        .map(|(form_idx, legal_form)| {
            (
                form_idx,
                legal_form.form.split(' ').map(|w| adjective_ending_key(w).into_owned()).collect(),
            )
        })
        .collect::<Vec<(usize, Vec<String>)>>();
    let mut spelt_out_by_len: HashMap<usize, Vec<usize>> = HashMap::new();
    for (spelt_idx, (_, form_words)) in spelt_out.iter().enumerate() {
        let len = form_words.first().map_or(0, String::len);
        spelt_out_by_len.entry(len).or_default().push(spelt_idx);
    }
    let misspelt_forms: Vec<usize> = legal_forms
        .iter()
        .enumerate()
        .filter(|(_, legal_form)| {
            legal_form.form.len() >= MIN_MISSPELT_LEN && !legal_form.form.contains(' ')
        })
        .map(|(form_idx, _)| form_idx)
        .collect();
    let spelt_out_classes = spelt_out
        .iter()
        .map(|(_, form_words)| byte_classes(form_words.first().map_or(&[], |w| w.as_bytes())))
        .collect();
    let misspelt_classes = misspelt_forms
        .iter()
        .map(|&form_idx: &usize| byte_classes(legal_forms[form_idx].form.as_bytes()))
        .collect();
    let mut swaps = HashMap::new();
    for (form_idx, legal_form) in legal_forms.iter().enumerate() {
        let form = legal_form.form.as_bytes();
        if !(MIN_SWAPPED_LEN..MIN_MISSPELT_LEN).contains(&form.len())
            || !form.iter().all(u8::is_ascii_lowercase)
        {
            continue;
        }
        // A four-letter form keeps its first two letters, a longer one its first.
        let kept = if form.len() == MIN_SWAPPED_LEN { 2 } else { 1 };
        for at in kept..form.len() - 1 {
            let mut swapped = form.to_vec();
            swapped.swap(at, at + 1);
            if swapped != form
                && let Ok(swapped) = String::from_utf8(swapped)
            {
                swaps.entry(swapped).or_insert(form_idx);
            }
        }
    }
    // A swap that spells another form is that form.
    swaps.retain(|swapped, _| !by_first_word.contains_key(swapped.as_str()));
    Table {
        swaps,
        legal_forms,
        by_first_word,
        spelt_out,
        spelt_out_by_len,
        misspelt_forms,
        spelt_out_classes,
        misspelt_classes,
    }
});

/// Parses the rows of the table; a malformed row gives an `Err` with its line number, and the
/// loader skips it (a test checks that the shipped table has none).
fn parse_table(tsv: &'static str) -> impl Iterator<Item = Result<LegalForm, usize>> {
    tsv.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(line_idx, line)| {
            let line_number = line_idx + 1;
            let mut columns = line.split('\t');
            let (Some(form), Some(canonical), Some(jurisdictions), None) =
                (columns.next(), columns.next(), columns.next(), columns.next())
            else {
                return Err(line_number);
            };
            let form = fold(form);
            let canonical = fold(canonical);
            if form.is_empty() || canonical.is_empty() || jurisdictions.trim().is_empty() {
                return Err(line_number);
            }
            Ok(LegalForm { form, canonical, jurisdictions })
        })
}

fn n_words(folded: &str) -> usize {
    folded.split(' ').count()
}

/// All legal forms of the table, in file order.
pub fn legal_forms() -> &'static [LegalForm] {
    &TABLE.legal_forms
}

/// The legal form written exactly as `text` (folded first), if the table has it.
///
/// ```
/// use listwatch_normalize::legal_form;
///
/// assert_eq!(legal_form("Corp.").map(|form| form.canonical()), Some("corporation"));
/// assert_eq!(legal_form("ООО").map(|form| form.form()), Some("ooo"));
/// assert_eq!(legal_form("Trading"), None);
/// ```
pub fn legal_form(text: &str) -> Option<&'static LegalForm> {
    let folded = fold(text);
    let words: Vec<&str> = folded.split(' ').collect();
    longest_at(&words)
        .filter(|(legal_form, _)| n_words(&legal_form.form) == words.len())
        .map(|(legal_form, _)| legal_form)
}

/// The longest legal form whose words start `words`, and how many words it covers.
pub(crate) fn longest_at(words: &[&str]) -> Option<(&'static LegalForm, usize)> {
    let table = &*TABLE;
    let first = *words.first()?;
    let exact = table.by_first_word.get(first).and_then(|candidates| {
        candidates.iter().map(|&form_idx| &table.legal_forms[form_idx]).find_map(|legal_form| {
            let n_form_words = n_words(&legal_form.form);
            let prefix = words.get(..n_form_words)?;
            legal_form
                .form
                .split(' ')
                .eq(prefix.iter().copied())
                .then_some((legal_form, n_form_words))
        })
    });
    exact
        .or_else(|| misspelt_words(words))
        .or_else(|| misspelt(first).map(|legal_form| (legal_form, 1)))
}

/// A legal form of several words spelt with typos or another transliteration ("Gesellshaft mit
/// beschrankter Haftung", "obshchestvo s ogranichennoi otvetstvennostiu"), at the start of
/// `words`: the longest form of at least [`MIN_SPELT_OUT_LEN`] letters whose every word is
/// equal to the word at its place or, for words of five letters or more, one edit apart; a form
/// of two words needs one of them equal.
fn misspelt_words(words: &[&str]) -> Option<(&'static LegalForm, usize)> {
    let first = adjective_ending_key(words.first()?);
    let first = first.as_ref();
    if first.len() < 5 || !first.is_ascii() {
        return None;
    }
    let close = |form_word: &str, word: &str| {
        form_word == word
            || (form_word.len() >= 5
                && form_word.len().abs_diff(word.len()) <= 1
                && one_edit_apart(form_word.as_bytes(), word.as_bytes()))
    };
    let table = &*TABLE;
    // Only forms whose first word is within one letter of this word's length can be close.
    let lengths = first.len().saturating_sub(1)..=first.len() + 1;
    let first_classes = byte_classes(first.as_bytes());
    lengths
        .filter_map(|len| table.spelt_out_by_len.get(&len))
        .flatten()
        .filter(|&&spelt_idx| {
            table.spelt_out_classes.get(spelt_idx).is_none_or(|&c| may_be_close(c, first_classes))
        })
        .map(|&spelt_idx| &table.spelt_out[spelt_idx])
        .filter(|(_, form_words)| form_words.first().is_some_and(|f| close(f, first)))
        .filter_map(|(form_idx, form_words)| {
            let prefix = words.get(..form_words.len())?;
            let prefix: Vec<Cow<'_, str>> =
                prefix.iter().map(|w| adjective_ending_key(w)).collect();
            let all_close = form_words.iter().zip(&prefix).all(|(f, w)| close(f, w));
            let some_equal =
                form_words.iter().zip(&prefix).any(|(f, w)| f == w.as_ref() && f.len() >= 3);
            (all_close && (some_equal || form_words.len() >= 3))
                .then_some((&table.legal_forms[*form_idx], form_words.len()))
        })
        .max_by_key(|&(legal_form, n_form_words)| {
            (n_form_words, std::cmp::Reverse(legal_form.form.len()))
        })
}

/// A word of a spelt-out form as both common transliterations of a Russian adjective ending
/// write it: a last "ye" or "y" after a vowel as "e" and "i" ("aktsionernoye" and the lists'
/// "aktsionernoe", "ogranichennoy" and "ogranichennoi"), so that a typo is still one edit away.
fn adjective_ending_key(word: &str) -> Cow<'_, str> {
    let bytes = word.as_bytes();
    let after_vowel = |end: usize| {
        end >= 1 && matches!(bytes.get(end - 1), Some(b'a' | b'e' | b'i' | b'o' | b'u'))
    };
    let n = bytes.len();
    if word.ends_with("ye") && after_vowel(n - 2) {
        Cow::Owned(format!("{}e", &word[..n - 2]))
    } else if word.ends_with('y') && after_vowel(n - 1) {
        Cow::Owned(format!("{}i", &word[..n - 1]))
    } else {
        Cow::Borrowed(word)
    }
}

/// The shortest spelt-out legal form that [`misspelt_words`] recognises with typos.
const MIN_SPELT_OUT_LEN: usize = 14;

/// A long one-word legal form that `word` misspells by one letter or one swap of neighbours
/// ("coproration", "limitted"), or a shorter one it misspells by a swap ([`swapped`]). The
/// shortest forms are left alone: "co" and "ag" are one letter from too many names.
fn misspelt(word: &str) -> Option<&'static LegalForm> {
    if word.len() < MIN_MISSPELT_LEN {
        return swapped(word);
    }
    if !word.is_ascii() {
        return None;
    }
    let table = &*TABLE;
    let word_classes = byte_classes(word.as_bytes());
    table
        .misspelt_forms
        .iter()
        .zip(&table.misspelt_classes)
        .filter(|&(_, &classes)| may_be_close(classes, word_classes))
        .map(|(&form_idx, _)| &table.legal_forms[form_idx])
        .find(|legal_form| {
            let form = legal_form.form.as_str();
            form.len().abs_diff(word.len()) <= 1 && one_edit_apart(form.as_bytes(), word.as_bytes())
        })
}

/// The shortest one-word legal form that [`misspelt`] recognises with a typo.
const MIN_MISSPELT_LEN: usize = 7;

/// A one-word legal form of [`MIN_SWAPPED_LEN`] to six letters that `word` writes with two
/// neighbouring letters swapped, the first letter kept, and the first two of a four-letter
/// form ("gruop" for "group", "copr" for "corp"; not "crop"). A swap is the typo a
/// shorter word can take without turning into another word: one letter changed, added or
/// dropped turns "group" into "grout" and "groups", "grupo" into "grapo", "corp" into "coro".
fn swapped(word: &str) -> Option<&'static LegalForm> {
    if word.len() < MIN_SWAPPED_LEN {
        return None;
    }
    let table = &*TABLE;
    table.swaps.get(word).map(|&form_idx| &table.legal_forms[form_idx])
}

/// The shortest one-word legal form that [`swapped`] recognises with a swap.
const MIN_SWAPPED_LEN: usize = 4;

/// Whether `a` and `b` differ by exactly one insertion, deletion, substitution or swap of
/// neighbouring letters.
fn one_edit_apart(a: &[u8], b: &[u8]) -> bool {
    if a == b {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a_rest, b_rest) = (&a[prefix..], &b[prefix..]);
    // Compared in place: this runs for every word of every name screened.
    match (a_rest.split_first(), b_rest.split_first()) {
        // Substitution, deletion from a, insertion into a.
        (Some((_, a_tail)), Some((_, b_tail))) => {
            a_tail == b_tail
                || a_tail == b_rest
                || a_rest == b_tail
                // Swap of two neighbours.
                || (a_rest.len() >= 2
                    && b_rest.len() >= 2
                    && a_rest[0] == b_rest[1]
                    && a_rest[1] == b_rest[0]
                    && a_rest[2..] == b_rest[2..])
        }
        (Some((_, a_tail)), None) => a_tail == b_rest,
        (None, Some((_, b_tail))) => a_rest == b_tail,
        (None, None) => false,
    }
}

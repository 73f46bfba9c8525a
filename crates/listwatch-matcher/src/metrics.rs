//! String similarity and distance metrics on Unicode scalar values.
//!
//! Each metric has one generic implementation over slices. The public functions hand it the
//! bytes directly when both strings are ASCII, and otherwise decode the `char`s into stack
//! buffers, so short names (up to 64 characters) are compared without allocating. Only the
//! unrestricted Damerau–Levenshtein distance, which needs a full matrix, always allocates.

use std::collections::HashMap;
use std::hash::Hash;

#[cfg(test)]
mod tests;

/// Strings up to this many `char`s are decoded and scored in stack buffers.
const STACK_LEN: usize = 64;

/// The Jaro similarity of `a` and `b`, from 0.0 (nothing in common) to 1.0 (equal).
///
/// Characters match if they are equal and no further apart than half the longer length, minus
/// one. Two empty strings are equal (1.0); jellyfish returns 0.0 for them, which would make an
/// empty name less similar to itself than to anything.
///
/// ```
/// use listwatch_matcher::metrics::jaro;
///
/// assert!((jaro("martha", "marhta") - 0.944).abs() < 0.001);
/// ```
pub fn jaro(a: &str, b: &str) -> f64 {
    dispatch(a, b, |a, b| jaro_parts(a, b).similarity, |a, b| jaro_parts(a, b).similarity)
}

/// The Jaro–Winkler similarity of `a` and `b`, from 0.0 to 1.0.
///
/// When the Jaro similarity is above 0.7, a common prefix of up to 4 characters raises it by
/// 0.1 of the remaining distance per character (Winkler's constants, as in jellyfish).
///
/// ```
/// use listwatch_matcher::metrics::jaro_winkler;
///
/// assert!((jaro_winkler("martha", "marhta") - 0.961).abs() < 0.001);
/// assert_eq!(jaro_winkler("abc", "xyz"), 0.0);
/// ```
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    dispatch(a, b, |a, b| winkler(a, b, false), |a, b| winkler(a, b, false))
}

/// Jaro–Winkler with the adjustment for long strings of the original `strcmp95`.
///
/// After the prefix boost, strings longer than 4 characters whose matching characters are more
/// than half of what remains beyond the prefix get a further boost towards 1.0.
///
/// ```
/// use listwatch_matcher::metrics::{jaro_winkler, jaro_winkler_long_tolerance};
///
/// assert!(jaro_winkler_long_tolerance("1abcdefg", "1abcdefh") > jaro_winkler("1abcdefg", "1abcdefh"));
/// ```
pub fn jaro_winkler_long_tolerance(a: &str, b: &str) -> f64 {
    dispatch(a, b, |a, b| winkler(a, b, true), |a, b| winkler(a, b, true))
}

/// The Levenshtein distance: the fewest insertions, deletions and substitutions that turn `a`
/// into `b`.
///
/// ```
/// use listwatch_matcher::metrics::levenshtein;
///
/// assert_eq!(levenshtein("kitten", "sitting"), 3);
/// ```
pub fn levenshtein(a: &str, b: &str) -> usize {
    dispatch(a, b, levenshtein_slices, levenshtein_slices)
}

/// The unrestricted Damerau–Levenshtein distance: like [`levenshtein`], but swapping two
/// adjacent characters also costs one edit, and edits may touch a swapped pair again
/// (Lowrance–Wagner; unlike the "optimal string alignment" variant, "ca" -> "abc" costs 2).
///
/// ```
/// use listwatch_matcher::metrics::damerau_levenshtein;
///
/// assert_eq!(damerau_levenshtein("fuor", "four"), 1);
/// assert_eq!(damerau_levenshtein("ca", "abc"), 2);
/// ```
pub fn damerau_levenshtein(a: &str, b: &str) -> usize {
    dispatch(
        a,
        b,
        |a, b| damerau_levenshtein_slices(a, b, &mut ByteRows([0; 256])),
        |a, b| damerau_levenshtein_slices(a, b, &mut CharRows(HashMap::new())),
    )
}

/// The Hamming distance, extended to strings of different lengths as jellyfish does: the number
/// of positions whose characters differ, plus the difference in length.
///
/// ```
/// use listwatch_matcher::metrics::hamming;
///
/// assert_eq!(hamming("abc", "abd"), 1);
/// assert_eq!(hamming("abcd", "abc"), 1);
/// ```
pub fn hamming(a: &str, b: &str) -> usize {
    dispatch(a, b, hamming_slices, hamming_slices)
}

/// Runs `on_bytes` on the bytes of two ASCII strings, or `on_chars` on their decoded `char`s.
fn dispatch<R>(
    a: &str,
    b: &str,
    on_bytes: impl FnOnce(&[u8], &[u8]) -> R,
    on_chars: impl FnOnce(&[char], &[char]) -> R,
) -> R {
    if a.is_ascii() && b.is_ascii() {
        return on_bytes(a.as_bytes(), b.as_bytes());
    }
    let (mut a_stack, mut a_heap) = (['\0'; STACK_LEN], Vec::new());
    let (mut b_stack, mut b_heap) = (['\0'; STACK_LEN], Vec::new());
    let a = decode(a, &mut a_stack, &mut a_heap);
    let b = decode(b, &mut b_stack, &mut b_heap);
    on_chars(a, b)
}

/// Decodes the `char`s of `text` into `stack`, or into `heap` if they do not fit.
fn decode<'buf>(
    text: &str,
    stack: &'buf mut [char; STACK_LEN],
    heap: &'buf mut Vec<char>,
) -> &'buf [char] {
    let mut n_chars = 0;
    for c in text.chars() {
        match stack.get_mut(n_chars) {
            Some(slot) => *slot = c,
            None => {
                heap.extend(text.chars());
                return heap;
            }
        }
        n_chars += 1;
    }
    &stack[..n_chars]
}

/// A zeroed scratch slice of `len` items, on the stack when it fits.
fn scratch<'buf, T: Copy + Default, const N: usize>(
    len: usize,
    stack: &'buf mut [T; N],
    heap: &'buf mut Vec<T>,
) -> &'buf mut [T] {
    match stack.get_mut(..len) {
        Some(slice) => slice,
        None => {
            heap.resize(len, T::default());
            heap
        }
    }
}

/// What the Jaro computation yields besides the similarity: the long-tolerance adjustment needs
/// the number of matching characters.
struct JaroParts {
    similarity: f64,
    n_matches: usize,
}

fn jaro_parts<T: PartialEq>(a: &[T], b: &[T]) -> JaroParts {
    if a.is_empty() && b.is_empty() {
        return JaroParts { similarity: 1.0, n_matches: 0 };
    }
    if a.is_empty() || b.is_empty() {
        return JaroParts { similarity: 0.0, n_matches: 0 };
    }
    let search_range = (a.len().max(b.len()) / 2).saturating_sub(1);
    let (mut a_stack, mut a_heap) = ([false; STACK_LEN], Vec::new());
    let (mut b_stack, mut b_heap) = ([false; STACK_LEN], Vec::new());
    let a_matched = scratch(a.len(), &mut a_stack, &mut a_heap);
    let b_matched = scratch(b.len(), &mut b_stack, &mut b_heap);

    let mut n_matches = 0usize;
    for (a_idx, a_item) in a.iter().enumerate() {
        let low = a_idx.saturating_sub(search_range);
        let high = (a_idx + search_range + 1).min(b.len());
        for b_idx in low..high {
            if !b_matched[b_idx] && b[b_idx] == *a_item {
                a_matched[a_idx] = true;
                b_matched[b_idx] = true;
                n_matches += 1;
                break;
            }
        }
    }
    if n_matches == 0 {
        return JaroParts { similarity: 0.0, n_matches };
    }

    // Matched characters of `a` and of `b`, taken in order, that differ: each transposition
    // counts twice.
    let a_in_order =
        a.iter().zip(a_matched.iter()).filter(|(_, matched)| **matched).map(|(item, _)| item);
    let b_in_order =
        b.iter().zip(b_matched.iter()).filter(|(_, matched)| **matched).map(|(item, _)| item);
    let n_half_transpositions =
        a_in_order.zip(b_in_order).filter(|(a_item, b_item)| a_item != b_item).count();

    let matches = n_matches as f64;
    let transpositions = (n_half_transpositions / 2) as f64;
    let similarity = (matches / a.len() as f64
        + matches / b.len() as f64
        + (matches - transpositions) / matches)
        / 3.0;
    JaroParts { similarity, n_matches }
}

/// Winkler's boost threshold, prefix weight and maximum prefix length (Winkler 1990, as in
/// jellyfish and `strcmp95`).
const BOOST_THRESHOLD: f64 = 0.7;
const PREFIX_SCALE: f64 = 0.1;
const MAX_PREFIX: usize = 4;

fn winkler<T: PartialEq>(a: &[T], b: &[T], long_tolerance: bool) -> f64 {
    let JaroParts { mut similarity, n_matches } = jaro_parts(a, b);
    if similarity <= BOOST_THRESHOLD || a.is_empty() || b.is_empty() {
        return similarity;
    }
    let min_len = a.len().min(b.len());
    let prefix = a.iter().zip(b).take(MAX_PREFIX.min(min_len)).take_while(|(x, y)| x == y).count();
    similarity += prefix as f64 * PREFIX_SCALE * (1.0 - similarity);

    // strcmp95: "after agreeing beginning chars, at least two more must agree and the agreeing
    // characters must be more than half of the remaining characters".
    if long_tolerance && min_len > 4 && n_matches > prefix + 1 && 2 * n_matches >= min_len + prefix
    {
        let prefix = prefix as f64;
        similarity += (1.0 - similarity) * (n_matches as f64 - prefix - 1.0)
            / (a.len() as f64 + b.len() as f64 - prefix * 2.0 + 2.0);
    }
    similarity
}

fn levenshtein_slices<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    // A common prefix and suffix never need edits; dropping them shrinks the table.
    let n_prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[n_prefix..], &b[n_prefix..]);
    let n_suffix = a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[..a.len() - n_suffix], &b[..b.len() - n_suffix]);
    // One row over the shorter string.
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return long.len();
    }

    let (mut stack, mut heap) = ([0usize; STACK_LEN + 1], Vec::new());
    let row = scratch(short.len() + 1, &mut stack, &mut heap);
    for (short_idx, cell) in row.iter_mut().enumerate() {
        *cell = short_idx;
    }
    for (long_idx, long_item) in long.iter().enumerate() {
        // `diagonal` is the previous row's value at `short_idx`, before it is overwritten.
        let mut diagonal = row[0];
        row[0] = long_idx + 1;
        for (short_idx, short_item) in short.iter().enumerate() {
            let above = row[short_idx + 1];
            let substitution = diagonal + usize::from(long_item != short_item);
            row[short_idx + 1] = substitution.min(above + 1).min(row[short_idx] + 1);
            diagonal = above;
        }
    }
    row[short.len()]
}

/// For each symbol, the last row of `a` (1-based) where it occurred.
trait LastRows<T> {
    fn get(&self, symbol: T) -> usize;
    fn set(&mut self, symbol: T, row: usize);
}

struct ByteRows([usize; 256]);

impl LastRows<u8> for ByteRows {
    fn get(&self, symbol: u8) -> usize {
        self.0[usize::from(symbol)]
    }
    fn set(&mut self, symbol: u8, row: usize) {
        self.0[usize::from(symbol)] = row;
    }
}

struct CharRows(HashMap<char, usize>);

impl LastRows<char> for CharRows {
    fn get(&self, symbol: char) -> usize {
        self.0.get(&symbol).copied().unwrap_or(0)
    }
    fn set(&mut self, symbol: char, row: usize) {
        self.0.insert(symbol, row);
    }
}

/// Lowrance–Wagner's algorithm for the unrestricted Damerau–Levenshtein distance.
fn damerau_levenshtein_slices<T: Copy + Eq + Hash>(
    a: &[T],
    b: &[T],
    last_rows: &mut impl LastRows<T>,
) -> usize {
    if a.is_empty() || b.is_empty() {
        return a.len().max(b.len());
    }
    // `distance[i][j]` is the distance between `a[..i - 1]` and `b[..j - 1]`; row and column 0
    // hold a value larger than any distance.
    let n_cols = b.len() + 2;
    let infinity = a.len() + b.len();
    let mut distance = vec![0usize; (a.len() + 2) * n_cols];
    let at = |row: usize, col: usize| row * n_cols + col;
    distance[at(0, 0)] = infinity;
    for row in 0..=a.len() {
        distance[at(row + 1, 0)] = infinity;
        distance[at(row + 1, 1)] = row;
    }
    for col in 0..=b.len() {
        distance[at(0, col + 1)] = infinity;
        distance[at(1, col + 1)] = col;
    }

    for row in 1..=a.len() {
        let a_item = a[row - 1];
        // The last column of this row where `b` equalled `a_item`.
        let mut last_match_col = 0;
        for col in 1..=b.len() {
            let b_item = b[col - 1];
            let last_row = last_rows.get(b_item);
            let previous_match_col = last_match_col;
            let cost = if a_item == b_item {
                last_match_col = col;
                0
            } else {
                1
            };
            let substitution = distance[at(row, col)] + cost;
            let insertion = distance[at(row + 1, col)] + 1;
            let deletion = distance[at(row, col + 1)] + 1;
            let transposition = distance[at(last_row, previous_match_col)]
                + (row - last_row - 1)
                + 1
                + (col - previous_match_col - 1);
            distance[at(row + 1, col + 1)] =
                substitution.min(insertion).min(deletion).min(transposition);
        }
        last_rows.set(a_item, row);
    }
    distance[at(a.len() + 1, b.len() + 1)]
}

fn hamming_slices<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    let n_differing = a.iter().zip(b).filter(|(x, y)| x != y).count();
    n_differing + a.len().abs_diff(b.len())
}

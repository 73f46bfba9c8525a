//! Tests of leading titles.

use super::leading_title_words;
use crate::fold;

fn check(name: &str, expected: usize) {
    let folded = fold(name);
    let words: Vec<&str> = folded.split(' ').collect();
    assert_eq!(leading_title_words(&words), expected, "{name:?} folds to {folded:?}");
}

#[test]
fn titles_in_many_languages_lead_a_name() {
    check("President Vladimir Putin", 1);
    check("Президент Владимир Путин", 1);
    check("Präsident Wladimir Putin", 1);
    check("Presidente Vladimir Putin", 1);
    check("Général François Bozizé", 1);
    check("Генерал-майор Апти Алаудинов", 2);
    check("Deputy Minister Olga Shuvalova", 2);
    check("Monsieur le ministre Sergey Obukhov", 3);
    check("Herr Oleg Valenchuk", 1);
    check("الشيخ أنس حسن خطاب", 2);
    check("الدكتور أحمد كريمي", 2);
    check("Seyed Ali Khamenei", 1);
    check("Ayatollah Seyyed Ali Khamenei", 2);
}

#[test]
fn words_that_only_look_like_titles_stay() {
    check("Vladimir Putin", 0);
    check("Prime Holdings", 0);
    // Also given names.
    check("Syed Ali Shah", 0);
    check("Sayed Mohamed", 0);
    check("Al Shaar Mohammad", 0);
    check("Grand Hotel", 0);
    check("Major Holdings", 0);
}

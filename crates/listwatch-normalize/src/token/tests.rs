//! Tests of tokenization and token classification.

use super::{TokenKind, tokenize};

/// Renders tokens as `text/kind` so whole names compare at a glance.
fn check(input: &str, expected: &[&str]) {
    let rendered: Vec<String> = tokenize(input)
        .iter()
        .map(|token| {
            let kind = match token.kind() {
                TokenKind::Normal => "word".to_owned(),
                TokenKind::Initial => "initial".to_owned(),
                TokenKind::LegalForm(legal_form) => format!("legal:{}", legal_form.canonical()),
                TokenKind::Particle => "particle".to_owned(),
                TokenKind::Honorific => "honorific".to_owned(),
                TokenKind::StopWord => "stop".to_owned(),
            };
            format!("{}/{kind}", token.text())
        })
        .collect();
    assert_eq!(rendered, expected, "tokenize({input:?})");
}

#[test]
fn legal_forms_are_recognised_at_the_end_of_company_names() {
    check("Acme Corp.", &["acme/word", "corp/legal:corporation"]);
    check("ACME CORPORATION", &["acme/word", "corporation/legal:corporation"]);
    check("Petronas Sdn. Bhd.", &["petronas/word", "sdn bhd/legal:sdn bhd"]);
    check("Banco Nacional S.A.", &["banco/word", "nacional/word", "s a/legal:sa"]);
    check(
        "Tata Consultancy Private Limited",
        &["tata/word", "consultancy/word", "private limited/legal:private limited"],
    );
}

#[test]
fn legal_forms_are_recognised_at_the_start_of_company_names() {
    check("ООО «Ромашка»", &["ooo/legal:ooo", "romashka/word"]);
    check("PT Bank Mandiri Tbk", &["pt/legal:pt", "bank/word", "mandiri/word", "tbk/legal:tbk"]);
}

#[test]
fn the_longest_legal_form_wins() {
    check("Acme Co., Ltd.", &["acme/word", "co ltd/legal:company limited"]);
    check("Acme S.A. de C.V.", &["acme/word", "s a de c v/legal:sa de cv"]);
    check(
        "Grupo Acme S.A. de C.V.",
        &["grupo/legal:group", "acme/word", "s a de c v/legal:sa de cv"],
    );
    check(
        "中国船舶工业集团有限公司",
        &[
            "zhong/word",
            "guo/word",
            "chuan/word",
            "bo/word",
            "gong/word",
            "ye/word",
            "ji tuan/legal:group",
            "you xian gong si/legal:company limited",
        ],
    );
}

#[test]
fn legal_forms_match_only_whole_words() {
    check("Cobalt Ltda", &["cobalt/word", "ltda/legal:ltda"]);
    check("Incorporeal", &["incorporeal/word"]);
}

#[test]
fn trading_is_a_normal_word() {
    check("Acme Trading LLC", &["acme/word", "trading/word", "llc/legal:llc"]);
}

#[test]
fn particles_honorifics_and_stop_words_are_tagged() {
    check(
        "Sheikh Abu Bakr al-Baghdadi",
        &["sheikh/honorific", "abu/particle", "bakr/word", "al/particle", "baghdadi/word"],
    );
    check("Mohammed bin Salman", &["mohammed/word", "bin/particle", "salman/word"]);
    check("أسامة بن لادن", &["asama/word", "bn/particle", "ladn/word"]);
    check("Ludwig van Beethoven", &["ludwig/word", "van/particle", "beethoven/word"]);
    check(
        "Bank of the Nation and Trust",
        &["bank/word", "of/stop", "the/stop", "nation/word", "and/stop", "trust/word"],
    );
    check("Mrs. Smith", &["mrs/honorific", "smith/word"]);
}

#[test]
fn initials_are_single_letters() {
    check("J. R. R. Tolkien", &["j/initial", "r/initial", "r/initial", "tolkien/word"]);
    check("Route 6", &["route/word", "6/word"]);
}

#[test]
fn canonical_text_replaces_legal_forms_only() {
    let canonical: Vec<String> =
        tokenize("Acme Corp").iter().map(|token| token.canonical().to_owned()).collect();
    assert_eq!(canonical, ["acme", "corporation"]);
}

#[test]
fn empty_names_have_no_tokens() {
    assert!(tokenize("").is_empty());
    assert!(tokenize(" ,.- ").is_empty());
}

#[test]
fn a_legal_form_run_into_the_first_word_is_split_off() {
    check("OOOALKON", &["ooo/legal:ooo", "alkon/word"]);
    check("ОООАЛКОН", &["ooo/legal:ooo", "alkon/word"]);
    check("CJSCBELTECHEXPORT Minsk", &["cjsc/legal:cjsc", "beltechexport/word", "minsk/word"]);
    // The rest may be a legal form itself.
    check("OOOKOMPANIYA Vek", &["ooo/legal:ooo", "kompaniya/legal:company", "vek/word"]);
    // Words that merely start like a form, short rests, and forms inside a name stay whole.
    check("Paolo", &["paolo/word"]);
    check("Pterus", &["pterus/word"]);
    check("OOOX", &["ooox/word"]);
    check("Alkon OOOSGM", &["alkon/word", "ooosgm/word"]);
}

#[test]
fn abbreviations_of_common_words_are_written_out() {
    check(
        "Harrowvane Int'l Freight Svcs.",
        &["harrowvane/word", "international/word", "freight/word", "services/word"],
    );
    check(
        "Delancourt Bros. Mfg. Co.",
        &["delancourt/word", "brothers/word", "manufacturing/word", "co/legal:company"],
    );
    // Only plain words: "ctr" stays an abbreviation nowhere else, and a legal form keeps its own
    // canonical form.
    check("Ctr for Policy", &["center/word", "for/stop", "policy/word"]);
}

#[test]
fn every_abbreviation_row_is_folded_and_stands_for_a_plain_word() {
    let table = include_str!("../../data/abbreviations.tsv");
    for line in table.lines().filter(|line| !line.starts_with('#')) {
        let (abbreviation, word) = line.split_once('\t').expect("two columns");
        assert_eq!(crate::fold(abbreviation), abbreviation, "{line}");
        assert_eq!(crate::fold(word), word, "{line}");
        assert_eq!(super::word_kind(abbreviation), TokenKind::Normal, "{line}");
        assert_eq!(super::word_kind(word), TokenKind::Normal, "{line}");
        assert!(crate::legal_form(abbreviation).is_none(), "{line}");
    }
}

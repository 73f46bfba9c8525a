//! Tests of the legal-form table and its lookups.

use super::{
    LEGAL_FORMS_TSV, LegalForm, byte_classes, legal_form, legal_forms, may_be_close,
    one_edit_apart, parse_table,
};
use std::collections::HashSet;

fn check(text: &str, expected_form: &str, expected_canonical: &str) {
    let found = legal_form(text).unwrap_or_else(|| panic!("no legal form for {text:?}"));
    assert_eq!((found.form(), found.canonical()), (expected_form, expected_canonical), "{text:?}");
}

#[test]
fn every_row_of_the_shipped_table_parses() {
    let bad_lines: Vec<usize> = parse_table(LEGAL_FORMS_TSV).filter_map(Result::err).collect();
    assert_eq!(bad_lines, Vec::<usize>::new());
}

#[test]
fn every_row_folds_to_a_different_form() {
    let mut seen = HashSet::new();
    for legal_form in legal_forms() {
        assert!(seen.insert(legal_form.form()), "{:?} appears twice", legal_form.form());
    }
}

#[test]
fn canonical_forms_are_shared_by_abbreviations_and_full_words() {
    check("Corp.", "corp", "corporation");
    check("Corporation", "corporation", "corporation");
    check("Ltd", "ltd", "limited");
    check("LIMITED", "limited", "limited");
    check("Inc.", "inc", "incorporated");
    check("Co.", "co", "company");
    check("S.A.", "s a", "sa");
    check("SA", "sa", "sa");
    check("L.L.C.", "l l c", "llc");
    check("Pte. Ltd.", "pte ltd", "private limited");
    check("Private Limited", "private limited", "private limited");
    check("K.K.", "k k", "kabushiki kaisha");
    check("Kabushiki Kaisha", "kabushiki kaisha", "kabushiki kaisha");
    check("Holdings", "holdings", "holding");
    // Long forms of the Nordic, Baltic, Central European, Balkan and Turkish abbreviations.
    check("Korlátolt Felelősségű Társaság", "korlatolt felelossegu tarsasag", "kft");
    check("Societatea cu răspundere limitată", "societatea cu raspundere limitata", "srl");
    check("Osakeyhtiö", "osakeyhtio", "oy");
    check("Osaühing", "osauhing", "ou");
    check("Sabiedrība ar ierobežotu atbildību", "sabiedriba ar ierobezotu atbildibu", "sia");
    check("Društvo s ograničenom odgovornošću", "drustvo s ogranicenom odgovornoscu", "doo");
    check("Дружество с ограничена отговорност", "druzhestvo s ogranichena otgovornost", "ood");
    check("Ltd. Şti.", "ltd sti", "ltd sti");
    check("Limited Şirketi", "limited sirketi", "ltd sti");
}

#[test]
fn required_forms_are_in_the_table() {
    let required = [
        "co",
        "company",
        "ltd",
        "limited",
        "corp",
        "corporation",
        "inc",
        "incorporated",
        "llc",
        "llp",
        "lp",
        "plc",
        "gmbh",
        "ag",
        "kg",
        "sa",
        "s a",
        "sarl",
        "sas",
        "srl",
        "spa",
        "bv",
        "nv",
        "oy",
        "ab",
        "as",
        "asa",
        "pte",
        "pty",
        "pvt",
        "private limited",
        "jsc",
        "ojsc",
        "cjsc",
        "pjsc",
        "ooo",
        "oao",
        "pao",
        "zao",
        "ao",
        "tov",
        "too",
        "fze",
        "fzco",
        "fzc",
        "wll",
        "sdn bhd",
        "bhd",
        "tbk",
        "kk",
        "kabushiki kaisha",
        "group",
        "holding",
        "holdings",
    ];
    for form in required {
        assert!(legal_form(form).is_some(), "{form:?} is missing");
    }
}

#[test]
fn forms_in_other_scripts_are_matched_after_folding() {
    check("ООО", "ooo", "ooo");
    // A Russian form shares the canonical form of its English name.
    check("ОАО", "oao", "ojsc");
    check("ПАО", "pao", "pjsc");
    check("ЗАО", "zao", "cjsc");
    check("АО", "ao", "jsc");
    check("Публичное акционерное общество", "publichnoye aktsionernoye obshchestvo", "pjsc");
    check("有限公司", "you xian gong si", "company limited");
    check("股份有限公司", "gu fen you xian gong si", "company limited by shares");
    check("集团", "ji tuan", "group");
    check("株式会社", "zhu shi hui she", "kabushiki kaisha");
}

#[test]
fn trading_is_not_a_legal_form() {
    assert_eq!(legal_form("Trading"), None);
    assert_eq!(legal_form("Acme Ltd"), None);
    assert_eq!(legal_form(""), None);
}

#[test]
fn jurisdictions_are_listed_per_form() {
    let gmbh = legal_form("GmbH").map(|form| form.jurisdictions().collect::<Vec<_>>());
    assert_eq!(gmbh, Some(vec!["DE", "AT", "CH", "LI"]));
}

#[test]
fn a_long_legal_form_misspelt_by_one_letter_is_still_a_legal_form() {
    for (word, canonical) in
        [("coproration", "corporation"), ("limitted", "limited"), ("corporaton", "corporation")]
    {
        let (form, n_words) = super::longest_at(&[word]).unwrap_or_else(|| panic!("{word}"));
        assert_eq!((form.canonical(), n_words), (canonical, 1));
    }
    // Short forms and ordinary words are not stretched.
    assert!(super::longest_at(&["cx"]).is_none());
    assert!(super::longest_at(&["limitless"]).is_none());
    assert!(super::longest_at(&["corporal"]).is_none());
}

#[test]
fn a_shorter_legal_form_with_two_letters_swapped_is_still_a_legal_form() {
    for (word, canonical) in [
        ("gruop", "group"),
        ("gropu", "group"),
        ("copr", "corporation"),
        ("gmhb", "gmbh"),
        ("hodling", "holding"),
        ("gruppo", "group"),
    ] {
        let (form, n_words) = super::longest_at(&[word]).unwrap_or_else(|| panic!("{word}"));
        assert_eq!((form.canonical(), n_words), (canonical, 1), "{word}");
    }
    // The first letter stays, and the first two of a four-letter form: "crop" is a word.
    for word in ["rgoup", "crop", "ocrp", "grout", "groop", "cor", "ocr"] {
        assert!(super::longest_at(&[word]).is_none(), "{word}");
    }
}

#[test]
fn group_and_company_in_other_languages_are_the_same_forms() {
    for (text, canonical) in [
        ("Grupo", "group"),
        ("Groupe", "group"),
        ("Gruppe", "group"),
        ("Группа", "group"),
        ("グループ", "group"),
        ("그룹", "group"),
        ("Compañía", "company"),
        ("Companhia", "company"),
        ("Compagnie", "company"),
    ] {
        assert_eq!(legal_form(text).map(LegalForm::canonical), Some(canonical), "{text}");
    }
}

/// Edit distance one by the definition: an insertion, a deletion, a substitution or a swap of
/// neighbours turns one into the other (how `one_edit_apart` was first written).
fn one_edit_apart_by_definition(a: &[u8], b: &[u8]) -> bool {
    if a == b {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a_rest, b_rest) = (&a[prefix..], &b[prefix..]);
    let skip = |s: &[u8], n: usize| s.get(n..).map(<[u8]>::to_vec);
    skip(a_rest, 1) == skip(b_rest, 1)
        || skip(a_rest, 1).as_deref() == Some(b_rest)
        || Some(a_rest) == skip(b_rest, 1).as_deref()
        || (a_rest.len() >= 2
            && b_rest.len() >= 2
            && a_rest[0] == b_rest[1]
            && a_rest[1] == b_rest[0]
            && a_rest[2..] == b_rest[2..])
}

#[test]
fn one_edit_apart_agrees_with_its_definition_on_every_short_word() {
    // Every word of up to five letters over a three-letter alphabet, against every other.
    let mut words: Vec<Vec<u8>> = vec![Vec::new()];
    let mut last: Vec<Vec<u8>> = vec![Vec::new()];
    for _ in 0..5 {
        last = last
            .iter()
            .flat_map(|word| {
                b"abc".iter().map(move |&letter| {
                    let mut longer = word.clone();
                    longer.push(letter);
                    longer
                })
            })
            .collect();
        words.extend(last.iter().cloned());
    }
    for a in &words {
        for b in &words {
            assert_eq!(one_edit_apart(a, b), one_edit_apart_by_definition(a, b), "{a:?} {b:?}");
            if a == b || one_edit_apart(a, b) {
                assert!(may_be_close(byte_classes(a), byte_classes(b)), "{a:?} {b:?}");
            }
        }
    }
}

#[test]
fn a_spelt_out_form_in_the_lists_transliteration_takes_a_typo_as_well() {
    // The table folds "акционерное" as "aktsionernoye"; OFAC writes "aktsionernoe", and a typo
    // on top of it is still that form.
    for (text, canonical) in [
        ("otkrytoe akstionernoe obshchestvo", "ojsc"),
        ("zakrytoe akstionernoe obshchestvo", "cjsc"),
        ("akstionernoe obshchestvo", "jsc"),
        ("obshchestvo s ogranichennoi otvetstvenostyu", "ooo"),
    ] {
        let words: Vec<&str> = text.split(' ').collect();
        let (form, n_words) = super::longest_at(&words).unwrap_or_else(|| panic!("{text}"));
        assert_eq!((form.canonical(), n_words), (canonical, words.len()), "{text}");
    }
    assert_eq!(super::adjective_ending_key("aktsionernoye"), "aktsionernoe");
    assert_eq!(super::adjective_ending_key("ogranichennoy"), "ogranichennoi");
    assert_eq!(super::adjective_ending_key("obshchestvo"), "obshchestvo");
    assert_eq!(super::adjective_ending_key("ye"), "ye");
}

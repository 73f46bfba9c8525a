//! Tests of token similarity, keys and edit distance.

use super::*;

fn sim(a: &str, b: &str) -> Option<(f32, Method)> {
    similarity(&Tok::new(a, Kind::Normal), &Tok::new(b, Kind::Normal))
}

/// Like `sim`, with `b` folded from Arabic script.
fn sim_unvowelled(a: &str, b: &str) -> Option<(f32, Method)> {
    let mut tok_b = Tok::new(b, Kind::Normal);
    tok_b.unvowelled = true;
    similarity(&Tok::new(a, Kind::Normal), &tok_b)
}

fn shares_key(a: &str, b: &str) -> bool {
    let mut keys_a = Vec::new();
    token_keys(&Tok::new(a, Kind::Normal), &mut |key| keys_a.push(key));
    let mut shared = false;
    token_keys(&Tok::new(b, Kind::Normal), &mut |key| shared |= keys_a.contains(&key));
    shared
}

#[test]
fn typos_and_latin_spelling_variants_are_similar() {
    for (a, b) in [("khoroshev", "khoroshiev"), ("qaddafi", "qadhafi"), ("gaddafi", "qaddafi")] {
        let found = sim(a, b);
        assert!(found.is_some_and(|(s, _)| s >= 0.75), "{a} {b} {found:?}");
        assert!(shares_key(a, b), "{a} {b}");
    }
}

#[test]
fn a_first_letter_of_one_sound_spelt_two_ways_still_matches_by_sound() {
    for (a, b) in [("gaddafi", "qadhafi"), ("qasim", "kasem"), ("kadafi", "gaddafi")] {
        assert!(matches!(sim(a, b), Some((s, Method::Phonetic)) if s >= 0.85), "{a} {b}");
    }
    // Short words still need their first two letters alike, and other first letters differ.
    for (a, b) in [("zaid", "said"), ("gamal", "jamal")] {
        assert!(sim(a, b).is_none_or(|(_, method)| method != Method::Phonetic), "{a} {b}");
    }
}

#[test]
fn unvowelled_arabic_spellings_are_similar_to_latin_ones() {
    for (a, b) in [
        ("mohammed", "mhmd"),
        ("huwaysh", "huish"),
        ("hussein", "hsin"),
        ("saddam", "sdam"),
        ("tikriti", "tkriti"),
        ("jamal", "jmal"),
        ("izzat", "azt"),
        // "x" is the "ks" that Arabic script writes ("ألكسندر", "أليكسي").
        ("alexander", "alksndr"),
        ("alexei", "aliksi"),
        // A foreign name's fa and waw read as "v".
        ("lavrov", "lavruv"),
        // "tsh" for "ch" ("يانوكوفيتش").
        ("yanukovych", "yanukuvitsh"),
    ] {
        let found = sim_unvowelled(a, b);
        assert!(found.is_some_and(|(s, _)| s >= 0.75), "{a} {b} {found:?}");
        assert!(shares_key(a, b), "{a} {b}");
    }
}

#[test]
fn a_short_word_with_two_letters_swapped_is_a_typo() {
    for (a, b) in [("adb", "abd"), ("lli", "lil"), ("ail", "ali"), ("ogla", "olga")] {
        let found = sim(a, b);
        assert!(found.is_some_and(|(s, _)| (0.6..0.9).contains(&s)), "{a} {b} {found:?}");
        assert!(shares_key(a, b), "{a} {b}");
    }
}

#[test]
fn unrelated_words_are_not_similar() {
    for (a, b) in [
        ("caribbean", "pacific"),
        ("international", "interior"),
        ("putin", "potanin"),
        ("jing", "jang"),
        // A short word may have two letters swapped, but not its first.
        ("amr", "mar"),
        ("abd", "bad"),
    ] {
        assert_eq!(sim(a, b), None, "{a} {b}");
    }
}

#[test]
fn legal_forms_match_only_their_canonical_form() {
    let corp = Tok::new("corporation", Kind::LegalForm);
    let ltd = Tok::new("limited", Kind::LegalForm);
    assert_eq!(similarity(&corp, &corp.clone()), Some((1.0, Method::Exact)));
    assert_eq!(similarity(&corp, &ltd), None);
}

#[test]
fn osa_distance_counts_swaps_as_one_edit_and_stops_at_the_limit() {
    assert_eq!(osa_distance(b"four", b"fuor", 2), 1);
    assert_eq!(osa_distance(b"kitten", b"sitting", 5), 3);
    assert_eq!(osa_distance(b"kitten", b"sitting", 1), 2);
    assert_eq!(osa_distance(b"", b"", 0), 0);
}

#[test]
fn every_pair_within_the_allowed_edits_shares_a_deletion_variant() {
    let words = ["ahmad", "ahmed", "achmed", "ahmadi", "hamed", "mohamad", "mohammad", "muhamad"];
    for a in words {
        for b in words {
            let limit = allowed_edits(a.len().max(b.len()));
            if osa_distance(a.as_bytes(), b.as_bytes(), limit) <= limit {
                assert!(shares_key(a, b), "{a} {b}");
            }
        }
    }
}

#[test]
fn sound_keys_merge_spellings_of_one_name() {
    assert_eq!(sound_key("gadhafi"), sound_key("qaddafi"));
    assert_eq!(sound_key("sheikh"), sound_key("shaikh"));
    assert_ne!(sound_key("international"), sound_key("interior"));
}

/// The keys [`deletion_keys`] gives for `text`, and the keys of the strings
/// [`deletion_variants`] gives, each hashed from its bytes, as sorted sets.
fn deletion_key_sets(text: &str, depth: usize) -> (Vec<u64>, Vec<u64>) {
    let mut fast = Vec::new();
    deletion_keys(text.as_bytes(), depth, &mut |key| fast.push(key));
    let mut by_definition = Vec::new();
    deletion_variants(text, depth, &mut |variant| {
        deletion_keys(variant, 0, &mut |key| by_definition.push(key));
    });
    for keys in [&mut fast, &mut by_definition] {
        keys.sort_unstable();
        keys.dedup();
    }
    (fast, by_definition)
}

#[test]
fn deletion_keys_are_the_keys_of_the_deletion_variants() {
    let mut words: Vec<String> = vec![String::new()];
    let mut last: Vec<String> = vec![String::new()];
    for _ in 0..7 {
        last = last.iter().flat_map(|w| ["a", "b", "c"].map(|c| format!("{w}{c}"))).collect();
        words.extend(last.iter().cloned());
    }
    words.extend(
        ["mohammed", "transkomplektkholding", "abdulrahmanalmasri", "xyzxyzxyzxyzxyzxyzxyzxyz"]
            .map(str::to_owned),
    );
    for word in &words {
        for depth in 0..=2 {
            let (fast, by_definition) = deletion_key_sets(word, depth);
            assert_eq!(fast, by_definition, "{word:?} at depth {depth}");
        }
    }
}

#[test]
fn distinct_deletion_variants_have_distinct_keys() {
    // Not needed for correctness (a shared key only adds a candidate that similarity then
    // rejects), but a sign that the hash spreads.
    let mut variants: Vec<Vec<u8>> = Vec::new();
    for word in ["abdulrahmanalmasri", "mohammedalihassan", "transkomplektkholding"] {
        deletion_variants(word, 2, &mut |variant| variants.push(variant.to_vec()));
    }
    variants.sort_unstable();
    variants.dedup();
    let mut keys: Vec<u64> = Vec::new();
    for variant in &variants {
        deletion_keys(variant, 0, &mut |key| keys.push(key));
    }
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), variants.len());
}

#[test]
fn a_name_of_initials_alone_is_an_acronym_and_a_name_with_a_word_keeps_its_initials() {
    let texts = |folded: &str| -> Vec<(String, Kind)> { name_tokens(folded, true, false) };
    let normal = |text: &str| (text.to_string(), Kind::Normal);
    assert_eq!(texts("i c i c kft"), [normal("icic"), ("kft".to_string(), Kind::LegalForm)]);
    assert_eq!(texts("a b c"), [normal("abc")]);
    assert_eq!(
        texts("j r smith"),
        [("j".into(), Kind::Initial), ("r".into(), Kind::Initial), normal("smith")]
    );
    // One initial alone is no acronym.
    assert_eq!(
        texts("x ltd"),
        [("x".to_string(), Kind::Initial), ("limited".to_string(), Kind::LegalForm)]
    );
}

#[test]
fn patronymics_are_told_by_their_endings() {
    for word in [
        "arkadyevich",
        "romanovych",
        "ryhoravich",
        "ivanovna",
        "petrivna",
        "ryhorauna",
        "illichna",
        "anatolijevitch",
        "anatoljewitsch",
        "iwanowna",
        "mammadoglu",
        "kyzy",
    ] {
        assert!(is_patronymic(word), "{word}");
    }
    for word in ["rotenberg", "ivan", "petrovic", "ulrich", "vich"] {
        assert!(!is_patronymic(word), "{word}");
    }
}

#[test]
fn long_words_a_few_vowels_apart_are_one_name_and_short_ones_stay_apart() {
    for (a, b) in [("hezbollah", "hizballah"), ("mohammed", "muhammad"), ("ibrahim", "ebrahim")] {
        assert!(sim(a, b).is_some_and(|(s, _)| s >= 0.9), "{a} {b} {:?}", sim(a, b));
    }
    for (a, b) in [("jamil", "jamal"), ("kamil", "kamal")] {
        assert!(sim(a, b).is_none_or(|(s, _)| s < 0.9), "{a} {b} {:?}", sim(a, b));
    }
}

/// The token texts of a folded name with its numbers written one way, number words included.
fn texts(name: &str, vessel: bool) -> Vec<String> {
    let mut tokens = name_tokens(name, true, false);
    numbers(&mut tokens, vessel, true);
    tokens.into_iter().map(|(text, _)| text).collect()
}

#[test]
fn numbers_in_words_and_figures_are_written_one_way() {
    for (a, b) in [
        ("brigade forty four", "brigade 44"),
        ("brigade fourty four", "brigade 44"),
        ("three percenters", "3 percenters"),
        ("first international bank", "1st international bank"),
        ("second economic committee", "2nd economic committee"),
        ("fourth estate", "4th estate"),
        ("twenty twenty", "20 20"),
        ("ark iii", "ark 3"),
    ] {
        assert_eq!(texts(a, false), texts(b, false), "{a} / {b}");
    }
    assert_eq!(texts("first 21st 103rd 4 th", false), ["1", "21", "103", "4", "th"]);
    assert_eq!(texts("oneida forthright", false), ["oneida", "forthright"]);
    // The reading that keeps number words keeps them (a typo of one still meets it); ordinals
    // with a suffix are figures in both.
    let mut tokens = name_tokens("fourth ocean 1st", true, false);
    numbers(&mut tokens, false, false);
    let kept: Vec<&str> = tokens.iter().map(|(text, _)| text.as_str()).collect();
    assert_eq!(kept, ["fourth", "ocean", "1"]);
    assert!(has_number_word("fourth ocean") && !has_number_word("4 ocean forthright"));
}

#[test]
fn roman_numerals_after_a_word_are_numbers() {
    assert_eq!(texts("bicentenario xvii", false), ["bicentenario", "17"]);
    assert_eq!(texts("bicentenario xiv", false), ["bicentenario", "14"]);
    assert_eq!(texts("star xxxix", false), ["star", "39"]);
    // An initial, a Chinese name and what is not a numeral stay words.
    assert_eq!(texts("john v smith", false), ["john", "v", "smith"]);
    assert_eq!(texts("jinping xi", false), ["jinping", "xi"]);
    assert_eq!(texts("argo xi", true), ["argo", "11"]);
    assert_eq!(texts("argo i", true), ["argo", "1"]);
    assert_eq!(texts("alpha xxxx mix iix", false), ["alpha", "xxxx", "mix", "iix"]);
    assert_eq!(texts("xiv century", false), ["xiv", "century"]);
}

#[test]
fn a_patronymic_corresponds_to_its_forms_in_other_languages_only() {
    let tok = |text: &str| Tok::new(text, Kind::Normal).with_patronymic_class();
    for (a, b) in [
        ("nikolaevich", "mykolaiovych"),
        ("nikolaevich", "mikalaevich"),
        ("vladimirovich", "volodymyrovych"),
        ("sergeevich", "serhiyovych"),
        ("aleksandrovich", "oleksandrovych"),
        ("vladimirovna", "volodymyrivna"),
        ("yuryevich", "yuriyovych"),
    ] {
        assert!(tok(a).class.is_some() && tok(a).class == tok(b).class, "{a} {b}");
        assert!(similarity(&tok(a), &tok(b)).is_some(), "{a} {b}");
    }
    // Not the father's name itself, not the other gender's patronymic, not another father.
    for (a, b) in [
        ("nikolaevich", "nikolay"),
        ("vladimirovich", "vladimirovna"),
        ("sergeevich", "aleksandrovich"),
    ] {
        assert_ne!(tok(a).class, tok(b).class, "{a} {b}");
    }
}

#[test]
fn a_name_is_read_a_bounded_number_of_ways() {
    // Polyphonic Han, number words and former names at once.
    let crafted =
        "行長 one first (ex-行長 two, ex-行長 three, ex-行長 four, ex-行長 five, ex-重行 six)";
    let unbounded: usize = listwatch_normalize::name_parts(crafted)
        .into_iter()
        .map(|p| readings_of_one(p).len())
        .sum();
    assert!(unbounded > MAX_READINGS, "{unbounded}");
    let readings = name_readings(crafted);
    assert!(readings.len() <= MAX_READINGS, "{}", readings.len());
    assert!(readings.iter().any(|r| r.number_words));
    assert_eq!(name_readings("Ivan Petrov").len(), 1);
}

#[test]
fn a_family_name_in_capitals_is_marked() {
    let marked = |raw: &str| {
        family_marks(raw).map(|marks| {
            marks
                .into_iter()
                .filter(|(_, family)| *family)
                .map(|(text, _)| text)
                .collect::<Vec<_>>()
        })
    };
    let words = |list: &[&str]| Some(list.iter().map(|w| w.to_string()).collect::<Vec<_>>());
    assert_eq!(marked("Qassim Abdullah Ali OGUNGBUYI"), words(&["ogungbuyi"]));
    assert_eq!(marked("Jose Luis QUINTERO MERAZ"), words(&["quintero", "meraz"]));
    assert_eq!(marked("ZHANG Wei"), words(&["zhang"]));
    assert_eq!(marked("Jose de la CRUZ"), words(&["cruz"]));
    assert_eq!(marked("Владимир Владимирович ПУТИН"), words(&["putin"]));
    // An initial or a number is neither.
    assert_eq!(marked("John F. KENNEDY 2"), words(&["kennedy"]));
    // No convention: one case throughout, capitals in the middle or at both ends, no cased
    // letters at all.
    for raw in ["John Smith", "JOHN SMITH", "Dr. John SMITH Jr.", "ACME Trading GMBH Berlin"] {
        assert_eq!(marked(raw), None, "{raw}");
    }
    assert_eq!(marked("SMITH John JONES"), None);
    assert_eq!(marked("محمد علي"), None);
    assert_eq!(marked(""), None);
    // Every token of the name is there, in order, marked or not.
    let all = family_marks("Qassim Abdullah Ali OGUNGBUYI").unwrap();
    let texts: Vec<&str> = all.iter().map(|(text, _)| text.as_str()).collect();
    assert_eq!(texts, ["qassim", "abdullah", "ali", "ogungbuyi"]);
}

#[test]
fn a_foreign_name_in_kana_meets_its_latin_spelling_by_its_consonants() {
    let folded = |raw: &str| fold(raw);
    // Katakana as Japan's sanctions list writes Russian names, folded by Hepburn.
    for (kana, latin) in [
        ("ラブロフ", "lavrov"),
        ("メドベージェフ", "medvedev"),
        ("ミシュスチン", "mishustin"),
        ("ローテンベルク", "rotenberg"),
        ("アブラモビッチ", "abramovich"),
        ("ヴェクセリベルク", "vekselberg"),
        ("コワリチュク", "kovalchuk"),
        ("アレクサンドル", "alexander"),
        ("ミハイル", "mikhail"),
        ("ウラジーミル", "vladimir"),
    ] {
        assert!(kana_meets(&folded(kana), latin), "{kana} ({}) ~ {latin}", folded(kana));
    }
    // Other names, and frames too short to tell.
    for (kana, latin) in [
        ("ラブロフ", "lebedev"),
        ("アブラモビッチ", "abramov"),
        ("コワリチュク", "kovalenko"),
        ("ザラ", "zala"),
        ("ポターニン", "putin"),
    ] {
        assert!(!kana_meets(&folded(kana), latin), "{kana} ({}) ~ {latin}", folded(kana));
    }
    assert_eq!(kana_key("raburofu", false), "rbrb");
    assert_eq!(kana_key("alexander", false), "arksnzr");
    assert_eq!(kana_key("urajimiru", true), "brzmr");
}

#[test]
fn a_foreign_name_in_hangul_is_read_with_its_syllables_together() {
    assert_eq!(hangul_foreign_name("세르게이 라브로프").as_deref(), Some("sereugei rabeurofu"));
    assert_eq!(hangul_foreign_name("블라디미르 푸틴").as_deref(), Some("beulradimireu putin"));
    // Korean names: a one-syllable surname and a two-syllable given name, together or apart.
    for korean in ["김정은", "김 정은", "리 성철", "Kim Jong Un", "세르게이 Lavrov"] {
        assert_eq!(hangul_foreign_name(korean), None, "{korean}");
    }
    let readings = name_readings("세르게이 라브로프");
    assert!(
        readings
            .iter()
            .any(|r| r.syllabic == Some(Syllabic::Kana) && r.text == "sereugei rabeurofu")
    );
    assert!(readings.iter().any(|r| r.syllabic.is_none()));
    assert!(kana_meets("rabeurofu", "lavrov") && kana_meets("beulradimireu", "vladimir"));
}

#[test]
fn a_foreign_name_in_chinese_characters_is_read_with_its_syllables_together() {
    assert_eq!(han_foreign_name("谢尔盖·拉夫罗夫").as_deref(), Some("xieergai lafuluofu"));
    assert_eq!(han_foreign_name("謝爾蓋・拉夫羅夫").as_deref(), Some("xieergai lafuluofu"));
    // A character read otherwise in foreign names ("什" is "shen" in 什么).
    assert_eq!(
        han_foreign_name("瓦莲京娜·捷列什科娃").as_deref(),
        Some("walianjingna jielieshikewa")
    );
    // Chinese names and companies have no middle dot; a name in two scripts is not one.
    for other in
        ["习近平", "李 强", "华为技术有限公司", "拉夫罗夫", "谢尔盖·Lavrov", "Sergei·Lavrov"]
    {
        assert_eq!(han_foreign_name(other), None, "{other}");
    }
    // It is read so alone.
    let readings = name_readings("谢尔盖·拉夫罗夫");
    let read: Vec<(&str, Option<Syllabic>)> =
        readings.iter().map(|r| (r.text.as_str(), r.syllabic)).collect();
    assert_eq!(read, [("xieergai lafuluofu", Some(Syllabic::Pinyin))]);
}

#[test]
fn a_foreign_name_in_chinese_characters_meets_its_latin_spelling_by_its_consonants() {
    let reading = |raw: &str| han_foreign_name(raw).unwrap();
    for (han, latin) in [
        // Every consonant written.
        ("谢尔盖·拉夫罗夫", "sergei lavrov"),
        ("米哈伊尔·米舒斯京", "mikhail mishustin"),
        ("维亚切斯拉夫·沃洛金", "vyacheslav volodin"),
        // b, d and j for p, t and a soft t; a last n or ng for m; ж as r.
        ("弗拉基米尔·普京", "vladimir putin"),
        ("唐纳德·特朗普", "donald trump"),
        ("叶夫根尼·普里戈任", "yevgeniy prigozhin"),
        // An r or l before a consonant or last, and the k of "ks", left out.
        ("亚历山大·卢卡申科", "aleksandr lukashenko"),
        ("维克托·维克塞尔伯格", "viktor vekselberg"),
        // A last h after a vowel is no sound.
        ("哈桑·纳斯鲁拉", "hasan nasrallah"),
        // Two consonants, all written or but a last r.
        ("尤里·加加林", "yuri gagarin"),
        ("彼得·托尔斯泰", "petr tolstoy"),
    ] {
        for (word, latin) in reading(han).split(' ').zip(latin.split(' ')) {
            assert!(pinyin_similarity(word, latin).is_some(), "{han}: {word} ~ {latin}");
        }
    }
    for (word, latin) in [
        // Other consonants, or more of them.
        ("lafuluofu", "lebedev"),
        ("lafuluofu", "lavrentiev"),
        ("botaning", "putin"),
        ("pujing", "potanin"),
        ("puxijin", "pushkov"),
        ("bulin", "bryntsalov"),
        // Consonants Chinese writes are not left out: a k after n, a t between vowels.
        ("bulin", "frank"),
        ("hameineiyi", "hemmatian"),
        ("yigeer", "asgari"),
        // A key of two consonants leaves out nothing but a last r.
        ("awen", "ahmad"),
        // And one is too short.
        ("cui", "tsoi"),
    ] {
        assert!(pinyin_similarity(word, latin).is_none(), "{word} ~ {latin}");
    }
    assert_eq!(pinyin_similarity("lafuluofu", "lavrov"), Some(KANA_SIM));
    assert!(pinyin_similarity("youli", "yuri") < Some(KANA_SIM));
}

#[test]
fn a_short_syllabic_name_meets_a_latin_one_by_its_two_consonants_and_first_vowel() {
    // Kana and Hangul: an equal key of two classes and a first vowel of one kind.
    assert_eq!(Syllabic::Kana.similarity("ari", "ali"), Some(SHORT_SYLLABIC_SIM));
    assert_eq!(Syllabic::Kana.similarity("zara", "zala"), Some(SHORT_SYLLABIC_SIM));
    assert_eq!(Syllabic::Kana.similarity("yuri", "iurii"), Some(SHORT_SYLLABIC_SIM));
    assert_eq!(Syllabic::Kana.similarity("yuri", "ilya"), None);
    assert_eq!(Syllabic::Kana.similarity("ari", "eli"), None);
    // Chinese: the same, "ao" the o it writes.
    assert_eq!(pinyin_similarity("youli", "yuri"), Some(SHORT_SYLLABIC_SIM));
    assert_eq!(pinyin_similarity("bide", "petr"), Some(SHORT_SYLLABIC_SIM));
    assert_eq!(pinyin_similarity("youli", "ilya"), None);
    assert!(first_vowels_agree("shaoyigu", "shoigu"));
    // Longer keys do not look at vowels.
    assert_eq!(pinyin_similarity("lafuluofu", "lavrov"), Some(KANA_SIM));
}

//! Tests of name classes and spelling keys.

use super::{given_name_class, spelling_key};

fn same_class(a: &str, b: &str) {
    assert!(given_name_class(a).is_some(), "{a} has no class");
    assert_eq!(given_name_class(a), given_name_class(b), "{a} and {b}");
}

#[test]
fn given_names_share_a_class_across_languages() {
    same_class("oleksandr", "aleksandr");
    same_class("alexandre", "iskandar");
    same_class("yevgeny", "evgeniy");
    same_class("jewgeni", "yevgeniy");
    same_class("mikhail", "michail");
    same_class("mihail", "michael");
    same_class("yusuf", "youssef");
    same_class("joseph", "yusuf");
    same_class("dmitry", "dimitrij");
    same_class("dmytro", "dmitri");
    same_class("wlodzimierz", "vladimir");
}

#[test]
fn different_names_have_different_classes() {
    assert_ne!(given_name_class("yuri"), given_name_class("georgiy"));
    assert_ne!(given_name_class("ivan"), given_name_class("yevgeniy"));
    assert_eq!(given_name_class("putin"), None);
}

#[test]
fn spellings_by_other_conventions_share_a_key() {
    for (a, b) in [
        ("iwanow", "ivanov"),
        ("poetin", "putin"),
        ("putins", "putin"),
        ("putinas", "putin"),
        ("ivanovs", "ivanov"),
        ("prigoschin", "prigozhin"),
        ("timtschenko", "timchenko"),
        ("kowaltschuk", "kovalchuk"),
        ("gubarew", "gubarev"),
        ("malofejew", "malofeyev"),
        ("dmitrij", "dmitriy"),
        ("valerii", "valeriy"),
        // Hungarian.
        ("vlagyimir", "vladimir"),
        ("medvegyev", "medvedev"),
        ("szergej", "sergey"),
        ("szecsin", "sechin"),
        ("csemezov", "chemezov"),
        ("prigozsin", "prigozhin"),
        ("tyimcsenko", "timchenko"),
        ("gyeripaszka", "deripaska"),
        ("arkagyij", "arkady"),
        ("alekszej", "alexey"),
        ("abramovics", "abramovich"),
        ("vologyin", "volodin"),
        ("jevgenyij", "yevgeniy"),
        ("vjacseszlav", "vyacheslav"),
        ("putyin", "putin"),
    ] {
        assert_eq!(spelling_key(a), spelling_key(b), "{a} and {b}");
    }
}

#[test]
fn different_names_keep_different_keys() {
    for (a, b) in [
        ("putin", "potanin"),
        ("boris", "bori"),
        ("ivanov", "ivanova"),
        ("hans", "han"),
        ("szabo", "shabo"),
    ] {
        assert_ne!(spelling_key(a), spelling_key(b), "{a} and {b}");
    }
}

//! The index is recall-safe: for randomized queries built from real names (typos, reordered
//! and dropped words, other scripts, attributes), it returns every entity that a full scan
//! scores at or above `min_score`, with the same score, and for small limits the same first
//! results as the full scan (score bounds prune nothing that belongs there).

use listwatch_matcher::{Index, IndexedEntity, MatcherConfig, Query, QueryIdentifier};
use listwatch_model::{DateSpec, IdKind};

/// A small deterministic random number generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Latin to Cyrillic, letter by letter, for names in the other script.
fn to_cyrillic(text: &str) -> String {
    let map = [
        ("kh", "х"),
        ("sh", "ш"),
        ("ch", "ч"),
        ("zh", "ж"),
        ("ts", "ц"),
        ("ya", "я"),
        ("yu", "ю"),
        ("a", "а"),
        ("b", "б"),
        ("v", "в"),
        ("g", "г"),
        ("d", "д"),
        ("e", "е"),
        ("z", "з"),
        ("i", "и"),
        ("y", "й"),
        ("k", "к"),
        ("l", "л"),
        ("m", "м"),
        ("n", "н"),
        ("o", "о"),
        ("p", "п"),
        ("r", "р"),
        ("s", "с"),
        ("t", "т"),
        ("u", "у"),
        ("f", "ф"),
    ];
    let lower = text.to_lowercase();
    let mut out = String::new();
    let mut rest = lower.as_str();
    'outer: while !rest.is_empty() {
        for (latin, cyrillic) in map {
            if let Some(after) = rest.strip_prefix(latin) {
                out.push_str(cyrillic);
                rest = after;
                continue 'outer;
            }
        }
        let mut chars = rest.chars();
        out.extend(chars.next());
        rest = chars.as_str();
    }
    out
}

/// A query made from a random name of a random entity.
fn random_query(rng: &mut Rng, entities: &[IndexedEntity]) -> Query {
    let entity = &entities[rng.below(entities.len())].entity;
    let name = &entity.names[rng.below(entity.names.len())].value;
    let mut words: Vec<String> = name.split_whitespace().map(str::to_owned).collect();
    for _ in 0..=rng.below(3) {
        if words.is_empty() {
            break;
        }
        let idx = rng.below(words.len());
        match rng.below(7) {
            0 => {
                // A typo.
                let mut chars: Vec<char> = words[idx].chars().collect();
                if chars.len() > 2 {
                    let pos = 1 + rng.below(chars.len() - 2);
                    chars.swap(pos, pos - 1);
                }
                words[idx] = chars.into_iter().collect();
            }
            1 => {
                words.remove(idx);
            }
            2 => words.rotate_left(1),
            3 => {
                // A word of another entity.
                let other = &entities[rng.below(entities.len())].entity;
                if let Some(word) = other.primary_name().split_whitespace().next() {
                    words.insert(idx, word.to_owned());
                }
            }
            4 => words[idx] = to_cyrillic(&words[idx]),
            5 => words[idx] = words[idx].chars().take(1).collect(),
            _ => {
                // Two words written together.
                if idx + 1 < words.len() {
                    let next = words.remove(idx + 1);
                    words[idx].push_str(&next);
                }
            }
        }
    }
    // A person's name as passports write it: the last word, the surname, in capitals, the others
    // not ("Ivan Sergeevich PETROV"), so that the family name counts as the query's.
    let person = entity.schema == listwatch_model::Schema::Person;
    if person && words.len() >= 2 && rng.below(2) == 0 {
        let last = words.len() - 1;
        for (idx, word) in words.iter_mut().enumerate() {
            *word = if idx == last {
                word.to_uppercase()
            } else {
                let lower = word.to_lowercase();
                let mut chars = lower.chars();
                chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
            };
        }
    }
    let mut query = Query::named(words.join(" "));
    if person && rng.below(2) == 0 {
        query.schema = Some(listwatch_model::Schema::Person);
    }
    if rng.below(3) == 0 {
        query.birth_date =
            entity.birth_dates.first().copied().or(DateSpec::parse_loose("1970").ok());
        query.countries = entity.nationalities.clone();
    }
    if rng.below(5) == 0
        && let Some(id) = entity.identifiers.first()
    {
        query.identifiers.push(QueryIdentifier {
            kind: id.kind,
            value: id.value.clone(),
            country: id.country.clone(),
        });
    }
    if rng.below(10) == 0 {
        query.identifiers.push(QueryIdentifier {
            kind: IdKind::Imo,
            value: "9187629".to_owned(),
            country: None,
        });
    }
    query
}

fn check_recall(config: &MatcherConfig, n_queries: usize, seed: u64) {
    // Every fourth real entity keeps a full scan affordable in debug builds.
    let entities: Vec<IndexedEntity> =
        crate::data::real_entities().into_iter().step_by(4).collect();
    let index = Index::build(entities.clone(), config);
    let mut rng = Rng(seed);
    let mut n_with_results = 0;
    for _ in 0..n_queries {
        let query = random_query(&mut rng, &entities);
        let found = index.screen(&query, usize::MAX);
        let scanned = index.screen_exhaustive(&query, usize::MAX);
        for expected in &scanned {
            let hit = found.iter().find(|r| r.entity_id == expected.entity_id);
            assert!(
                hit.is_some_and(|r| r.score == expected.score),
                "the index missed {} ({}) for {query:?}",
                expected.entity_id,
                expected.score
            );
        }
        assert_eq!(found.len(), scanned.len(), "{query:?}");
        assert_eq!(found, scanned, "{query:?}");
        // With a small limit, the index stops aligning candidates whose score bound cannot
        // reach the results: the results must still be the full scan's first ones, explanations
        // included.
        for limit in [1, 5, 10] {
            let top = index.screen(&query, limit);
            assert_eq!(top[..], scanned[..limit.min(scanned.len())], "limit {limit}: {query:?}");
        }
        n_with_results += usize::from(!scanned.is_empty());
    }
    // The check means little if the queries find nothing.
    assert!(n_with_results * 2 >= n_queries, "{n_with_results} of {n_queries} found anything");
}

#[test]
fn the_index_finds_everything_a_full_scan_finds() {
    if !crate::data::have_data() {
        return;
    }
    check_recall(&MatcherConfig::default(), 400, 0x5eed_2024_0503);
}

#[test]
fn the_index_finds_everything_a_full_scan_finds_at_a_low_floor() {
    if !crate::data::have_data() {
        return;
    }
    let config = MatcherConfig { min_score: 0.3, ..MatcherConfig::default() };
    check_recall(&config, 150, 0x0123_4567_89ab);
}

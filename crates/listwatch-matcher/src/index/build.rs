//! Building the index: the vocabulary and its weights, name and first-letter postings, fuzzy
//! keys, identifier postings, and the similar words of every listed word.

use super::*;

impl Index {
    /// Indexes every name (primary, aliases, weak aliases, CMIC issuer names) and every strong
    /// identifier of `entities`.
    pub fn build(
        entities: impl IntoIterator<Item = IndexedEntity>,
        config: &MatcherConfig,
    ) -> Index {
        let mut index = Index {
            config: config.clone(),
            config_hash: config.config_hash(),
            list_versions: Vec::new(),
            entities: Vec::new(),
            names: Vec::new(),
            name_tokens: Vec::new(),
            vocab: Vocab::default(),
            postings: Postings::default(),
            letters: Postings::default(),
            fuzzy_keys: KeyMap::default(),
            fuzzy_values: Vec::new(),
            identifiers: KeyMap::default(),
            n_docs: 0,
            expansions: Vec::new(),
            kana_keys: OnceLock::new(),
            join_particles: Vec::new(),
            entry_starts: Vec::new(),
        };
        let mut lists: HashMap<(String, u32), u32> = HashMap::new();
        let mut df: Vec<u32> = Vec::new();
        let mut kinds: Vec<Kind> = Vec::new();
        let mut entity_tokens: Vec<u32> = Vec::new();
        let mut seen_sequences: Vec<(u32, u32)> = Vec::new();
        for IndexedEntity { entity, list, version } in entities {
            let entity_idx = index.entities.len() as u32;
            let n_lists = lists.len() as u32;
            let list_idx = *lists.entry((list.clone(), version)).or_insert(n_lists);
            let mut names: Vec<(Box<str>, NameKind)> =
                entity.names.iter().map(|n| (n.value.as_str().into(), n.kind)).collect();
            for attribute in &entity.attributes {
                if attribute.label.eq_ignore_ascii_case("Issuer Name") {
                    names.push((attribute.value.as_str().into(), NameKind::Aka));
                }
            }
            let first_entry = index.names.len() as u32;
            entity_tokens.clear();
            seen_sequences.clear();
            for (name_idx, (raw, kind)) in names.iter().enumerate() {
                for reading in name_readings(raw) {
                    let tokens = entity_name_tokens(&reading, entity.schema);
                    if tokens.is_empty() {
                        continue;
                    }
                    let start = index.name_tokens.len() as u32;
                    for (text, token_kind) in tokens {
                        let id = match index.vocab.id(&text, token_kind) {
                            Some(id) => id,
                            None => {
                                let id = index.vocab.add(&text, token_kind);
                                df.push(0);
                                kinds.push(token_kind);
                                id
                            }
                        };
                        index.name_tokens.push(id);
                        entity_tokens.push(id);
                    }
                    let end = index.name_tokens.len() as u32;
                    // The same tokens under another name kind add nothing but work.
                    let sequence = &index.name_tokens[start as usize..end as usize];
                    let duplicate = seen_sequences
                        .iter()
                        .any(|&(s, e)| index.name_tokens[s as usize..e as usize] == *sequence);
                    if duplicate {
                        index.name_tokens.truncate(start as usize);
                        continue;
                    }
                    seen_sequences.push((start, end));
                    index.names.push(NameEntry {
                        entity: entity_idx,
                        name_idx: name_idx.min(usize::from(u16::MAX)) as u16,
                        weak: kind.is_weak(),
                        tokens: (start, end),
                    });
                }
            }
            entity_tokens.sort_unstable();
            entity_tokens.dedup();
            for &id in &entity_tokens {
                df[id as usize] += 1;
            }
            let party = Party::of_entity(&entity);
            for id in party.identifiers.iter().filter(|id| is_strong(id.kind)) {
                let slot = index.identifiers.entry(identifier_key(id.kind, &id.normalized));
                let entities = slot.or_default();
                if entities.last() != Some(&entity_idx) {
                    entities.push(entity_idx);
                }
            }
            index.entities.push(EntityRec {
                id: format!("{list}:{}", entity.id).into(),
                list: list_idx,
                schema: entity.schema,
                names: names.into_iter().map(|(name, _)| name).collect(),
                programs: entity.programs.iter().map(|p| p.as_str().into()).collect(),
                party,
                name_entries: (first_entry, index.names.len() as u32),
            });
        }
        index.n_docs = index.entities.len();
        index.entry_starts = index
            .entities
            .iter()
            .map(|e| e.name_entries.0)
            .chain(std::iter::once(index.names.len() as u32))
            .collect();
        let n_docs = index.n_docs;
        index.vocab.weights = kinds
            .iter()
            .zip(&df)
            .map(|(&kind, &df)| token_weight(kind, df, n_docs, config))
            .collect();
        index.vocab.meta = index
            .vocab
            .toks
            .iter()
            .zip(&index.vocab.weights)
            .map(|(tok, &weight)| TokMeta {
                weight,
                kind: tok.kind,
                first: tok.text.as_bytes().first().copied().unwrap_or(0),
                one_byte: tok.text.len() == 1,
                patronymic: tok.patronymic,
            })
            .collect();

        // Name postings and first-letter postings.
        let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(index.name_tokens.len());
        let mut letter_pairs: Vec<(u32, u32)> = Vec::new();
        for (entry_idx, entry) in index.names.iter().enumerate() {
            let tokens = &index.name_tokens[entry.tokens.0 as usize..entry.tokens.1 as usize];
            let first_pair = pairs.len();
            let first_letter = letter_pairs.len();
            for &id in tokens {
                if !pairs[first_pair..].iter().any(|&(t, _)| t == id) {
                    pairs.push((id, entry_idx as u32));
                }
                let tok = &index.vocab.toks[id as usize];
                if tok.kind == Kind::Normal
                    && let Some(bucket) = tok.text.bytes().next().and_then(letter_bucket)
                    && !letter_pairs[first_letter..].iter().any(|&(b, _)| b == bucket)
                {
                    letter_pairs.push((bucket, entry_idx as u32));
                }
            }
        }
        index.postings = Postings::build(index.vocab.toks.len(), &pairs);
        index.letters = Postings::build(36, &letter_pairs);

        // Fuzzy keys of the vocabulary.
        let mut key_pairs: Vec<(u64, u32)> = Vec::new();
        for (id, tok) in index.vocab.toks.iter().enumerate() {
            token_keys(tok, &mut |key| key_pairs.push((key, id as u32)));
        }
        key_pairs.sort_unstable();
        key_pairs.dedup();
        index.fuzzy_values = key_pairs.iter().map(|&(_, id)| id).collect();
        let mut start = 0;
        while start < key_pairs.len() {
            let key = key_pairs[start].0;
            let mut end = start;
            while end < key_pairs.len() && key_pairs[end].0 == key {
                end += 1;
            }
            index.fuzzy_keys.insert(key, (start as u32, end as u32));
            start = end;
        }
        index.join_particles = token::all_join_spellings()
            .filter_map(|particle| {
                let &id = index.vocab.ids.get(particle)?;
                (index.vocab.toks[id as usize].kind == Kind::Particle)
                    .then(|| (id, token::join_spellings(particle)))
            })
            .collect();
        index.expansions = (0..index.vocab.toks.len()).map(|_| OnceLock::new()).collect();
        // The similar words of every listed word are found now rather than on first use, so the
        // first queries are as fast as the later ones (about a second per million entities).
        for (id, tok) in index.vocab.toks.iter().enumerate() {
            let expansion = index.compute_expansion(tok, Some(id as u32)).into_boxed_slice();
            let _ = index.expansions[id].set(expansion);
        }
        let mut list_versions: Vec<((String, u32), u32)> = lists.into_iter().collect();
        list_versions.sort_by_key(|&(_, idx)| idx);
        index.list_versions = list_versions
            .into_iter()
            .map(|((list, version), _)| ListVersion { list, version })
            .collect();
        index
    }
}

//! The matcher's settings, its version, and the hash that pins both for replay.

/// The version of the matching algorithm. It changes whenever the same inputs could give a
/// different score, so a stored decision names the code that made it.
pub const MATCHER_VERSION: &str = "listwatch-matcher/18";

/// The default threshold: a result with a score at or above it is a match.
///
/// Chosen on the case suite (`test_data/cases`; see the crate docs, "Threshold"): with the 880
/// screening cases of matcher version 10, F1 is 0.981-0.983 from 0.78 to 0.82 and falls above
/// (recall drops from 0.83); 0.82 keeps hard-negative false alerts at 3.8% (9 of 235; 4 of the
/// 205 of version 9's suite, 1.95%).
pub const DEFAULT_THRESHOLD: f64 = 0.82;

/// Weights and limits of the scorer. [`MatcherConfig::default`] holds the measured defaults.
///
/// Every field enters [`MatcherConfig::config_hash`], so a result can be replayed exactly.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MatcherConfig {
    /// A score at or above this is a match.
    pub threshold: f64,
    /// Results below this score are not returned. The index finds every entity that scores at
    /// least this (the recall guarantee); lower values make queries slower.
    pub min_score: f64,
    /// The share of an unmatched candidate token's weight that counts against the name score
    /// (a missing middle name or patronymic costs less than an extra query word, which costs 1).
    pub unmatched_candidate_cost: f64,
    /// Name scores of weak aliases (OFAC's "weak a.k.a.") are multiplied by this.
    pub weak_alias_factor: f64,
    /// The weight of a legal form ("limited", "corporation").
    pub legal_form_weight: f64,
    /// The weight of a particle ("al", "bin", "van").
    pub particle_weight: f64,
    /// The weight of a stop word ("and", "of").
    pub stop_word_weight: f64,
    /// The weight of an initial, and the most an initial match can contribute.
    pub initial_weight: f64,
    /// The smallest weight of a normal word, however common.
    pub min_token_weight: f64,
    /// Normal word weights are the inverse document frequency raised to this power; above 1,
    /// rare words decide more and common ones count less.
    pub idf_exponent: f64,
    /// The score of an entity found by a strong identifier, before its name evidence is added
    /// (`score = identifier_score + (1 - identifier_score) * name_score`).
    pub identifier_score: f64,
    /// Added (negative) when the query's IMO or MMSI number differs from the entity's.
    pub identifier_conflict_penalty: f64,
    /// Added when a weak identifier (e-mail, website, phone, ticker) agrees.
    pub weak_identifier_bonus: f64,
    /// Added when a birth date agrees to the day.
    pub birth_date_exact_bonus: f64,
    /// Added when a birth date agrees on the year (or falls in the listed range).
    pub birth_date_year_bonus: f64,
    /// Added (negative) when the entity has birth dates and none is near the query's.
    pub birth_date_conflict_penalty: f64,
    /// Added when a query country is among the entity's countries.
    pub country_bonus: f64,
    /// Added (negative) when the entity has countries and none is the query's.
    pub country_conflict_penalty: f64,
    /// Added (negative) when the genders differ.
    pub gender_conflict_penalty: f64,
    /// A query name that weighs less than a word found in the names of this many entities
    /// carries too little to single one out: its name scores are multiplied by its weight over
    /// that word's weight. So a query of one letter, of particles or stop words, or of one common
    /// word ("trading", "ali") cannot alert on its name alone. 0 turns this off.
    pub informative_query_df: f64,
    /// In a person's name of three or more words, the share of its weight that a word costs
    /// when it is unmatched while the other words cover every word of the listed name (an
    /// extra name: a patronymic, a middle name, a second surname the list does not carry).
    /// 1 makes every query word cost its whole weight.
    pub extra_name_cost: f64,
    /// The share of its weight that an extra name costs when it comes before every matched word
    /// of the query (a leading given name: "Jose" of "Jose Manuel AGUIRRE GALINDO" against
    /// "AGUIRRE GALINDO, Manuel", another person as often as not); at least `extra_name_cost`.
    /// New in matcher version 10; a configuration recorded before it reads as 1 (and fails its
    /// hash check, so it is never replayed as if it had been used).
    #[serde(default = "full_cost")]
    pub leading_extra_name_cost: f64,
    /// The share of an unmatched candidate token's weight that counts against the name score
    /// of a query with one normal word (at least `unmatched_candidate_cost`): such a query
    /// must cover the candidate name ("Trading" is not "M AND S TRADING", "金" is not "YU, Jin").
    pub short_query_unmatched_cost: f64,
    /// The share of an unmatched candidate token's weight that counts against the name score of
    /// a query that reads as a Korean name (`listwatch_normalize::korean_romanization`), at least
    /// `unmatched_candidate_cost`. Each syllable of a Korean given name is part of one name, so a
    /// listed syllable the query lacks is not a middle name left out: "Ri Chol" is not "RI, Song
    /// Chol". New in matcher version 12; a configuration recorded before it reads as 0.3 (and
    /// fails its hash check, so it is never replayed as if it had been used).
    #[serde(default = "earlier_unmatched_cost")]
    pub korean_unmatched_candidate_cost: f64,
    /// The share of an unmatched candidate patronymic's weight that counts against the name
    /// score, at most `unmatched_candidate_cost`: lists give patronymics ("ROTENBERG, Arkady
    /// Romanovich") that callers leave out. It applies to queries of two normal words or more,
    /// not read as Korean, and only when no matched word of the candidate ends as a patronymic
    /// (then the unmatched one may be a surname: "Ivan Sergeevich" is not "LUKASHEVICH, Ivan
    /// Sergeevich"). New in matcher version 13; a configuration recorded before it reads as 0.3.
    #[serde(default = "earlier_unmatched_cost")]
    pub patronymic_unmatched_cost: f64,
    /// The share of an unmatched candidate number's weight that counts against the name score,
    /// at least the query's cost of other unmatched words: a number names one of several
    /// parties ("ORION TANAGER II" is a sister ship of "Orion Tanager", "Brigade 44" another
    /// brigade), where a missing word is often a word left out. New in matcher version 15; a
    /// configuration recorded before it reads as 0.3 (and fails its hash check, so it is never
    /// replayed as if it had been used).
    #[serde(default = "earlier_unmatched_cost")]
    pub unmatched_number_cost: f64,
}

impl Default for MatcherConfig {
    fn default() -> MatcherConfig {
        MatcherConfig {
            threshold: DEFAULT_THRESHOLD,
            min_score: 0.6,
            unmatched_candidate_cost: 0.3,
            weak_alias_factor: 0.9,
            legal_form_weight: 0.3,
            particle_weight: 0.3,
            stop_word_weight: 0.1,
            initial_weight: 0.6,
            min_token_weight: 0.5,
            idf_exponent: 1.0,
            identifier_score: 0.9,
            identifier_conflict_penalty: -0.2,
            weak_identifier_bonus: 0.03,
            birth_date_exact_bonus: 0.05,
            birth_date_year_bonus: 0.02,
            birth_date_conflict_penalty: -0.15,
            country_bonus: 0.03,
            country_conflict_penalty: -0.05,
            gender_conflict_penalty: -0.1,
            informative_query_df: 15.0,
            extra_name_cost: 0.3,
            leading_extra_name_cost: 1.0,
            short_query_unmatched_cost: 1.0,
            korean_unmatched_candidate_cost: 1.0,
            patronymic_unmatched_cost: 0.1,
            unmatched_number_cost: 1.0,
        }
    }
}

impl MatcherConfig {
    /// A 16-hex-digit hash of [`MATCHER_VERSION`] and every setting, stable across runs,
    /// platforms and releases of Rust (FNV-1a over a canonical text form).
    ///
    /// ```
    /// use listwatch_matcher::MatcherConfig;
    ///
    /// let config = MatcherConfig::default();
    /// assert_eq!(config.config_hash(), MatcherConfig::default().config_hash());
    /// let stricter = MatcherConfig { threshold: 0.9, ..MatcherConfig::default() };
    /// assert_ne!(config.config_hash(), stricter.config_hash());
    /// ```
    pub fn config_hash(&self) -> String {
        format!("{:016x}", fnv1a(self.canonical_text().as_bytes()))
    }

    /// The largest amount that evidence other than names can add to a name score; candidate
    /// generation lowers its floor by this much.
    pub(crate) fn max_bonus(&self) -> f64 {
        self.weak_identifier_bonus.max(0.0)
            + self.birth_date_exact_bonus.max(self.birth_date_year_bonus).max(0.0)
            + self.country_bonus.max(0.0)
    }

    fn canonical_text(&self) -> String {
        let MatcherConfig {
            threshold,
            min_score,
            unmatched_candidate_cost,
            weak_alias_factor,
            legal_form_weight,
            particle_weight,
            stop_word_weight,
            initial_weight,
            min_token_weight,
            idf_exponent,
            identifier_score,
            identifier_conflict_penalty,
            weak_identifier_bonus,
            birth_date_exact_bonus,
            birth_date_year_bonus,
            birth_date_conflict_penalty,
            country_bonus,
            country_conflict_penalty,
            gender_conflict_penalty,
            informative_query_df,
            extra_name_cost,
            leading_extra_name_cost,
            short_query_unmatched_cost,
            korean_unmatched_candidate_cost,
            patronymic_unmatched_cost,
            unmatched_number_cost,
        } = self;
        // Listing the fields by destructuring makes a new field a compile error here, so it
        // cannot be left out of the hash.
        let values = [
            ("threshold", threshold),
            ("min_score", min_score),
            ("unmatched_candidate_cost", unmatched_candidate_cost),
            ("weak_alias_factor", weak_alias_factor),
            ("legal_form_weight", legal_form_weight),
            ("particle_weight", particle_weight),
            ("stop_word_weight", stop_word_weight),
            ("initial_weight", initial_weight),
            ("min_token_weight", min_token_weight),
            ("idf_exponent", idf_exponent),
            ("identifier_score", identifier_score),
            ("identifier_conflict_penalty", identifier_conflict_penalty),
            ("weak_identifier_bonus", weak_identifier_bonus),
            ("birth_date_exact_bonus", birth_date_exact_bonus),
            ("birth_date_year_bonus", birth_date_year_bonus),
            ("birth_date_conflict_penalty", birth_date_conflict_penalty),
            ("country_bonus", country_bonus),
            ("country_conflict_penalty", country_conflict_penalty),
            ("gender_conflict_penalty", gender_conflict_penalty),
            ("informative_query_df", informative_query_df),
            ("extra_name_cost", extra_name_cost),
            ("leading_extra_name_cost", leading_extra_name_cost),
            ("short_query_unmatched_cost", short_query_unmatched_cost),
            ("korean_unmatched_candidate_cost", korean_unmatched_candidate_cost),
            ("patronymic_unmatched_cost", patronymic_unmatched_cost),
            ("unmatched_number_cost", unmatched_number_cost),
        ];
        let mut text = String::from(MATCHER_VERSION);
        for (name, value) in values {
            // `{:?}` of an f64 is the shortest text that reads back to the same value.
            text.push_str(&format!(";{name}={value:?}"));
        }
        text
    }
}

/// The default of [`MatcherConfig::leading_extra_name_cost`] when a recorded configuration
/// lacks it.
fn full_cost() -> f64 {
    1.0
}

/// The default of [`MatcherConfig::korean_unmatched_candidate_cost`] when a recorded
/// configuration lacks it: the default `unmatched_candidate_cost` of the versions before it.
fn earlier_unmatched_cost() -> f64 {
    0.3
}

/// FNV-1a, 64 bits.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_config_hash_is_pinned() {
        // A change here means stored decisions can no longer be replayed with this build:
        // bump MATCHER_VERSION when it is intended, then update the value.
        let hash = MatcherConfig::default().config_hash();
        assert_eq!(hash, "51a2f8326b26342c");
    }

    #[test]
    fn a_configuration_recorded_before_version_10_reads_without_the_leading_extra_name_cost() {
        let mut recorded = serde_json::to_value(MatcherConfig::default()).unwrap();
        recorded.as_object_mut().unwrap().remove("leading_extra_name_cost");
        let read: MatcherConfig = serde_json::from_value(recorded).unwrap();
        assert_eq!(read.leading_extra_name_cost, 1.0);
    }
}

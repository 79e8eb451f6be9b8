//! Closed sets of words a flag and a profile key take (`--mode upsert`, `body = "xml"`): each
//! type lists its words once, with a line for `--help`, and both the command line and a
//! profile read them through [`Word::from_word`], so neither can spell what the other refuses.

/// A value named by one of a fixed list of words.
pub(crate) trait Word: Copy + PartialEq + 'static {
    /// Every value: its word and its line for `--help`, in the order help lists them.
    const WORDS: &'static [(&'static str, Self, &'static str)];

    /// The value a word names, in any case.
    fn from_word(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::WORDS
            .iter()
            .find(|(word, _, _)| word.eq_ignore_ascii_case(text))
            .map(|(_, value, _)| *value)
    }

    /// The word for this value.
    fn word(self) -> &'static str {
        Self::WORDS
            .iter()
            .find(|(_, value, _)| *value == self)
            .map_or("", |(word, _, _)| word)
    }

    /// The words, as `a|b|c`.
    fn choices() -> String {
        let words: Vec<&str> = Self::WORDS.iter().map(|(word, _, _)| *word).collect();
        words.join("|")
    }
}

//! The import modes (`--mode`): what a row means when the PBX has, or lacks, its extension.

use super::Word;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Every row creates an extension.
    Add,
    /// Every row changes an existing extension.
    Update,
    /// New numbers are added, the others compared and updated where they differ.
    Upsert,
    /// Upsert, and with `--prune` delete what the file does not list.
    Sync,
}

impl Word for Mode {
    const WORDS: &'static [(&'static str, Mode, &'static str)] = &[
        ("add", Mode::Add, "every row creates an extension"),
        (
            "update",
            Mode::Update,
            "every row changes an existing extension",
        ),
        (
            "upsert",
            Mode::Upsert,
            "the PBX's extensions are read first: new numbers are added, the others compared \
             and only the fields that differ sent",
        ),
        (
            "sync",
            Mode::Sync,
            "upsert, and with --prune delete the extensions the file does not list",
        ),
    ];
}

impl Mode {
    /// The `--mode` word.
    pub(crate) fn name(self) -> &'static str {
        self.word()
    }

    /// Whether the PBX's current extensions must be read before planning.
    pub(crate) fn reads_the_pbx(self) -> bool {
        matches!(self, Mode::Upsert | Mode::Sync)
    }
}

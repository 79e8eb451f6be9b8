//! The import modes (`--mode`): what a row means when the PBX has, or lacks, its extension.

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

impl Mode {
    /// The `--mode` word.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Mode::Add => "add",
            Mode::Update => "update",
            Mode::Upsert => "upsert",
            Mode::Sync => "sync",
        }
    }

    pub(crate) const ALL: [Mode; 4] = [Mode::Add, Mode::Update, Mode::Upsert, Mode::Sync];

    /// The mode whose `--mode` word is `name`.
    pub(crate) fn by_name(name: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|mode| mode.name() == name)
    }

    /// Whether the PBX's current extensions must be read before planning.
    pub(crate) fn reads_the_pbx(self) -> bool {
        matches!(self, Mode::Upsert | Mode::Sync)
    }
}

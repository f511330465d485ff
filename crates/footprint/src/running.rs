//! Which of Tandem's long-running programs run for this user's Tandem.
//!
//! Each one, while it runs, holds a presence (an OS lock, shared) on a file
//! of its own in Tandem's data folder, the folder whose loss would matter.
//! The lock goes with the process, however it ends, so a crash never leaves
//! Tandem "running"; the holder renews it if the file is removed under it.
//! Asking by folder, not by process name, answers for exactly this Tandem:
//! another user's, another `HOME`'s (a test's), or a program that merely
//! shares the name does not count.

use std::path::PathBuf;

use tandem_files::{OwnedDir, OwnedError, Presence, Seen};
use tandem_locations::Locations;

/// How long a starting program waits for one that is looking at that moment.
const CLAIM_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// A program that writes Tandem's files while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Program {
    /// `tandem-app`: the windows (and, off Linux, the tray).
    App,
    /// `tandem-tray`: the tray and the watchers (Linux).
    Tray,
}

impl Program {
    fn mark(self) -> &'static str {
        match self {
            Program::App => "tandem-app.running",
            Program::Tray => "tandem-tray.running",
        }
    }
}

/// Whether a program runs, as far as can be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Running {
    No,
    Yes(Program),
    /// Its file cannot be read or is held by something else: a remover
    /// must not go on as if nothing ran.
    Unknown {
        path: PathBuf,
        why: String,
    },
}

fn data(locations: &Locations) -> OwnedDir {
    OwnedDir::new(locations.data_dir())
}

/// Says that `program` runs, for as long as the result lives (keep it for
/// the life of the process, and [`Presence::renew`] it now and then).
pub fn announce(locations: &Locations, program: Program) -> Result<Presence, OwnedError> {
    data(locations).claim_presence(program.mark(), CLAIM_WAIT)
}

/// Whether `program` runs for these folders.
pub fn check(locations: &Locations, program: Program) -> Running {
    match data(locations).presence_at(program.mark()) {
        Seen::Present => Running::Yes(program),
        Seen::Absent => Running::No,
        Seen::Unknown { path, why } => Running::Unknown { path, why },
    }
}

/// Whether the app or the tray runs: the first that does, or that cannot
/// be told.
pub fn any(locations: &Locations) -> Running {
    for program in [Program::App, Program::Tray] {
        match check(locations, program) {
            Running::No => {}
            other => return other,
        }
    }
    Running::No
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_program_is_seen_for_its_own_folders_only() {
        let root = tempfile::tempdir().unwrap();
        let mine = Locations::under(&root.path().join("mine"));
        let theirs = Locations::under(&root.path().join("theirs"));
        let tray = announce(&mine, Program::Tray).unwrap();
        assert_eq!(any(&mine), Running::Yes(Program::Tray));
        assert_eq!(check(&mine, Program::App), Running::No);
        assert_eq!(any(&theirs), Running::No);
        drop(tray);
        assert_eq!(any(&mine), Running::No);
    }
}

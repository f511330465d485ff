//! Which of Tandem's long-running programs run for this user's folders.
//!
//! Each one, while it runs, holds a presence (an OS lock, shared) on a file
//! of its own in Tandem's cache folder. The lock goes with the process,
//! however it ends, so a crash never leaves Tandem "running". Asking by
//! folder, not by process name, answers for exactly this Tandem: another
//! user's, another `HOME`'s (a test's), or a program that merely shares the
//! name does not count.

use tandem_files::{OwnedDir, OwnedError, Presence};
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
            Program::App => "running/tandem-app",
            Program::Tray => "running/tandem-tray",
        }
    }
}

fn cache(locations: &Locations) -> OwnedDir {
    OwnedDir::new(locations.cache_dir())
}

/// Says that `program` runs, for as long as the result lives (keep it for
/// the life of the process).
pub fn announce(locations: &Locations, program: Program) -> Result<Presence, OwnedError> {
    cache(locations).claim_presence(program.mark(), CLAIM_WAIT)
}

/// Whether `program` runs for these folders.
pub fn is_running(locations: &Locations, program: Program) -> bool {
    cache(locations).is_present(program.mark())
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
        assert!(is_running(&mine, Program::Tray));
        assert!(!is_running(&mine, Program::App));
        assert!(!is_running(&theirs, Program::Tray));
        drop(tray);
        assert!(!is_running(&mine, Program::Tray));
    }
}

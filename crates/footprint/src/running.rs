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
    fn name(self) -> &'static str {
        match self {
            Program::App => "the app",
            Program::Tray => "the tray",
        }
    }

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

/// A program's presence for the life of its process: claimed at start,
/// renewed when its file goes, and, while it cannot be made, tried again
/// every [`Announced::RETRY`], with the failure logged once. The app and
/// the tray both keep one.
#[derive(Debug)]
pub struct Announced {
    program: Program,
    held: Option<Presence>,
    /// When the last try failed; the next is due [`Announced::RETRY`] later.
    failed_at: Option<std::time::Instant>,
    /// A failure not logged yet: the first claim may come before the log
    /// is set up.
    untold: Option<String>,
}

impl Announced {
    pub const RETRY: std::time::Duration = std::time::Duration::from_secs(30);

    /// Claims the presence. A failure is logged by the next [`keep`].
    ///
    /// [`keep`]: Announced::keep
    pub fn claim(locations: &Locations, program: Program) -> Self {
        let mut announced = Self {
            program,
            held: None,
            failed_at: None,
            untold: None,
        };
        announced.try_claim(locations);
        announced
    }

    fn try_claim(&mut self, locations: &Locations) {
        match announce(locations, self.program) {
            Ok(held) => {
                self.held = Some(held);
                self.failed_at = None;
            }
            Err(error) => self.failed(error.to_string()),
        }
    }

    fn failed(&mut self, error: String) {
        if self.failed_at.is_none() {
            self.untold = Some(error);
        }
        self.failed_at = Some(std::time::Instant::now());
    }

    /// Call it now and then: renews the presence, or tries to make it when
    /// that is due. Never makes the data folder's parent again (a removed
    /// home, an unmounted drive): that is not this process's to do.
    pub fn keep(&mut self, locations: &Locations) {
        if let Some(error) = self.untold.take() {
            tracing::warn!(
                "cannot say that {} runs ({error}); `tandem uninstall` cannot see it, trying \
                 again every {} s",
                self.program.name(),
                Self::RETRY.as_secs()
            );
        }
        if self.failed_at.is_some_and(|at| at.elapsed() < Self::RETRY) {
            return;
        }
        let parent_gone = locations
            .data_dir()
            .parent()
            .is_some_and(|parent| !parent.is_dir());
        match &mut self.held {
            Some(held) => match held.renew() {
                Ok(()) => self.failed_at = None,
                Err(error) => self.failed(error.to_string()),
            },
            None if parent_gone => {}
            None => self.try_claim(locations),
        }
    }
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

    #[test]
    fn a_kept_announcement_comes_back_after_a_cleaner_but_never_remakes_a_removed_home() {
        let root = tempfile::tempdir().unwrap();
        let locations = Locations::under(root.path());
        let mut app = Announced::claim(&locations, Program::App);
        assert_eq!(any(&locations), Running::Yes(Program::App));
        std::fs::remove_dir_all(locations.data_dir()).unwrap();
        assert_eq!(any(&locations), Running::No);
        app.keep(&locations);
        assert_eq!(any(&locations), Running::Yes(Program::App));
        // The whole home goes: nothing of it is made again.
        std::fs::remove_dir_all(locations.home()).unwrap();
        app.keep(&locations);
        assert!(!locations.home().exists());
    }
}

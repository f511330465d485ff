//! Starting Tandem when the user signs in: an XDG autostart entry on Linux,
//! a launch agent on macOS.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tandem_files::shared;
use tandem_locations::{APP_ID, Locations, Platform};
use tandem_store::{Document, LOCK_WAIT, StateFile};

use crate::{FootprintError, MARKER, data, is_tandems};

/// The app's flag to start in the tray without opening its window.
pub const BACKGROUND_FLAG: &str = "--background";

/// What Tandem did: whether it created the autostart folder (to remove it
/// again, if empty), and the entry exactly as it wrote it, so that an entry
/// the user edited since is neither replaced nor removed.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Record {
    created_dir: bool,
    #[serde(default)]
    written: Option<String>,
}

/// Whether the entry at `path` is still exactly what Tandem wrote. An entry
/// from before Tandem kept what it wrote counts as Tandem's by its marker.
fn untouched(path: &Path, record: &Record) -> bool {
    match (&record.written, tandem_files::shared::read(path)) {
        (Some(written), Ok(Some(text))) => text == *written,
        (None, _) => is_tandems(path),
        (Some(_), _) => false,
    }
}

impl Document for Record {
    const SCHEMA: &'static str = "tandem.autostart";
    const VERSION: u32 = 1;
}

fn record(locations: &Locations) -> StateFile<Record> {
    StateFile::new(&data(locations), "autostart.json")
}

fn entry(platform: Platform, executable: &Path) -> String {
    let exe = executable.display().to_string();
    match platform {
        Platform::MacOs => format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- {MARKER} -->
<plist version="1.0">
<dict>
    <key>Label</key>
    <string>{APP_ID}</string>
    <key>ProgramArguments</key>
    <array><string>{exe}</string><string>{BACKGROUND_FLAG}</string></array>
    <key>RunAtLoad</key>
    <true/>
</dict>
</plist>
"#
        ),
        Platform::Linux | Platform::Windows => format!(
            "[Desktop Entry]\nType=Application\nName=Tandem\nComment=Link your work and personal browser profiles\nExec=\"{}\" {BACKGROUND_FLAG}\nIcon={APP_ID}\nX-GNOME-Autostart-enabled=true\n{MARKER}\n",
            exe.replace('\\', "\\\\").replace('"', "\\\"")
        ),
    }
}

/// Whether Tandem's own autostart entry is present.
pub fn is_enabled(locations: &Locations) -> bool {
    locations
        .autostart_file()
        .is_some_and(|path| is_tandems(&path))
}

/// Starts `executable` at sign-in from now on. An entry of the same name
/// that Tandem did not write is never replaced.
pub fn enable(locations: &Locations, executable: &Path) -> Result<(), FootprintError> {
    let path = locations
        .autostart_file()
        .ok_or(FootprintError::Unsupported(
            crate::Unsupported::StartingAtSignIn,
        ))?;
    let owned = data(locations);
    let lock = owned
        .lock(LOCK_WAIT)
        .map_err(tandem_store::StoreError::from)?;
    let record_file = record(locations);
    let mut record = record_file.load(&lock)?.value;
    if crate::check_regular(&path)? && !untouched(&path, &record) {
        return Err(FootprintError::NotTandems(path));
    }
    let dir = path.parent().unwrap_or(Path::new("/"));
    crate::check_folder(dir)?;
    if !dir.exists() {
        record.created_dir = true;
    }
    let text = entry(locations.user_roots().platform, executable);
    record.written = Some(text.clone());
    // The record first: if the entry is written, Tandem knows it is its own.
    record_file.save(&lock, &record)?;
    crate::create_folder(dir)?;
    shared::replace(&path, text.as_bytes())?;
    Ok(())
}

/// Removes Tandem's autostart entry; an entry of the same name that Tandem
/// did not write, or that was edited since, is left alone. Returns whether
/// something was removed.
pub fn disable(locations: &Locations) -> Result<bool, FootprintError> {
    let Some(path) = locations.autostart_file() else {
        return Ok(false);
    };
    let owned = data(locations);
    let lock = owned
        .lock(LOCK_WAIT)
        .map_err(tandem_store::StoreError::from)?;
    let record_file = record(locations);
    let record = record_file.load(&lock)?.value;
    let ours = std::fs::symlink_metadata(&path).is_ok() && untouched(&path, &record);
    let removed = ours && shared::remove(&path)?;
    if record.created_dir
        && let Some(dir) = path.parent()
    {
        // Only if empty: other programs' entries stay.
        let _ = std::fs::remove_dir(dir);
    }
    // An edited entry left in place keeps its record: without it, the
    // marker alone would make it look like Tandem's next time.
    if ours || std::fs::symlink_metadata(&path).is_err() {
        record_file.delete(&lock)?;
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enable_and_disable_leave_nothing_and_spare_foreign_files() {
        let root = tempfile::tempdir().unwrap();
        let locations = Locations::under(root.path());
        let file = locations.autostart_file().unwrap();
        enable(&locations, Path::new("/opt/Tandem/tandem-app")).unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.contains("Exec=\"/opt/Tandem/tandem-app\" --background"),
            "{text}"
        );
        assert!(is_enabled(&locations));
        assert!(disable(&locations).unwrap());
        assert!(!file.exists());
        assert!(
            !file.parent().unwrap().exists(),
            "the folder Tandem made goes too"
        );
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();

        let foreign = "[Desktop Entry]\nExec=someone-else\n";
        std::fs::write(&file, foreign).unwrap();
        let error = enable(&locations, Path::new("/opt/Tandem/tandem-app")).unwrap_err();
        assert!(matches!(error, FootprintError::NotTandems(_)), "{error}");
        assert!(error.to_string().contains("did not write it"), "{error}");
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            foreign,
            "never overwritten"
        );
        assert!(!disable(&locations).unwrap());
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            foreign,
            "a file Tandem did not write is not removed"
        );
        // Nor is Tandem's own entry once the user edited it.
        std::fs::remove_file(&file).unwrap();
        enable(&locations, Path::new("/opt/Tandem/tandem-app")).unwrap();
        let edited = std::fs::read_to_string(&file)
            .unwrap()
            .replace("Exec=", "Exec=env MY_VAR=1 ");
        std::fs::write(&file, &edited).unwrap();
        assert!(enable(&locations, Path::new("/opt/Tandem/tandem-app")).is_err());
        assert!(!disable(&locations).unwrap());
        assert_eq!(std::fs::read_to_string(&file).unwrap(), edited);
        assert!(
            enable(&locations, Path::new("/x")).is_err(),
            "still the user's"
        );
        // Nor is one that merely mentions the marker in passing.
        let mention = format!("[Desktop Entry]\nComment=not {MARKER}\n");
        std::fs::write(&file, &mention).unwrap();
        assert!(enable(&locations, Path::new("/x")).is_err());
        assert!(!disable(&locations).unwrap());
        assert!(file.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_place_of_the_entry_is_left_alone() {
        let root = tempfile::tempdir().unwrap();
        let locations = Locations::under(root.path());
        let file = locations.autostart_file().unwrap();
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        let target = root.path().join("dotfiles.desktop");
        std::fs::write(&target, format!("[Desktop Entry]\n{MARKER}\n")).unwrap();
        std::os::unix::fs::symlink(&target, &file).unwrap();
        assert!(enable(&locations, Path::new("/x")).is_err());
        assert!(!disable(&locations).unwrap());
        assert!(
            std::fs::symlink_metadata(&file)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
}

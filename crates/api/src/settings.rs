//! The app's own settings: the language the person chose, and whether the
//! first-run wizard is done. Kept in `settings.json` in Tandem's settings
//! folder, apart from the link rules (`rules.toml`).

use serde::{Deserialize, Serialize};
use tandem_i18n::Language;
use tandem_locations::Locations;
use tandem_store::{Document, LOCK_WAIT, OwnedDir, StateFile};

use crate::Error;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AppSettings {
    /// `None`: the OS locale's language.
    #[serde(default)]
    pub language: Option<Language>,
    /// The first-run wizard was finished (or skipped on purpose).
    #[serde(default)]
    pub onboarded: bool,
}

impl Document for AppSettings {
    const SCHEMA: &'static str = "tandem.settings";
    const VERSION: u32 = 1;
}

fn file(locations: &Locations) -> (OwnedDir, StateFile<AppSettings>) {
    let dir = OwnedDir::new(locations.config_dir());
    let file = StateFile::new(&dir, "settings.json");
    (dir, file)
}

/// The settings, read without waiting or writing (a damaged file reads as
/// the defaults until the next change repairs it).
pub fn load(locations: &Locations) -> AppSettings {
    file(locations).1.peek().ok().flatten().unwrap_or_default()
}

/// Whether the first-run wizard has yet to run: not when a settings file
/// says it ran, nor when the file cannot be read as Tandem's (a newer
/// Tandem's, a damaged one): the wizard would come back at every start.
pub fn wizard_pending(locations: &Locations) -> bool {
    match file(locations).1.peek() {
        Ok(Some(settings)) => !settings.onboarded,
        Ok(None) => true,
        Err(_) => false,
    }
}

/// The language Tandem speaks: the person's choice, else the OS locale's.
pub fn language(locations: &Locations) -> Language {
    load(locations)
        .language
        .unwrap_or_else(Language::from_environment)
}

/// The language of this user's Tandem, for front ends that start without
/// locations of their own (the CLI): the app's setting, else the locale.
pub fn current_language() -> Language {
    match Locations::from_env() {
        Ok(locations) => language(&locations),
        Err(_) => Language::from_environment(),
    }
}

fn change(
    locations: &Locations,
    edit: impl FnOnce(&mut AppSettings),
) -> Result<AppSettings, Error> {
    let (dir, file) = file(locations);
    let lock = dir.lock(LOCK_WAIT)?;
    let mut settings = file.load(&lock)?.value;
    edit(&mut settings);
    file.save(&lock, &settings)?;
    Ok(settings)
}

/// Chooses the language (`None`: follow the OS locale).
pub fn set_language(
    locations: &Locations,
    language: Option<Language>,
) -> Result<AppSettings, Error> {
    change(locations, |settings| settings.language = language)
}

/// Records that the first-run wizard is done, or that it should run again.
pub fn set_onboarded(locations: &Locations, onboarded: bool) -> Result<AppSettings, Error> {
    change(locations, |settings| settings.onboarded = onboarded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wizard_waits_for_a_new_user_only() {
        let root = tempfile::tempdir().unwrap();
        let locations = Locations::under(root.path());
        assert!(wizard_pending(&locations));
        set_onboarded(&locations, false).unwrap();
        assert!(wizard_pending(&locations));
        set_onboarded(&locations, true).unwrap();
        assert!(!wizard_pending(&locations));
        // A newer Tandem's settings: not a new user.
        std::fs::write(
            locations.config_dir().join("settings.json"),
            r#"{"schema":"tandem.settings","version":9,"data":{}}"#,
        )
        .unwrap();
        assert!(!wizard_pending(&locations));
    }

    #[test]
    fn the_choice_wins_over_the_locale_and_survives() {
        let root = tempfile::tempdir().unwrap();
        let locations = Locations::under(root.path());
        assert_eq!(load(&locations), AppSettings::default());
        set_language(&locations, Some(Language::Nl)).unwrap();
        set_onboarded(&locations, true).unwrap();
        assert_eq!(language(&locations), Language::Nl);
        let settings = load(&locations);
        assert!(settings.onboarded);
        set_language(&locations, None).unwrap();
        assert_eq!(load(&locations).language, None);
        assert!(load(&locations).onboarded);
    }
}

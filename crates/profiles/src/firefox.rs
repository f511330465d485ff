//! Firefox: `profiles.ini` lists the profiles; the `[Install…]` sections (and
//! `installs.ini`) name the profile each installation starts with.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use tandem_i18n::Said;

use crate::catalogue::BrowserId;
use crate::discovery::UserData;
use crate::model::{Account, Evidence, Profile};
use crate::read::{ReadOutcome, read_browser_file};

/// One `[section]` of an INI file with its `key=value` lines, in file order.
#[derive(Debug, Default)]
struct IniSection {
    name: String,
    values: Vec<(String, String)>,
}

impl IniSection {
    fn get(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(key))
            .map(|(_, value)| value.as_str())
            .filter(|value| !value.is_empty())
    }
}

fn parse_ini(bytes: &[u8]) -> Vec<IniSection> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = String::from_utf8_lossy(bytes);
    let mut sections: Vec<IniSection> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with(';') || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
        {
            sections.push(IniSection {
                name: name.trim().to_owned(),
                values: Vec::new(),
            });
        } else if let (Some((key, value)), Some(section)) =
            (line.split_once('='), sections.last_mut())
        {
            section
                .values
                .push((key.trim().to_owned(), value.trim().to_owned()));
        }
    }
    sections
}

/// Reads the profiles of the Firefox data folder `root` (the one holding `profiles.ini`).
pub fn read_root(root: &Path) -> UserData {
    let sections = match read_browser_file(&root.join("profiles.ini")) {
        ReadOutcome::Bytes(bytes) => parse_ini(&bytes),
        ReadOutcome::Missing => return UserData::default(),
        ReadOutcome::Failed(reason) => {
            tracing::info!("Firefox profiles.ini {reason}");
            let problem = Said::new("profile.problem.in_file")
                .with("file", "profiles.ini")
                .with("problem", reason);
            return UserData {
                profiles: vec![unreadable_root(root, problem.clone())],
                problem: Some(problem),
            };
        }
    };

    // Each installation's default profile, from profiles.ini and installs.ini.
    let mut install_defaults: BTreeSet<String> = sections
        .iter()
        .filter(|section| section.name.starts_with("Install"))
        .filter_map(|section| section.get("Default").map(str::to_owned))
        .collect();
    if let ReadOutcome::Bytes(bytes) = read_browser_file(&root.join("installs.ini")) {
        install_defaults.extend(
            parse_ini(&bytes)
                .iter()
                .filter_map(|section| section.get("Default").map(str::to_owned)),
        );
    }

    let profiles = sections
        .iter()
        .filter(|section| section.name.starts_with("Profile"))
        .filter_map(|section| {
            let path = section.get("Path")?;
            let relative = section.get("IsRelative").is_none_or(|value| value == "1");
            let location = if relative {
                root.join(path)
            } else {
                PathBuf::from(path)
            };
            let is_default = if install_defaults.is_empty() {
                section.get("Default") == Some("1")
            } else {
                install_defaults.contains(path)
            };
            let unreadable =
                (!location.is_dir()).then(|| Said::new("profile.problem.folder_missing"));
            Some(Profile {
                browser: BrowserId::Firefox,
                profile_dir: location.to_string_lossy().into_owned(),
                name: section.get("Name").unwrap_or(path).to_owned(),
                account: Account::nobody(Evidence::FirefoxProfile),
                user_data_dir: root.to_path_buf(),
                last_active: None,
                is_default,
                in_last_session: false,
                unreadable,
            })
        })
        .collect();
    UserData {
        profiles,
        problem: None,
    }
}

fn unreadable_root(root: &Path, reason: Said) -> Profile {
    Profile {
        browser: BrowserId::Firefox,
        profile_dir: root.to_string_lossy().into_owned(),
        name: "Firefox".to_owned(),
        account: Account::nobody(Evidence::FirefoxProfile),
        user_data_dir: root.to_path_buf(),
        last_active: None,
        is_default: false,
        in_last_session: false,
        unreadable: Some(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROFILES_INI: &str = "\u{feff}[Profile1]\r\nName=work\r\nIsRelative=1\r\nPath=Profiles/abcd.work\r\n\r\n\
        [Profile0]\r\nName=default-release\r\nIsRelative=1\r\nPath=Profiles/wxyz.default-release\r\nDefault=1\r\n\r\n\
        [General]\r\nStartWithLastProfile=1\r\nVersion=2\r\n\r\n\
        [Install4F96D1932A9F858E]\r\nDefault=Profiles/abcd.work\r\nLocked=1\r\n";

    #[test]
    fn install_default_wins_over_the_legacy_marker() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("profiles.ini"), PROFILES_INI).unwrap();
        std::fs::create_dir_all(root.path().join("Profiles/abcd.work")).unwrap();
        let profiles = read_root(root.path()).profiles;
        assert_eq!(profiles.len(), 2);
        let work = &profiles[0];
        assert_eq!(work.name, "work");
        assert!(work.is_default);
        assert_eq!(work.unreadable, None);
        assert_eq!(
            work.profile_dir,
            root.path().join("Profiles/abcd.work").to_string_lossy()
        );
        let release = &profiles[1];
        assert!(!release.is_default);
        assert_eq!(
            release.unreadable,
            Some(Said::new("profile.problem.folder_missing"))
        );
        assert_eq!(
            release.unreadable.as_ref().unwrap().to_string(),
            "the profile folder is missing"
        );
    }

    #[test]
    fn legacy_default_without_install_sections() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(
            root.path().join("profiles.ini"),
            "[Profile0]\nName=test\nIsRelative=1\nPath=5q83xfrf.test\nDefault=1\n",
        )
        .unwrap();
        let profiles = read_root(root.path()).profiles;
        assert!(profiles[0].is_default);
    }

    #[test]
    fn installs_ini_names_defaults_too() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(
            root.path().join("profiles.ini"),
            "[Profile0]\nName=a\nPath=a.a\n[Profile1]\nName=b\nPath=b.b\n",
        )
        .unwrap();
        std::fs::write(
            root.path().join("installs.ini"),
            "[ABC]\nDefault=b.b\nLocked=1\n",
        )
        .unwrap();
        let profiles = read_root(root.path()).profiles;
        assert_eq!(
            profiles
                .iter()
                .map(|p| (p.name.as_str(), p.is_default))
                .collect::<Vec<_>>(),
            [("a", false), ("b", true)]
        );
    }

    #[test]
    fn absolute_paths_and_garbage_lines() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(
            root.path().join("profiles.ini"),
            b"garbage before any section\n[Profile0]\nName=\xFFodd\nIsRelative=0\nPath=/elsewhere/p\nno equals sign\n",
        )
        .unwrap();
        let profiles = read_root(root.path()).profiles;
        assert_eq!(profiles.len(), 1);
        assert_eq!(profiles[0].profile_dir, "/elsewhere/p");
        assert_eq!(profiles[0].name, "\u{FFFD}odd");
    }
}

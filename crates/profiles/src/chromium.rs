//! Chromium-family user data: `Local State` and each profile's `Preferences`.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use tandem_i18n::Said;

use crate::account::{Signals, classify};
use crate::cache::ParsedFiles;
use crate::catalogue::{BrowserId, Family};
use crate::discovery::UserData;
use crate::lenient::{Entries, Leaf, Section, describe_json_error, parse};
use crate::model::{AccountKind, Evidence, Profile};
use crate::read::{ReadOutcome, read_browser_file};

/// Folders Chromium keeps beside real profiles that are not user profiles.
const NOT_PROFILES: [&str; 2] = ["Guest Profile", "System Profile"];

#[derive(Debug, Default, Deserialize)]
struct LocalState {
    #[serde(default)]
    profile: Section<LocalStateProfiles>,
}

#[derive(Debug, Default, Deserialize)]
struct LocalStateProfiles {
    #[serde(default)]
    info_cache: Entries<InfoCacheEntry>,
    #[serde(default)]
    last_used: Leaf<String>,
    #[serde(default)]
    last_active_profiles: Leaf<Vec<String>>,
    #[serde(default)]
    profiles_order: Leaf<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
struct InfoCacheEntry {
    #[serde(default)]
    name: Leaf<String>,
    #[serde(default)]
    is_using_default_name: Leaf<bool>,
    #[serde(default)]
    gaia_name: Leaf<String>,
    #[serde(default)]
    gaia_given_name: Leaf<String>,
    #[serde(default)]
    gaia_id: Leaf<String>,
    #[serde(default)]
    user_name: Leaf<String>,
    #[serde(default)]
    hosted_domain: Leaf<String>,
    #[serde(default)]
    active_time: Leaf<f64>,
    #[serde(default)]
    edge_account_type: Leaf<i64>,
    #[serde(default)]
    edge_account_tenant_id: Leaf<String>,
    #[serde(default)]
    edge_account_first_name: Leaf<String>,
    #[serde(default)]
    edge_account_last_name: Leaf<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Preferences {
    /// A list of accounts, or in some files a single object.
    #[serde(default)]
    account_info: Leaf<Value>,
    #[serde(default)]
    profile: Section<PreferencesProfile>,
    #[serde(default)]
    sync: Section<PreferencesSync>,
}

#[derive(Debug, Default, Deserialize)]
struct PreferencesProfile {
    #[serde(default)]
    name: Leaf<String>,
    #[serde(default)]
    is_relative_to_aad: Leaf<bool>,
}

#[derive(Debug, Default, Deserialize)]
struct PreferencesSync {
    #[serde(default)]
    edge_account_type: Leaf<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct AccountInfo {
    #[serde(default)]
    email: Leaf<String>,
    #[serde(default)]
    full_name: Leaf<String>,
    #[serde(default)]
    hd: Leaf<String>,
    #[serde(default)]
    gaia: Leaf<String>,
    #[serde(default)]
    edge_account_tenant_id: Leaf<String>,
    #[serde(default)]
    edge_account_type: Leaf<i64>,
    #[serde(default)]
    edge_account_first_name: Leaf<String>,
    #[serde(default)]
    edge_account_last_name: Leaf<String>,
}

/// What Tandem keeps of one `Preferences` file: a few fields, or why it
/// could not be read.
#[derive(Debug, Clone, Default)]
pub struct PreferencesSummary {
    account: AccountInfo,
    /// Whether `account_info` holds an entry (whatever its fields' types).
    has_account_entry: bool,
    name: Option<String>,
    relative_to_aad: Option<bool>,
    sync_edge_account_type: Option<i64>,
    problem: Option<Said>,
}

pub type PreferencesCache = ParsedFiles<PreferencesSummary>;

fn summarise(outcome: ReadOutcome) -> PreferencesSummary {
    let problem = |problem: Said| PreferencesSummary {
        problem: Some(problem),
        ..PreferencesSummary::default()
    };
    let prefs = match outcome {
        ReadOutcome::Bytes(bytes) => match parse::<Preferences>(&bytes) {
            Ok(prefs) => prefs,
            Err(error) => return problem(describe_json_error("Preferences", &error)),
        },
        ReadOutcome::Missing => return problem(Said::new("profile.problem.no_preferences")),
        ReadOutcome::Failed(reason) => return problem(in_file("Preferences", reason)),
    };
    PreferencesSummary {
        account: prefs.primary_account(),
        has_account_entry: prefs.primary_account_value().is_some(),
        name: prefs.profile.0.name.text().map(str::to_owned),
        relative_to_aad: prefs.profile.0.is_relative_to_aad.get().copied(),
        sync_edge_account_type: prefs.sync.0.edge_account_type.get().copied(),
        problem: None,
    }
}

impl Preferences {
    /// The primary account: the first entry of the list, or the one object.
    fn primary_account(&self) -> AccountInfo {
        self.primary_account_value()
            .and_then(|value| AccountInfo::deserialize(value).ok())
            .unwrap_or_default()
    }

    fn primary_account_value(&self) -> Option<Value> {
        match self.account_info.get() {
            Some(Value::Array(items)) => items.first().cloned().filter(Value::is_object),
            Some(object @ Value::Object(_)) => Some(object.clone()),
            _ => None,
        }
    }
}

/// `reason` (which ends a sentence) said of the browser file `file`.
fn in_file(file: &str, reason: Said) -> Said {
    Said::new("profile.problem.in_file")
        .with("file", file)
        .with("problem", reason)
}

/// Reads every profile of one Chromium-family user data folder.
pub fn read_user_data(
    browser: BrowserId,
    family: Family,
    user_data_dir: &Path,
    cache: &mut PreferencesCache,
) -> UserData {
    let (state, state_problem) = match read_browser_file(&user_data_dir.join("Local State")) {
        ReadOutcome::Bytes(bytes) => match parse::<LocalState>(&bytes) {
            // Chromium always lists its profiles; a `Local State` without the
            // list (`{}`, or a list of the wrong type) says nothing about
            // which profiles exist, so the folders on disk are read instead.
            Ok(state) if !state.profile.0.info_cache.found() => {
                (None, Some(Said::new("profile.problem.no_profile_list")))
            }
            Ok(state) => (Some(state.profile.0), None),
            Err(error) => (None, Some(describe_json_error("Local State", &error))),
        },
        // Every Chromium writes its Local State at first start: a folder
        // without one (an unmounted disk, a half-copied folder) says
        // nothing about which profiles exist.
        ReadOutcome::Missing if family == Family::Chromium => {
            (None, Some(Said::new("profile.problem.local_state_missing")))
        }
        ReadOutcome::Missing => (None, None),
        ReadOutcome::Failed(reason) => (None, Some(in_file("Local State", reason))),
    };
    // A profile list that is there but empty, beside profile folders, is
    // as unbelievable as none at all.
    let (state, state_problem) = match state {
        Some(state)
            if state.info_cache.0.is_empty()
                && !profile_folders_on_disk(user_data_dir).is_empty() =>
        {
            (None, Some(Said::new("profile.problem.no_profiles_listed")))
        }
        other => (other, state_problem),
    };
    if let Some(problem) = &state_problem {
        // Reported to the person once, as a notice of the snapshot; the log
        // keeps it at info.
        tracing::info!(browser = %browser, "{problem}");
    }
    let profiles = read_profiles(browser, family, user_data_dir, cache, state, &state_problem);
    UserData {
        profiles,
        problem: state_problem,
    }
}

fn read_profiles(
    browser: BrowserId,
    family: Family,
    user_data_dir: &Path,
    cache: &mut PreferencesCache,
    state: Option<LocalStateProfiles>,
    state_problem: &Option<Said>,
) -> Vec<Profile> {
    if family == Family::ChromiumSingleProfile {
        let entry = state
            .as_ref()
            .and_then(|state| state.info_cache.0.first())
            .map(|(_, entry)| entry);
        return vec![read_profile(
            cache,
            browser,
            user_data_dir,
            "",
            user_data_dir,
            entry,
            true,
            state_problem.clone(),
        )];
    }

    let Some(state) = state else {
        // Without a usable Local State, the profile folders on disk are the
        // best reading there is.
        return profile_folders_on_disk(user_data_dir)
            .into_iter()
            .map(|dir| {
                let is_default = dir == "Default";
                let problem = state_problem.clone().map(|problem| {
                    Said::new("profile.problem.from_folder").with("problem", problem)
                });
                read_profile(
                    cache,
                    browser,
                    user_data_dir,
                    &dir,
                    &user_data_dir.join(&dir),
                    None,
                    is_default,
                    problem,
                )
            })
            .collect();
    };

    let default_dir = state.last_used.text().unwrap_or("Default").to_owned();
    let mut entries: Vec<&(String, InfoCacheEntry)> = state
        .info_cache
        .0
        .iter()
        .filter(|(dir, _)| !NOT_PROFILES.contains(&dir.as_str()) && is_safe_folder_name(dir))
        .collect();
    let order = state.profiles_order.get().cloned().unwrap_or_default();
    entries.sort_by_key(|(dir, _)| {
        let position = order.iter().position(|ordered| ordered == dir);
        (position.unwrap_or(usize::MAX), natural_key(dir))
    });
    let last_session = state
        .last_active_profiles
        .get()
        .cloned()
        .unwrap_or_default();
    entries
        .into_iter()
        .map(|(dir, entry)| {
            // Chromium takes a deleted profile out of this list first and
            // its folder later; a listed profile without its folder is not
            // being deleted, its folder is out of reach (a link to a disk
            // that is not mounted, say).
            let folder = user_data_dir.join(dir);
            let missing = (!folder.is_dir()).then(|| Said::new("profile.problem.folder_not_found"));
            read_profile(
                cache,
                browser,
                user_data_dir,
                dir,
                &folder,
                Some(entry),
                *dir == default_dir,
                missing,
            )
        })
        .map(|mut profile| {
            profile.in_last_session = last_session.contains(&profile.profile_dir);
            profile
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn read_profile(
    cache: &mut PreferencesCache,
    browser: BrowserId,
    user_data_dir: &Path,
    dir: &str,
    profile_path: &Path,
    entry: Option<&InfoCacheEntry>,
    is_default: bool,
    inherited_problem: Option<Said>,
) -> Profile {
    let mut problems: Vec<Said> = inherited_problem.into_iter().collect();
    let prefs = cache.get(&profile_path.join("Preferences"), summarise);
    problems.extend(prefs.problem.clone());
    let empty_entry = InfoCacheEntry::default();
    let entry = entry.unwrap_or(&empty_entry);
    let account = &prefs.account;
    let is_edge = matches!(
        browser,
        BrowserId::Edge | BrowserId::EdgeBeta | BrowserId::EdgeDev | BrowserId::EdgeCanary
    );

    let full_name = |first: &Leaf<String>, last: &Leaf<String>| {
        let joined = [first.text(), last.text()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        (!joined.is_empty()).then_some(joined)
    };
    let display_name = account
        .full_name
        .text()
        .map(str::to_owned)
        .or_else(|| entry.gaia_name.text().map(str::to_owned))
        .or_else(|| {
            full_name(
                &account.edge_account_first_name,
                &account.edge_account_last_name,
            )
        })
        .or_else(|| {
            full_name(
                &entry.edge_account_first_name,
                &entry.edge_account_last_name,
            )
        });
    // Local State's user name stands in for the email only when Preferences
    // has no account entry at all: an entry whose email Tandem cannot read
    // must not be taken for a different account.
    let email = if prefs.has_account_entry {
        account.email.text()
    } else {
        account.email.text().or_else(|| entry.user_name.text())
    }
    .map(str::to_owned);
    let signed_in =
        email.is_some() || entry.gaia_id.text().is_some() || account.gaia.text().is_some();
    let signals = Signals {
        is_edge,
        tenant_id: account
            .edge_account_tenant_id
            .text()
            .or_else(|| entry.edge_account_tenant_id.text())
            .map(str::to_owned),
        relative_to_aad: prefs.relative_to_aad,
        edge_account_type: prefs
            .sync_edge_account_type
            .or(account.edge_account_type.get().copied())
            .or(entry.edge_account_type.get().copied()),
        hosted_domain: account
            .hd
            .text()
            .or_else(|| entry.hosted_domain.text())
            .map(str::to_owned),
        signed_in,
        email,
        display_name,
    };
    let mut account = classify(browser, dir, signals);
    // Without its Preferences, a profile that `Local State` says nothing
    // about may hold anyone: that is not "nobody signed in".
    if prefs.problem.is_some()
        && (account.evidence == Evidence::NoAccount || account.kind == AccountKind::Unknown)
    {
        account.kind = AccountKind::Unknown;
        account.evidence = Evidence::Unreadable;
    }

    let local_name = entry
        .name
        .text()
        .map(str::to_owned)
        .or_else(|| prefs.name.clone());
    let uses_default_name = entry.is_using_default_name.get().copied().unwrap_or(false)
        || local_name.as_deref().is_none_or(looks_like_default_name);
    let person = if is_edge {
        account.display_name.clone()
    } else {
        entry
            .gaia_given_name
            .text()
            .map(str::to_owned)
            .or_else(|| account.display_name.clone())
    };
    let name = match (uses_default_name, person) {
        (true, Some(person)) => person,
        _ => local_name.unwrap_or_else(|| {
            if dir.is_empty() {
                browser.spec().name.to_owned()
            } else {
                dir.to_owned()
            }
        }),
    };

    Profile {
        browser,
        profile_dir: dir.to_owned(),
        name,
        account,
        user_data_dir: user_data_dir.to_path_buf(),
        last_active: entry
            .active_time
            .get()
            .filter(|time| time.is_finite() && **time > 0.0)
            .map(|time| time.floor() as i64),
        is_default,
        in_last_session: false,
        unreadable: problems.into_iter().reduce(|first, second| {
            Said::new("profile.problem.and")
                .with("first", first)
                .with("second", second)
        }),
    }
}

/// Names browsers give profiles until the user names them.
fn looks_like_default_name(name: &str) -> bool {
    let stem = name
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .trim_end();
    matches!(
        stem,
        "Profile" | "Person" | "Perfil" | "Profil" | "Default" | "Your Chromium"
    )
}

/// `Local State` keys become paths: refuse any that could leave the folder.
fn is_safe_folder_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0'])
}

/// Orders `Profile 2` before `Profile 10`.
fn natural_key(dir: &str) -> (u8, u64, String) {
    if dir == "Default" {
        return (0, 0, String::new());
    }
    match dir.strip_prefix("Profile ").and_then(|n| n.parse().ok()) {
        Some(number) => (1, number, String::new()),
        None => (2, 0, dir.to_owned()),
    }
}

fn profile_folders_on_disk(user_data_dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(user_data_dir) else {
        return Vec::new();
    };
    let mut folders: Vec<String> = entries
        .filter_map(Result::ok)
        // Any Preferences at all marks a profile folder: one that cannot be
        // read (a FIFO, say) is still a profile, shown as unreadable.
        .filter(|entry| std::fs::symlink_metadata(entry.path().join("Preferences")).is_ok())
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| name == "Default" || name.starts_with("Profile "))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    folders.sort_by_key(|dir| natural_key(dir));
    folders
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names_are_recognised() {
        for name in [
            "Profile 1",
            "Person 2",
            "Perfil 1",
            "Default",
            "Your Chromium",
        ] {
            assert!(looks_like_default_name(name), "{name}");
        }
        for name in ["Work", "Profile of Ada", "Privé"] {
            assert!(!looks_like_default_name(name), "{name}");
        }
    }

    #[test]
    fn natural_order() {
        let mut dirs = vec!["Profile 10", "Profile 2", "Default", "Custom"];
        dirs.sort_by_key(|dir| natural_key(dir));
        assert_eq!(dirs, ["Default", "Profile 2", "Profile 10", "Custom"]);
    }

    #[test]
    fn unsafe_folder_names_are_refused() {
        for name in ["../x", "a/b", "..", "", "a\\b"] {
            assert!(!is_safe_folder_name(name), "{name}");
        }
        assert!(is_safe_folder_name("Profile 1"));
    }
}

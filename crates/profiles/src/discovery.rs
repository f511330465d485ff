//! Discovery that remembers: the last reading of every browser, so that a
//! change to one browser re-reads only that browser (and, within it, only the
//! files that changed) and says what changed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Serialize;
use tandem_locations::UserRoots;
use ts_rs::TS;

use crate::catalogue::{BrowserId, Family};
use crate::chromium::{self, PreferencesCache};
use crate::firefox;
use crate::model::{AccountKind, Profile, Snapshot};

/// One thing that changed between two readings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    BrowserInstalled {
        browser: BrowserId,
    },
    BrowserRemoved {
        browser: BrowserId,
    },
    ProfileAdded {
        browser: BrowserId,
        profile_dir: String,
    },
    ProfileRemoved {
        browser: BrowserId,
        profile_dir: String,
    },
    ProfileRenamed {
        browser: BrowserId,
        profile_dir: String,
        old_name: String,
        new_name: String,
    },
    SignedIn {
        browser: BrowserId,
        profile_dir: String,
    },
    SignedOut {
        browser: BrowserId,
        profile_dir: String,
    },
    AccountChanged {
        browser: BrowserId,
        profile_dir: String,
    },
    /// Anything else a person would notice: readability, the default profile.
    ProfileUpdated {
        browser: BrowserId,
        profile_dir: String,
    },
}

/// Profiles are told apart by browser, user data folder and profile folder.
type ProfileKey = (PathBuf, String);

#[derive(Debug)]
pub struct Discovery {
    roots: UserRoots,
    cache: PreferencesCache,
    browsers: BTreeMap<BrowserId, Vec<Profile>>,
    installed: BTreeSet<BrowserId>,
}

impl Discovery {
    /// Reads every browser once.
    pub fn new(roots: UserRoots) -> Self {
        let mut discovery = Self::unscanned(roots);
        for browser in BrowserId::ALL {
            discovery.rescan(browser);
        }
        discovery
    }

    /// Knows no browser yet: each `rescan` adds one.
    pub fn unscanned(roots: UserRoots) -> Self {
        Self {
            roots,
            cache: PreferencesCache::default(),
            browsers: BTreeMap::new(),
            installed: BTreeSet::new(),
        }
    }

    pub fn roots(&self) -> &UserRoots {
        &self.roots
    }

    /// Every profile, grouped by browser in catalogue order.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            profiles: self.browsers.values().flatten().cloned().collect(),
        }
    }

    pub fn profiles_of(&self, browser: BrowserId) -> &[Profile] {
        self.browsers
            .get(&browser)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Reads one browser again and says what changed since the last reading.
    pub fn rescan(&mut self, browser: BrowserId) -> Vec<Change> {
        let spec = browser.spec();
        let mut profiles = Vec::new();
        let mut installed = false;
        for dir in spec.user_data_dirs(&self.roots) {
            if !dir.is_dir() {
                self.cache.forget_under(&dir);
                continue;
            }
            installed = true;
            match spec.family {
                Family::Chromium | Family::ChromiumSingleProfile => profiles.extend(
                    chromium::read_user_data(browser, spec.family, &dir, &mut self.cache),
                ),
                Family::Firefox => profiles.extend(firefox::read_root(&dir)),
            }
        }
        let old = self.browsers.insert(browser, profiles).unwrap_or_default();
        let was_installed = if installed {
            !self.installed.insert(browser)
        } else {
            self.installed.remove(&browser)
        };
        let mut changes = Vec::new();
        if installed && !was_installed {
            changes.push(Change::BrowserInstalled { browser });
        }
        changes.extend(diff(browser, &old, &self.browsers[&browser]));
        if !installed && was_installed {
            changes.push(Change::BrowserRemoved { browser });
        }
        changes
    }
}

fn diff(browser: BrowserId, old: &[Profile], new: &[Profile]) -> Vec<Change> {
    let key = |profile: &Profile| -> ProfileKey {
        (profile.user_data_dir.clone(), profile.profile_dir.clone())
    };
    let old_by_key: BTreeMap<ProfileKey, &Profile> = old.iter().map(|p| (key(p), p)).collect();
    let new_keys: BTreeSet<ProfileKey> = new.iter().map(key).collect();
    let mut changes = Vec::new();
    for profile in new {
        let profile_dir = profile.profile_dir.clone();
        let Some(before) = old_by_key.get(&key(profile)) else {
            changes.push(Change::ProfileAdded {
                browser,
                profile_dir,
            });
            continue;
        };
        let signed_in = |p: &Profile| p.account.kind != AccountKind::None;
        match (signed_in(before), signed_in(profile)) {
            (false, true) => changes.push(Change::SignedIn {
                browser,
                profile_dir: profile_dir.clone(),
            }),
            (true, false) => changes.push(Change::SignedOut {
                browser,
                profile_dir: profile_dir.clone(),
            }),
            (true, true) if before.account != profile.account => {
                changes.push(Change::AccountChanged {
                    browser,
                    profile_dir: profile_dir.clone(),
                });
            }
            _ => {}
        }
        if before.name != profile.name {
            changes.push(Change::ProfileRenamed {
                browser,
                profile_dir: profile_dir.clone(),
                old_name: before.name.clone(),
                new_name: profile.name.clone(),
            });
        }
        if before.unreadable != profile.unreadable || before.is_default != profile.is_default {
            changes.push(Change::ProfileUpdated {
                browser,
                profile_dir,
            });
        }
    }
    for profile in old {
        if !new_keys.contains(&key(profile)) {
            changes.push(Change::ProfileRemoved {
                browser,
                profile_dir: profile.profile_dir.clone(),
            });
        }
    }
    changes
}

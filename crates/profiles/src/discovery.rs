//! Discovery that remembers: the last reading of every browser, so that a
//! change to one browser re-reads only that browser (and, within it, only the
//! files that changed) and says what changed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Serialize;
use tandem_locations::UserRoots;

use crate::catalogue::{BrowserId, Family};
use crate::chromium::{self, PreferencesCache};
use crate::firefox;
use crate::model::{AccountKind, Profile, Snapshot, UnreadableSource};

/// One thing that changed between two readings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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

/// The profiles of one user data folder, and why its profile list could not
/// be read, if it could not.
#[derive(Debug, Default)]
pub(crate) struct UserData {
    pub profiles: Vec<Profile>,
    pub problem: Option<tandem_i18n::Said>,
}

#[derive(Debug)]
pub struct Discovery {
    roots: UserRoots,
    /// One per browser, so browsers can be read in parallel.
    caches: BTreeMap<BrowserId, PreferencesCache>,
    browsers: BTreeMap<BrowserId, Vec<Profile>>,
    unreadable: BTreeMap<BrowserId, Vec<UnreadableSource>>,
    installed: BTreeSet<BrowserId>,
}

impl Discovery {
    /// Reads every browser once, on as many threads as there are cores:
    /// parsing dominates and browsers are independent.
    pub fn new(roots: UserRoots) -> Self {
        let mut discovery = Self::unscanned(roots);
        let work = std::sync::Mutex::new(BrowserId::ALL.to_vec());
        let results = std::sync::Mutex::new(Vec::new());
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(4);
        let roots = &discovery.roots;
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    while let Some(browser) = work.lock().ok().and_then(|mut work| work.pop()) {
                        let mut cache = PreferencesCache::default();
                        let reading = read_browser(browser, roots, &mut cache);
                        if let Ok(mut results) = results.lock() {
                            results.push((browser, cache, reading));
                        }
                    }
                });
            }
        });
        for (browser, cache, reading) in results.into_inner().unwrap_or_default() {
            discovery.caches.insert(browser, cache);
            discovery.apply(browser, reading);
        }
        discovery
    }

    /// Knows no browser yet: each `rescan` adds one.
    pub fn unscanned(roots: UserRoots) -> Self {
        Self {
            roots,
            caches: BTreeMap::new(),
            browsers: BTreeMap::new(),
            unreadable: BTreeMap::new(),
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
            unreadable: self.unreadable.values().flatten().cloned().collect(),
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
        let cache = self.caches.entry(browser).or_default();
        let reading = read_browser(browser, &self.roots, cache);
        self.apply(browser, reading)
    }

    fn apply(&mut self, browser: BrowserId, reading: Reading) -> Vec<Change> {
        let Reading {
            profiles,
            unreadable,
            installed,
        } = reading;
        self.unreadable.insert(browser, unreadable);
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

/// One browser's profiles, and whether any of its folders exists.
#[derive(Debug)]
struct Reading {
    profiles: Vec<Profile>,
    unreadable: Vec<UnreadableSource>,
    installed: bool,
}

fn read_browser(browser: BrowserId, roots: &UserRoots, cache: &mut PreferencesCache) -> Reading {
    let spec = browser.spec();
    let mut profiles = Vec::new();
    let mut unreadable = Vec::new();
    let mut installed = false;
    for dir in spec.user_data_dirs(roots) {
        if !dir.is_dir() {
            cache.forget_under(&dir);
            // A link whose folder is out of reach (a disk not mounted) may
            // hide profiles; nothing at all means the browser has none here.
            if let Ok(meta) = std::fs::symlink_metadata(&dir) {
                installed = true;
                let reason = if meta.file_type().is_symlink() {
                    "profile.problem.folder_unreachable"
                } else {
                    "profile.problem.folder_not_a_folder"
                };
                unreadable.push(UnreadableSource {
                    browser,
                    user_data_dir: dir.clone(),
                    reason: tandem_i18n::Said::new(reason),
                });
            }
            continue;
        }
        installed = true;
        let data = match spec.family {
            Family::Chromium | Family::ChromiumSingleProfile => {
                chromium::read_user_data(browser, spec.family, &dir, cache)
            }
            Family::Firefox => firefox::read_root(&dir),
        };
        profiles.extend(data.profiles);
        unreadable.extend(data.problem.map(|reason| UnreadableSource {
            browser,
            user_data_dir: dir.clone(),
            reason,
        }));
    }
    Reading {
        profiles,
        unreadable,
        installed,
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
        // A profile whose files cannot be read did not sign in or out: who is
        // signed in is unknown, which `ProfileUpdated` below reports.
        let readable = |p: &Profile| p.account.evidence != crate::model::Evidence::Unreadable;
        match (signed_in(before), signed_in(profile)) {
            _ if !readable(before) || !readable(profile) => {}
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

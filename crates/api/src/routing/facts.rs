//! What `work`, `personal`, a profile or `*@domain` mean on this machine,
//! found as cheaply as the decision allows.
//!
//! A profile named by its folder needs only that folder. The linked
//! profiles come from the stored links and the policy (read fresh: a policy
//! that forbids linking is obeyed at once). Only "the most recently used
//! profile of a kind" needs to know who is signed in where; that comes from
//! the app's live reading when there is one, else from an index in the cache
//! folder, valid while the browsers' profile lists are unchanged, so the
//! cost of a decision does not grow with the size of the browsers' files.

use std::cell::OnceCell;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tandem_files::{LOCK_WAIT, OwnedDir};
use tandem_linking::LinkView;
use tandem_locations::Locations;
use tandem_policy::PolicySet;
use tandem_profiles::launch::{self, LaunchTarget};
use tandem_profiles::{AccountKind, BrowserId, Profile, ProfileRef, Snapshot};
use tandem_routing::{Facts, Resolved, Said, Target};

const INDEX_FILE: &str = "routing/profiles.json";
const INDEX_SCHEMA: &str = "tandem.profile-index";
const INDEX_VERSION: u32 = 1;
const MAX_INDEX_BYTES: u64 = 8 * 1024 * 1024;

/// One profile as routing needs it: never an address, only its domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct IndexedProfile {
    browser: BrowserId,
    user_data_dir: PathBuf,
    profile_dir: String,
    name: String,
    kind: AccountKind,
    domain: Option<String>,
    last_active: Option<i64>,
}

impl IndexedProfile {
    fn of(profile: &Profile) -> Self {
        Self {
            browser: profile.browser,
            user_data_dir: profile.user_data_dir.clone(),
            profile_dir: profile.profile_dir.clone(),
            name: profile.name.clone(),
            kind: profile.account.kind,
            domain: profile
                .account
                .email
                .as_deref()
                .and_then(|email| email.rsplit_once('@'))
                .map(|(_, domain)| domain.trim().to_ascii_lowercase()),
            last_active: profile.last_active,
        }
    }

    fn target(&self) -> LaunchTarget {
        LaunchTarget {
            browser: self.browser,
            user_data_dir: self.user_data_dir.clone(),
            profile_dir: self.profile_dir.clone(),
            name: self.name.clone(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct IndexFile {
    schema: String,
    version: u32,
    fingerprint: String,
    profiles: Vec<IndexedProfile>,
}

/// The profiles, from the cache when the browsers' lists are unchanged,
/// else read afresh (and cached for next time).
fn profile_index(locations: &Locations) -> Vec<IndexedProfile> {
    let cache = OwnedDir::new(locations.cache_dir());
    let fingerprint = tandem_profiles::sources_fingerprint(locations.user_roots());
    if let Some(fingerprint) = &fingerprint
        && let Ok(Some(bytes)) = cache.read(INDEX_FILE, MAX_INDEX_BYTES)
        && let Ok(index) = serde_json::from_slice::<IndexFile>(&bytes)
        && index.schema == INDEX_SCHEMA
        && index.version == INDEX_VERSION
        && &index.fingerprint == fingerprint
    {
        return index.profiles;
    }
    let snapshot = tandem_profiles::discover(locations.user_roots());
    let profiles: Vec<IndexedProfile> = snapshot.profiles.iter().map(IndexedProfile::of).collect();
    // Another reading may have changed the files meanwhile; caching only
    // what was read under an unchanged fingerprint keeps the cache true.
    if let Some(fingerprint) = fingerprint
        && tandem_profiles::sources_fingerprint(locations.user_roots()).as_ref()
            == Some(&fingerprint)
    {
        let file = IndexFile {
            schema: INDEX_SCHEMA.into(),
            version: INDEX_VERSION,
            fingerprint,
            profiles: profiles.clone(),
        };
        // A cache that cannot be written is only slower next time.
        if let Ok(bytes) = tandem_text::json::to_vec_pretty(&file)
            && let Ok(lock) = cache.lock(LOCK_WAIT.min(std::time::Duration::from_millis(200)))
            && let Err(error) = cache.write_atomically(&lock, INDEX_FILE, &bytes)
        {
            tracing::debug!(%error, "the profile index was not cached");
        }
    }
    profiles
}

/// Removes the cached index (it names the domains of signed-in accounts).
pub(crate) fn forget_profile_index(locations: &Locations) {
    let cache = OwnedDir::new(locations.cache_dir());
    if let Ok(lock) = cache.lock(LOCK_WAIT) {
        let _ = cache.remove(&lock, INDEX_FILE);
    }
}

pub(crate) struct MachineFacts<'a> {
    pub locations: &'a Locations,
    pub policy: &'a PolicySet,
    pub links: &'a [LinkView],
    /// The app's live reading, when there is one.
    pub snapshot: Option<&'a Snapshot>,
    index: OnceCell<Vec<IndexedProfile>>,
}

impl<'a> MachineFacts<'a> {
    pub fn new(
        locations: &'a Locations,
        policy: &'a PolicySet,
        links: &'a [LinkView],
        snapshot: Option<&'a Snapshot>,
    ) -> Self {
        Self {
            locations,
            policy,
            links,
            snapshot,
            index: OnceCell::new(),
        }
    }

    fn profiles(&self) -> &[IndexedProfile] {
        self.index.get_or_init(|| match self.snapshot {
            Some(snapshot) => snapshot.profiles.iter().map(IndexedProfile::of).collect(),
            None => profile_index(self.locations),
        })
    }

    /// The most recently used profile that matches, of a browser that can
    /// still be started (profiles outlive an uninstalled browser).
    fn most_recent(&self, matches: impl Fn(&IndexedProfile) -> bool) -> Option<&IndexedProfile> {
        let mut candidates: Vec<&IndexedProfile> = self
            .profiles()
            .iter()
            .filter(|profile| matches(profile))
            .collect();
        candidates
            .sort_by_key(|profile| std::cmp::Reverse(profile.last_active.unwrap_or(i64::MIN)));
        let mut installed: Vec<(BrowserId, bool)> = Vec::new();
        candidates.into_iter().find(|profile| {
            let usable = match installed
                .iter()
                .find(|(browser, _)| *browser == profile.browser)
            {
                Some((_, usable)) => *usable,
                None => {
                    let usable = launch::is_installed(profile.browser, self.locations);
                    installed.push((profile.browser, usable));
                    usable
                }
            };
            usable && profile.target().folder().is_dir()
        })
    }

    fn located(&self, profile: &ProfileRef, how: impl Fn(&LaunchTarget) -> Said) -> Resolved {
        match LaunchTarget::locate(profile, self.locations.user_roots()) {
            Ok(mut target) => {
                if let Some(known) = self.known_name(profile) {
                    target.name = known;
                }
                Resolved::Profile {
                    how: how(&target),
                    target,
                }
            }
            Err(_) => Resolved::Missing(
                Said::new("route.why.folder_gone").with("profile", profile.to_string()),
            ),
        }
    }

    /// The profile's display name, when a reading is already at hand.
    fn known_name(&self, profile: &ProfileRef) -> Option<String> {
        let profiles = match (self.index.get(), self.snapshot) {
            (Some(index), _) => index.as_slice(),
            (None, Some(_)) => self.profiles(),
            (None, None) => return None,
        };
        profiles
            .iter()
            .find(|p| p.browser == profile.browser && p.profile_dir == profile.profile_dir)
            .map(|p| p.name.clone())
    }

    /// The profile of the linked kind: the link's, where policy allows it.
    fn linked(&self, kind: AccountKind) -> Option<Result<Resolved, Said>> {
        let mut forbidden = None;
        for link in self.links {
            let decision = tandem_linking::linking_decision(self.policy, link.work.browser);
            if !decision.allowed() {
                let mut off = Said::new("route.why.linking_off")
                    .with("browser", link.work.browser.spec().name);
                if let Some(reason) = decision.reason() {
                    off = off.with("reason", reason.clone());
                }
                forbidden = Some(off);
                continue;
            }
            let profile = match kind {
                AccountKind::Work => Some(&link.work),
                _ => link.personal_profile.as_ref(),
            };
            let Some(profile) = profile else { continue };
            let key = if kind == AccountKind::Work {
                "route.how.linked_work"
            } else {
                "route.how.linked_personal"
            };
            return Some(Ok(self.located(profile, |target| {
                Said::new(key)
                    .with("profile", &target.name)
                    .with("browser", target.browser.spec().name)
            })));
        }
        forbidden.map(Err)
    }

    fn of_kind(&self, kind: AccountKind) -> Resolved {
        let work = kind == AccountKind::Work;
        let forbidden = match self.linked(kind) {
            Some(Ok(resolved)) => return resolved,
            Some(Err(forbidden)) => Some(forbidden),
            None => None,
        };
        // Why the linked profile was passed over, when it was.
        let with_why = |said: Said| match &forbidden {
            Some(why) => Said::new("route.how.because")
                .with("said", said)
                .with("why", why.clone()),
            None => said,
        };
        match self.most_recent(|profile| profile.kind == kind) {
            Some(profile) => Resolved::Profile {
                how: with_why(
                    Said::new(if work {
                        "route.how.recent_work"
                    } else {
                        "route.how.recent_personal"
                    })
                    .with("profile", &profile.name)
                    .with("browser", profile.browser.spec().name),
                ),
                target: profile.target(),
            },
            None => Resolved::Missing(with_why(Said::new(if work {
                "route.why.no_work_profile"
            } else {
                "route.why.no_personal_profile"
            }))),
        }
    }
}

impl Facts for MachineFacts<'_> {
    fn resolve(&self, target: &Target) -> Resolved {
        match target {
            Target::Profile(profile) => self.located(profile, |target| {
                Said::new("route.how.profile")
                    .with("profile", &target.name)
                    .with("browser", target.browser.spec().name)
            }),
            Target::Work => self.of_kind(AccountKind::Work),
            Target::Personal => self.of_kind(AccountKind::Personal),
            Target::AccountDomain(domain) => {
                // As Edge: the account's name ends with "@<domain>".
                match self.most_recent(|profile| profile.domain.as_deref() == Some(domain.as_str()))
                {
                    Some(profile) => Resolved::Profile {
                        how: Said::new("route.how.recent_domain")
                            .with("domain", domain)
                            .with("profile", &profile.name)
                            .with("browser", profile.browser.spec().name),
                        target: profile.target(),
                    },
                    None => Resolved::Missing(
                        Said::new("route.why.no_domain_profile").with("domain", domain),
                    ),
                }
            }
            Target::Ask | Target::NoPreference => {
                Resolved::Missing(Said::new("route.why.no_profile_named"))
            }
        }
    }
}

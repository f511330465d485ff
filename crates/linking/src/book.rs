//! The book of links: the persisted link state, kept in two halves so that
//! personal data is stored apart from work data.
//!
//! ```text
//! <data>/work/links.json         work profile, work account, state, and the
//!                                history of what happened to links and why (work side)
//! <data>/personal/links.json     personal account, personal profile  (personal side)
//! <data>/personal/restriction.json  whether personal processing is paused
//! <data>/.lock                   one lock for every read-modify-write
//! ```
//!
//! The halves share only a random link id. A new link's personal half is
//! written before its work half, and an unlink removes the work half first,
//! so a crash between the two leaves at most a personal half with no work
//! half, which the next update drops. The history lives in the work file, so
//! a link's state and what the history says of it are written in one atomic
//! step and can never disagree.
//!
//! The personal half also names its work profile. If the work file is lost
//! (damaged, with no good copy), the links are rebuilt from the personal
//! halves rather than dropped with them.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tandem_locations::Locations;
use tandem_policy::Said;
use tandem_profiles::{AccountKind, BrowserId, Profile};
use tandem_store::{DirLock, Document, LOCK_WAIT, OwnedDir, Recovery, StateFile, StoreError};

use crate::engine::{self, Reconciled, WorkLink, World};
use crate::machine::LinkEvent;
use crate::model::{
    AccountKey, HistoryEntry, Link, LinkId, LinkState, PersonalAccount, PersonalProof, ProfileRef,
    WorkAccount, spoken_profile,
};
use jiff::Timestamp;

/// The history file of Tandem 0.1, relative to the data folder: read once
/// into the work file, then removed.
const LEGACY_HISTORY: &str = "work/history.jsonl";

/// The oldest history entries go beyond this many.
pub const MAX_HISTORY: usize = 10_000;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct WorkLinks {
    pub links: Vec<WorkLink>,
    /// What happened to links, and why, oldest first.
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    /// Set when this file was lost and started afresh: personal halves
    /// without a work half are then rebuilt into links, not erased, as soon
    /// as they can be read.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lost: bool,
}

impl Document for WorkLinks {
    const SCHEMA: &'static str = "tandem.work-links";
    const VERSION: u32 = 2;

    // Version 2 keeps the history here rather than in `history.jsonl`.
    fn migrate(version: u32, mut data: serde_json::Value) -> Result<serde_json::Value, String> {
        match (version, data.as_object_mut()) {
            (1, Some(object)) => {
                object.insert("history".into(), serde_json::Value::Array(Vec::new()));
                Ok(data)
            }
            _ => Err(format!("no migration from version {version}")),
        }
    }
}

/// The personal half of one link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalSide {
    pub personal_account: PersonalAccount,
    pub personal_profile: Option<ProfileRef>,
    /// The link's work profile, to rebuild the link if the work file is
    /// lost. A profile name, not data about the work account.
    #[serde(default)]
    pub work: Option<ProfileRef>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct PersonalLinks {
    /// By link id.
    pub links: BTreeMap<LinkId, PersonalSide>,
}

impl Document for PersonalLinks {
    const SCHEMA: &'static str = "tandem.personal-links";
    const VERSION: u32 = 1;
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Restriction {
    pub restricted: bool,
    #[serde(with = "jiff::fmt::serde::timestamp::second::optional")]
    pub since: Option<Timestamp>,
}

impl Document for Restriction {
    const SCHEMA: &'static str = "tandem.personal-restriction";
    const VERSION: u32 = 1;
}

#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("linking is off: {reason}")]
    PolicyForbids {
        reason: Said,
        /// The file or registry key whose policy forbids it.
        set_by: tandem_policy::Source,
    },
    #[error(
        "processing of your personal data is paused (`tandem privacy restrict`); lift it with \
         `tandem privacy restrict --lift` to link"
    )]
    Restricted,
    #[error("there is no profile {0} on this machine; `tandem profiles` lists them")]
    NoSuchProfile(ProfileRef),
    #[error(
        "{profile} is not signed in to a work or school account (it has {has}); sign in to it first"
    )]
    NotAWorkProfile { profile: ProfileRef, has: Said },
    #[error("{profile} is not signed in to a personal Microsoft account (it has {has})")]
    NotAPersonalProfile { profile: ProfileRef, has: Said },
    #[error("{0} is already linked; unlink it first with `tandem unlink --work {0}`")]
    AlreadyLinked(ProfileRef),
    #[error("{0} is not linked")]
    NotLinked(ProfileRef),
    #[error("nothing is linked")]
    NothingLinked,
    #[error("more than one profile is linked ({0}); say which with --work")]
    WhichLink(String),
    #[error(
        "the link of {0} was removed while it waited for the personal sign-in (by another \
         Tandem command, by policy, or because the work account changed); nothing was linked"
    )]
    NoLongerPending(ProfileRef),
}

impl LinkError {
    /// A stable code for the UI and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            LinkError::Store(_) => "state_unreadable",
            LinkError::PolicyForbids { .. } => "policy_forbids",
            LinkError::Restricted => "personal_data_restricted",
            LinkError::NoSuchProfile(_) => "profile_not_found",
            LinkError::NotAWorkProfile { .. } => "not_a_work_profile",
            LinkError::NotAPersonalProfile { .. } => "not_a_personal_profile",
            LinkError::AlreadyLinked(_) => "already_linked",
            LinkError::NotLinked(_) | LinkError::NothingLinked => "not_linked",
            LinkError::WhichLink(_) => "which_link",
            LinkError::NoLongerPending(_) => "link_changed",
        }
    }
}

/// Whether linking is allowed for one browser's profiles, and why not:
/// Tandem's global switch and the browser's own policy together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BrowserPolicy {
    pub browser: BrowserId,
    pub linking_allowed: bool,
    pub reason: Option<Said>,
}

/// Links, policy and notices: what `tandem status` and the app show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Status {
    /// Tandem's own policy: the global switch.
    pub linking_allowed: bool,
    pub policy_reason: Option<Said>,
    /// The policy that applies to each browser with profiles on this
    /// machine: Edge's own `LinkedAccountEnabled` can turn linking off for
    /// Edge profiles while Tandem's switch is on.
    pub browsers: Vec<BrowserPolicy>,
    pub links: Vec<Link>,
    /// Whether processing of personal data is paused.
    pub personal_data_restricted: bool,
    /// Things the user should know: damaged files recovered, links removed
    /// by this reconciliation.
    pub notices: Vec<Said>,
}

impl Default for Status {
    /// Nothing linked, nothing forbidden: before anything was read.
    fn default() -> Self {
        Self {
            linking_allowed: true,
            policy_reason: None,
            browsers: Vec::new(),
            links: Vec::new(),
            personal_data_restricted: false,
            notices: Vec::new(),
        }
    }
}

/// One stored link as routing sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkView {
    pub work: ProfileRef,
    pub work_account: WorkAccount,
    pub personal_profile: Option<ProfileRef>,
    pub state: LinkState,
    pub since: Timestamp,
}

/// What a reconciliation did, with the resulting status.
#[derive(Debug, Clone)]
pub struct Reconciliation {
    pub status: Status,
    pub changes: Reconciled,
}

/// Why the user unlinked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnlinkReason {
    AtRequest,
    BeforeLeaving,
}

/// What to link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRequest {
    pub work: ProfileRef,
    pub personal_profile: Option<ProfileRef>,
    /// The work account's key in the vault, if Tandem signed in to it.
    pub work_account_key: Option<AccountKey>,
}

/// What an unlink did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unlinked {
    pub work: ProfileRef,
    /// The state the link was in: a link still waiting for its sign-in
    /// (`linking`) was never linked, so its removal records no history.
    pub was: LinkState,
    pub entry: Option<HistoryEntry>,
}

/// A link waiting for its personal sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub id: LinkId,
    pub work: ProfileRef,
    pub personal_profile: Option<ProfileRef>,
}

/// Everything that loading the book found.
struct Pages {
    work: WorkLinks,
    personal: Option<PersonalLinks>,
    restricted: bool,
    /// The personal file was written by a newer Tandem: it is neither read
    /// nor written, but a link can still be removed.
    personal_too_new: bool,
    /// Something was read that must be written back (a migrated history).
    dirty: bool,
    notices: Vec<Said>,
}

#[derive(Debug, Clone)]
pub struct LinkBook {
    data: OwnedDir,
    work: StateFile<WorkLinks>,
    personal: StateFile<PersonalLinks>,
    restriction: StateFile<Restriction>,
}

fn kind_text(profile: &Profile) -> Said {
    Said::new(match profile.account.kind {
        AccountKind::Work => "account.has.work",
        AccountKind::Personal => "account.has.personal",
        AccountKind::Google => "account.has.google",
        AccountKind::None => "account.has.none",
        AccountKind::Unknown => "account.has.unknown",
    })
}

fn messages(recoveries: Vec<Recovery>) -> impl Iterator<Item = Said> {
    recoveries.into_iter().map(|recovery| recovery.message())
}

impl LinkBook {
    pub fn new(locations: &Locations) -> Self {
        let data = OwnedDir::new(locations.data_dir());
        Self {
            work: StateFile::new(&data, "work/links.json"),
            personal: StateFile::new(&data, "personal/links.json"),
            restriction: StateFile::new(&data, "personal/restriction.json"),
            data,
        }
    }

    /// The files whose change means another process changed the links.
    pub fn state_files(&self) -> Vec<PathBuf> {
        vec![
            self.work.path(),
            self.restriction.path(),
            self.personal.path(),
        ]
    }

    /// The personal-side files: what `tandem privacy delete` removes.
    pub fn personal_files(&self) -> [PathBuf; 2] {
        [self.personal.path(), self.personal.backup_path()]
    }

    /// Takes the data folder's lock, waiting a bounded time.
    pub fn lock(&self) -> Result<DirLock, StoreError> {
        Ok(self.data.lock(LOCK_WAIT)?)
    }

    fn open(&self, lock: &DirLock) -> Result<Pages, StoreError> {
        let mut notices = Vec::new();
        let restriction = self.restriction.load(lock)?;
        notices.extend(restriction.recovery.map(|r| r.message()));
        let restricted = restriction.value.restricted;
        let work = self.work.load(lock)?;
        let mut dirty = false;
        let mut work_links = work.value;
        if let Some(recovery) = work.recovery {
            if matches!(recovery, Recovery::Reset { .. }) {
                work_links.lost = true;
                dirty = true;
            }
            notices.push(recovery.message());
        }
        // Tandem 0.1 appended the history to a file of its own.
        if self.data.is_file(LEGACY_HISTORY) {
            let (lines, recoveries) = tandem_store::read_lines(&self.data, lock, LEGACY_HISTORY)?;
            notices.extend(messages(recoveries));
            let mut legacy: Vec<HistoryEntry> = lines
                .iter()
                .filter_map(|line| serde_json::from_str(line).ok())
                .collect();
            legacy.append(&mut work_links.history);
            work_links.history = legacy;
            dirty = true;
        }
        // While restricted, the personal half is not even read.
        let mut personal_too_new = false;
        let personal = if restricted {
            None
        } else {
            match self.personal.load(lock) {
                Ok(personal) => {
                    notices.extend(personal.recovery.map(|r| r.message()));
                    Some(personal.value)
                }
                Err(StoreError::TooNew { path, .. }) => {
                    personal_too_new = true;
                    notices.push(
                        Said::new("store.personal_too_new")
                            .with("path", path.display().to_string()),
                    );
                    None
                }
                Err(error) => return Err(error),
            }
        };
        let mut pages = Pages {
            work: work_links,
            personal,
            restricted,
            personal_too_new,
            dirty,
            notices,
        };
        self.rebuild_lost_links(&mut pages);
        Ok(pages)
    }

    /// After the work file was lost, the links whose personal halves name
    /// their work profile are rebuilt; reconciliation then checks each
    /// against the machine as for any link.
    fn rebuild_lost_links(&self, pages: &mut Pages) {
        if !pages.work.lost {
            return;
        }
        let Some(personal) = &pages.personal else {
            // Restricted: the halves wait, and `lost` stays set until they
            // can be read.
            return;
        };
        for (id, side) in &personal.links {
            let Some(work) = &side.work else { continue };
            if pages
                .work
                .links
                .iter()
                .any(|link| &link.id == id || &link.work == work)
            {
                continue;
            }
            pages.work.links.push(WorkLink {
                id: id.clone(),
                work: work.clone(),
                work_account: WorkAccount {
                    tenant_id: None,
                    email: None,
                },
                work_account_key: None,
                state: LinkState::Linked,
                since: Timestamp::now(),
                reason: None,
                provider_says_sign_in_again: false,
            });
            pages
                .notices
                .push(Said::new("link.notice.rebuilt").with("profile", spoken_profile(work, None)));
        }
        pages.work.lost = false;
        pages.dirty = true;
    }

    /// Writes both halves, the history with the work half. The personal half
    /// is written first with its new entries, then the work half, then the
    /// personal half again without entries no work link needs: at every
    /// moment each work link's personal half exists.
    fn commit(
        &self,
        lock: &DirLock,
        pages: &mut Pages,
        history: &[HistoryEntry],
    ) -> Result<(), StoreError> {
        if let Some(personal) = &pages.personal {
            pages
                .notices
                .extend(messages(self.personal.save(lock, personal)?));
        }
        pages.work.history.extend_from_slice(history);
        let excess = pages.work.history.len().saturating_sub(MAX_HISTORY);
        pages.work.history.drain(..excess);
        pages
            .notices
            .extend(messages(self.work.save(lock, &pages.work)?));
        if pages.dirty {
            // The history is in the work file now.
            let _ = self.data.remove(lock, LEGACY_HISTORY);
            pages.dirty = false;
        }
        // While processing is restricted the personal half is not loaded,
        // but erasing what a removed link needs no more is still due; unless
        // the work file was lost, when the halves are the links' only record.
        if pages.personal_too_new || pages.work.lost {
            return Ok(());
        }
        let mut unloaded;
        let personal = match pages.personal.as_mut() {
            Some(personal) => Some(personal),
            None if self.data.is_file("personal/links.json") => {
                unloaded = self.personal.load(lock)?.value;
                Some(&mut unloaded)
            }
            None => None,
        };
        if let Some(personal) = personal {
            let before = personal.links.len();
            personal
                .links
                .retain(|id, _| pages.work.links.iter().any(|link| &link.id == id));
            if personal.links.len() != before {
                // The backup is rewritten too, and damaged copies go:
                // removed data does not linger.
                pages
                    .notices
                    .extend(messages(self.personal.save(lock, personal)?));
                self.personal.forget_damaged_copies(lock)?;
            }
        }
        Ok(())
    }

    /// Whether the personal file holds a half no work link needs (left by
    /// a process killed mid-unlink), read even while processing is paused:
    /// erasing is always allowed.
    fn has_orphans(&self, lock: &DirLock, pages: &Pages, links: &[WorkLink]) -> bool {
        if pages.personal_too_new || pages.work.lost {
            return false;
        }
        let orphan = |personal: &PersonalLinks| {
            personal
                .links
                .keys()
                .any(|id| !links.iter().any(|link| &link.id == id))
        };
        match &pages.personal {
            Some(personal) => orphan(personal),
            None => self
                .personal
                .load(lock)
                .is_ok_and(|personal| orphan(&personal.value)),
        }
    }

    fn status_of(pages: &Pages, world: &World) -> Status {
        let global = world.policy.linking(tandem_policy::Publisher::Tandem);
        let mut present: Vec<BrowserId> = world
            .profiles
            .profiles
            .iter()
            .map(|profile| profile.browser)
            .chain(pages.work.links.iter().map(|link| link.work.browser))
            .collect();
        present.sort();
        present.dedup();
        let browsers = present
            .into_iter()
            .map(|browser| {
                let decision = engine::linking_decision(world.policy, browser);
                BrowserPolicy {
                    browser,
                    linking_allowed: decision.allowed(),
                    reason: decision.reason().cloned(),
                }
            })
            .collect();
        let links = pages
            .work
            .links
            .iter()
            .map(|link| {
                let personal = pages
                    .personal
                    .as_ref()
                    .and_then(|personal| personal.links.get(&link.id));
                Link {
                    id: link.id.clone(),
                    work: link.work.clone(),
                    work_account: link.work_account.clone(),
                    personal_account: personal.map(|p| p.personal_account.clone()),
                    personal_profile: personal.and_then(|p| p.personal_profile.clone()),
                    state: link.state,
                    since: link.since,
                    reason: link.reason.clone(),
                }
            })
            .collect();
        Status {
            linking_allowed: global.allowed(),
            policy_reason: global.reason().cloned(),
            browsers,
            links,
            personal_data_restricted: pages.restricted,
            notices: pages.notices.clone(),
        }
    }

    /// The links as stored, read without the lock and without writing: for
    /// routing a link, which must not wait for or repair anything. Links
    /// still waiting for their sign-in are left out; while processing of
    /// personal data is restricted, the personal halves are not read.
    pub fn peek(&self) -> Result<Vec<LinkView>, StoreError> {
        let Some(work) = self.work.peek()? else {
            return Ok(Vec::new());
        };
        let restricted = self
            .restriction
            .peek()?
            .is_some_and(|restriction| restriction.restricted);
        let personal = if restricted {
            None
        } else {
            self.personal.peek().ok().flatten()
        };
        Ok(work
            .links
            .into_iter()
            .filter(|link| link.state != LinkState::Linking)
            .map(|link| {
                let side = personal.as_ref().and_then(|p| p.links.get(&link.id));
                LinkView {
                    personal_profile: side.and_then(|side| side.personal_profile.clone()),
                    work: link.work,
                    work_account: link.work_account,
                    state: link.state,
                    since: link.since,
                }
            })
            .collect())
    }

    /// Brings every link in line with `world`, stores the result, and says
    /// what changed. Every command runs this first.
    pub fn reconcile(&self, world: &World) -> Result<Reconciliation, LinkError> {
        let lock = self.lock()?;
        let mut pages = self.open(&lock)?;
        let changes = self.reconcile_pages(&lock, &mut pages, world)?;
        Ok(Reconciliation {
            status: Self::status_of(&pages, world),
            changes,
        })
    }

    fn reconcile_pages(
        &self,
        lock: &DirLock,
        pages: &mut Pages,
        world: &World,
    ) -> Result<Reconciled, LinkError> {
        let changes = engine::reconcile(&pages.work.links, world);
        let orphans = self.has_orphans(lock, pages, &changes.links);
        if changes.changed() || orphans || pages.dirty {
            pages.work.links = changes.links.clone();
            self.commit(lock, pages, &changes.history)?;
            for removal in &changes.removed {
                if let Some(entry) = &removal.entry {
                    pages.notices.push(
                        Said::new("link.notice.unlinked")
                            .with("profile", spoken_profile(&removal.link.work, None))
                            .with("reason", entry.reason.clone()),
                    );
                }
            }
        }
        Ok(changes)
    }

    fn check_request(
        pages: &Pages,
        world: &World,
        request: &LinkRequest,
    ) -> Result<WorkAccount, LinkError> {
        if pages.restricted {
            return Err(LinkError::Restricted);
        }
        if let tandem_policy::Decision::Forbidden { reason, source } =
            engine::linking_decision(world.policy, request.work.browser)
        {
            return Err(LinkError::PolicyForbids {
                reason,
                set_by: source,
            });
        }
        let find = |wanted: &ProfileRef| {
            world
                .profiles
                .profiles
                .iter()
                .find(|p| wanted.names(p))
                .ok_or_else(|| LinkError::NoSuchProfile(wanted.clone()))
        };
        let work = find(&request.work)?;
        if work.account.kind != AccountKind::Work {
            return Err(LinkError::NotAWorkProfile {
                profile: request.work.clone(),
                has: kind_text(work),
            });
        }
        if pages.work.links.iter().any(|l| l.work == request.work) {
            return Err(LinkError::AlreadyLinked(request.work.clone()));
        }
        if let Some(wanted) = &request.personal_profile {
            let personal = find(wanted)?;
            if personal.account.kind != AccountKind::Personal {
                return Err(LinkError::NotAPersonalProfile {
                    profile: wanted.clone(),
                    has: kind_text(personal),
                });
            }
        }
        Ok(WorkAccount {
            tenant_id: work.account.tenant_id.clone(),
            email: work.account.email.clone(),
        })
    }

    /// Checks that `request` could be linked now, without changing anything.
    pub fn check(&self, world: &World, request: &LinkRequest) -> Result<(), LinkError> {
        let lock = self.lock()?;
        let pages = self.open(&lock)?;
        Self::check_request(&pages, world, request).map(drop)
    }

    /// The personal account a signed-in personal profile proves.
    pub fn personal_account_of(
        world: &World,
        profile: &ProfileRef,
    ) -> Result<PersonalAccount, LinkError> {
        let found = world
            .profiles
            .profiles
            .iter()
            .find(|p| profile.names(p))
            .ok_or_else(|| LinkError::NoSuchProfile(profile.clone()))?;
        if found.account.kind != AccountKind::Personal {
            return Err(LinkError::NotAPersonalProfile {
                profile: profile.clone(),
                has: kind_text(found),
            });
        }
        Ok(PersonalAccount {
            account_key: None,
            email: found.account.email.clone(),
            name: found.account.display_name.clone(),
            proof: PersonalProof::Profile,
        })
    }

    /// Starts a link that waits for the personal sign-in: it is stored as
    /// `linking`, so the app and the CLI both show it.
    pub fn begin(&self, world: &World, request: &LinkRequest) -> Result<Pending, LinkError> {
        let lock = self.lock()?;
        let mut pages = self.open(&lock)?;
        self.reconcile_pages(&lock, &mut pages, world)?;
        let pending = Self::add_pending(&mut pages, world, request)?;
        self.commit(&lock, &mut pages, &[])?;
        Ok(pending)
    }

    /// Adds a `linking` link for `request` to the pages, after the checks.
    fn add_pending(
        pages: &mut Pages,
        world: &World,
        request: &LinkRequest,
    ) -> Result<Pending, LinkError> {
        let work_account = Self::check_request(pages, world, request)?;
        let mut link = WorkLink {
            id: LinkId::random(),
            work: request.work.clone(),
            work_account,
            work_account_key: request.work_account_key.clone(),
            state: LinkState::Unlinked,
            since: world.now,
            reason: None,
            provider_says_sign_in_again: false,
        };
        engine::apply(&mut link, &LinkEvent::Begin, None, world.now)
            .map_err(|_| LinkError::AlreadyLinked(request.work.clone()))?;
        link.reason = Some(Said::new("link.reason.waiting_for_sign_in"));
        let pending = Pending {
            id: link.id.clone(),
            work: link.work.clone(),
            personal_profile: request.personal_profile.clone(),
        };
        pages.work.links.push(link);
        Ok(pending)
    }

    /// Finishes a pending link with the proven personal account.
    pub fn confirm(
        &self,
        world: &World,
        pending: &Pending,
        personal_account: PersonalAccount,
    ) -> Result<Link, LinkError> {
        let lock = self.lock()?;
        let mut pages = self.open(&lock)?;
        self.reconcile_pages(&lock, &mut pages, world)?;
        let history = Self::confirm_pending(&mut pages, world, pending, personal_account)?;
        self.commit(&lock, &mut pages, &history)?;
        Self::status_of(&pages, world)
            .links
            .into_iter()
            .find(|l| l.id == pending.id)
            .ok_or_else(|| LinkError::NoLongerPending(pending.work.clone()))
    }

    /// Moves the pending link in the pages to `linked`, with its personal half.
    fn confirm_pending(
        pages: &mut Pages,
        world: &World,
        pending: &Pending,
        personal_account: PersonalAccount,
    ) -> Result<Vec<HistoryEntry>, LinkError> {
        let Some(personal) = pages.personal.as_mut() else {
            return Err(LinkError::Restricted);
        };
        let Some(position) = pages
            .work
            .links
            .iter()
            .position(|l| l.id == pending.id && l.state == LinkState::Linking)
        else {
            return Err(LinkError::NoLongerPending(pending.work.clone()));
        };
        personal.links.insert(
            pending.id.clone(),
            PersonalSide {
                personal_account,
                personal_profile: pending.personal_profile.clone(),
                work: Some(pending.work.clone()),
            },
        );
        let entry = engine::apply(
            &mut pages.work.links[position],
            &LinkEvent::Confirmed,
            Some(Said::new("link.reason.linked_at_request")),
            world.now,
        )
        .map_err(|_| LinkError::NoLongerPending(pending.work.clone()))?;
        Ok(entry.into_iter().collect())
    }

    /// Drops a pending link whose sign-in failed or was cancelled.
    pub fn abandon(&self, pending: &Pending) -> Result<(), LinkError> {
        let lock = self.lock()?;
        let mut pages = self.open(&lock)?;
        let before = pages.work.links.len();
        pages
            .work
            .links
            .retain(|l| !(l.id == pending.id && l.state == LinkState::Linking));
        if pages.work.links.len() != before {
            self.commit(&lock, &mut pages, &[])?;
        }
        Ok(())
    }

    /// Links in one step, when the personal account is already proven: the
    /// check, the pending link and its confirmation happen under one lock,
    /// so no other process ever sees (or unlinks) it half made.
    pub fn link(
        &self,
        world: &World,
        request: &LinkRequest,
        personal_account: PersonalAccount,
    ) -> Result<Link, LinkError> {
        let lock = self.lock()?;
        let mut pages = self.open(&lock)?;
        self.reconcile_pages(&lock, &mut pages, world)?;
        let pending = Self::add_pending(&mut pages, world, request)?;
        let history = Self::confirm_pending(&mut pages, world, &pending, personal_account)?;
        self.commit(&lock, &mut pages, &history)?;
        Self::status_of(&pages, world)
            .links
            .into_iter()
            .find(|l| l.id == pending.id)
            .ok_or_else(|| LinkError::NoLongerPending(pending.work.clone()))
    }

    /// Removes a link at the user's request. Always allowed, whatever the
    /// link's state and whatever policy says. The state machine decides
    /// what the history records: a link still waiting for its sign-in was
    /// never linked, so removing it records nothing.
    pub fn unlink(
        &self,
        world: &World,
        work: Option<&ProfileRef>,
        why: UnlinkReason,
    ) -> Result<Unlinked, LinkError> {
        let lock = self.lock()?;
        let mut pages = self.open(&lock)?;
        self.reconcile_pages(&lock, &mut pages, world)?;
        let position = match work {
            Some(work) => pages
                .work
                .links
                .iter()
                .position(|l| &l.work == work)
                .ok_or_else(|| LinkError::NotLinked(work.clone()))?,
            None => match pages.work.links.len() {
                0 => return Err(LinkError::NothingLinked),
                1 => 0,
                _ => {
                    let names: Vec<String> = pages
                        .work
                        .links
                        .iter()
                        .map(|l| l.work.to_string())
                        .collect();
                    return Err(LinkError::WhichLink(names.join(", ")));
                }
            },
        };
        let mut link = pages.work.links.remove(position);
        let was = link.state;
        let reason = Said::new(match why {
            UnlinkReason::AtRequest => "link.reason.unlinked_at_request",
            UnlinkReason::BeforeLeaving => "link.reason.unlinked_before_leaving",
        });
        let entry = engine::apply(
            &mut link,
            &LinkEvent::UnlinkedByUser,
            Some(reason),
            world.now,
        )
        // Every stored state takes an unlink; were one added that did not,
        // the link is still removed, as the user asked, and nothing recorded.
        .unwrap_or_else(|error| {
            tracing::error!(%error, "unlink refused by the state machine");
            None
        });
        self.commit(&lock, &mut pages, entry.as_slice())?;
        Ok(Unlinked {
            work: link.work,
            was,
            entry,
        })
    }

    /// The bytes of damaged copies of the personal file, kept aside.
    pub fn damaged_personal_copies(&self) -> Vec<Vec<u8>> {
        self.personal.damaged_copies()
    }

    /// Every history entry, oldest first.
    pub fn history(&self) -> Result<Vec<HistoryEntry>, LinkError> {
        let lock = self.lock()?;
        Ok(self.open(&lock)?.work.history)
    }

    /// The work accounts (vault keys) the links rely on, to check with the
    /// identity provider.
    pub fn work_account_keys(&self) -> Result<Vec<AccountKey>, LinkError> {
        let lock = self.lock()?;
        let mut keys: Vec<AccountKey> = self
            .work
            .load(&lock)?
            .value
            .links
            .into_iter()
            .filter_map(|link| link.work_account_key)
            .collect();
        keys.sort();
        keys.dedup();
        Ok(keys)
    }

    /// Pauses (or resumes) all processing of personal data.
    pub fn set_restricted(&self, restricted: bool, now: Timestamp) -> Result<(), LinkError> {
        let lock = self.lock()?;
        self.restriction.save(
            &lock,
            &Restriction {
                restricted,
                since: restricted.then_some(now),
            },
        )?;
        Ok(())
    }

    pub fn is_restricted(&self) -> Result<bool, LinkError> {
        let lock = self.lock()?;
        Ok(self.restriction.load(&lock)?.value.restricted)
    }

    /// Everything Tandem holds about the personal side of links (read even
    /// while restricted: exporting is the user's right).
    pub fn personal_export(&self) -> Result<Vec<serde_json::Value>, LinkError> {
        let lock = self.lock()?;
        let work = self.work.load(&lock)?.value;
        let personal = self.personal.load(&lock)?.value;
        Ok(personal
            .links
            .iter()
            .map(|(id, side)| {
                let work = work.links.iter().find(|l| &l.id == id);
                serde_json::json!({
                    "link": id,
                    "work": work.map(|l| l.work.to_string()),
                    "state": work.map(|l| l.state),
                    "since": work.map(|l| l.since),
                    "personal_account": side.personal_account,
                    "personal_profile": side.personal_profile.as_ref().map(ToString::to_string),
                })
            })
            .collect())
    }

    /// Deletes the personal half of every link, and the links that need it.
    /// Returns the history entries it recorded.
    pub fn delete_personal(&self, now: Timestamp) -> Result<Vec<HistoryEntry>, LinkError> {
        let lock = self.lock()?;
        let mut work = self.work.load(&lock)?.value;
        let mut history = Vec::new();
        for mut link in std::mem::take(&mut work.links) {
            if let Ok(entry) = engine::apply(
                &mut link,
                &LinkEvent::PersonalDataDeleted,
                Some(Said::new("link.reason.personal_data_deleted")),
                now,
            ) {
                history.extend(entry);
            }
        }
        // Work side first: no link may point at a personal half that is gone.
        work.history.extend_from_slice(&history);
        work.lost = false;
        self.work.save(&lock, &work)?;
        self.personal.delete(&lock)?;
        Ok(history)
    }
}

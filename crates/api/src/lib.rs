//! The one layer that does each user action, for every front end: the
//! `tandem` CLI, the app's commands, its tray and (later) the link handler
//! only translate arguments in and results or an [`Error`] out.
//!
//! - [`Tandem`] is the handle for every action that reads or changes links.
//!   Opening it reads the profiles, the policy and the link book, and
//!   reconciles them, so "every action reconciles first" is a property of
//!   the type: no link action exists without a handle.
//! - [`accounts`], [`setup`] and [`profiles`] hold the actions that touch no
//!   link: signing in and out, uninstalling, autostart, listing profiles.
//! - [`watch::LinkWatcher`] keeps a long-running front end (the app) in step
//!   with the machine, and tells it what changed.
//!
//! Long-running steps (a sign-in) take a [`Cancel`] and report [`Progress`],
//! so a front end shows them as it likes without owning the flow.
//!
//! [`routing::LinkRouter`] is the link-routing fast path, a type of its own
//! beside [`Tandem`]: it reads the rules, the stored links and the policy,
//! and decides where a link opens without a reconcile, because it changes
//! no link.

pub mod accounts;
pub mod desktop;
pub mod error;
pub mod onboarding;
pub mod policy;
pub mod profiles;
pub mod routing;
pub mod settings;
pub mod setup;
pub mod tray;
pub mod watch;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::Serialize;
use tandem_linking::privacy::Existing;
use tandem_linking::toggle::ToggleView;
use tandem_linking::{
    HistoryEntry, Link, LinkBook, LinkRequest, Observation, PersonalAccount, PersonalProof,
    ProfileRef, Reconciliation, Status, UnlinkReason, Unlinked,
};
use tandem_locations::Locations;
use tandem_policy::PolicySet;
use tandem_profiles::{Snapshot, UnreadableSource};

pub use error::{Error, ErrorReply, OwnedReply};
pub use tandem_i18n::{Language, Part, Said};

/// Lets a front end stop a long-running step (a sign-in) from elsewhere.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    pub(crate) fn flag(&self) -> &Arc<AtomicBool> {
        &self.0
    }
}

/// Where a long-running step is, for a front end to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Progress {
    /// The system browser is being opened on the sign-in page.
    OpeningBrowser,
    /// Waiting for the person to finish signing in, at most this long.
    WaitingForSignIn { timeout_seconds: u64 },
    /// Sign in on another device: open `uri` there and enter `code`.
    EnterCode { uri: String, code: String },
    /// The sign-in is done; its tokens are going to the keyring.
    Finishing,
}

/// How the personal account of a new link is proven.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// A browser profile signed in to it.
    Profile(ProfileRef),
    /// A sign-in now, in the system browser; personal links open in
    /// `personal_profile` if one is given.
    SignIn {
        personal_profile: Option<ProfileRef>,
        timeout: Duration,
    },
    /// The one personal account Tandem signed in to before.
    EarlierSignIn,
    /// This personal account Tandem signed in to (the wizard's sign-in).
    SignedIn(tandem_microsoft::AccountKey),
}

/// The machine as Tandem sees it now.
fn observe(locations: &Locations) -> Observation {
    Observation {
        profiles: tandem_profiles::discover(locations.user_roots()),
        policy: PolicySet::read(locations),
        sign_ins: BTreeMap::new(),
    }
}

/// The handle for every action that reads or changes links. It exists only
/// reconciled: opening it brings the links in line with the machine.
#[derive(Debug)]
pub struct Tandem {
    locations: Locations,
    observation: Observation,
    book: LinkBook,
    reconciled: Reconciliation,
}

impl Tandem {
    /// Reads the profiles and the policy, then opens the link book and
    /// reconciles it with them.
    pub fn open(locations: &Locations) -> Result<Self, Error> {
        Self::open_with(locations, observe(locations))
    }

    /// Like [`Tandem::open`], with what a long-running front end already
    /// observes (the app keeps its reading live).
    pub fn open_with(locations: &Locations, observation: Observation) -> Result<Self, Error> {
        let book = LinkBook::new(locations);
        let reconciled = book.reconcile(&observation.world())?;
        Ok(Self {
            locations: locations.clone(),
            observation,
            book,
            reconciled,
        })
    }

    fn reconcile(&mut self) -> Result<(), Error> {
        self.reconciled = self.book.reconcile(&self.observation.world())?;
        Ok(())
    }

    /// The links, their state, what policy allows, and notices.
    pub fn status(&self) -> &Status {
        &self.reconciled.status
    }

    /// What the last reconciliation changed (links removed, and why).
    pub fn reconciliation(&self) -> &Reconciliation {
        &self.reconciled
    }

    pub fn profiles(&self) -> &Snapshot {
        &self.observation.profiles
    }

    pub fn observation(&self) -> &Observation {
        &self.observation
    }

    pub fn locations(&self) -> &Locations {
        &self.locations
    }

    /// Everything the person should hear once: the link book's notices
    /// (recovered files, links removed) and browser files Tandem could not
    /// read.
    pub fn notices(&self) -> Vec<Said> {
        let mut notices = self.reconciled.status.notices.clone();
        notices.extend(
            self.observation
                .profiles
                .unreadable
                .iter()
                .map(UnreadableSource::notice),
        );
        notices
    }

    /// What the admin's policy says, with where each value came from.
    pub fn policy(&self) -> policy::PolicyReport {
        policy::PolicyReport::of(&self.observation.policy, &self.reconciled.status)
    }

    /// What happened to links, and why, oldest first.
    pub fn history(&self) -> Result<Vec<HistoryEntry>, Error> {
        Ok(self.book.history()?)
    }

    /// Asks the identity provider whether the linked work accounts still
    /// exist, and reconciles with the answers.
    pub fn check_accounts(&mut self) -> Result<(), Error> {
        self.observation.sign_ins =
            tandem_linking::accounts::check_linked_work_accounts(&self.locations)?;
        self.reconcile()
    }

    /// What the tray's "Account linking" switch shows and acts on.
    pub fn toggle_view(&self) -> ToggleView {
        tandem_linking::toggle::toggle_view(
            &self.reconciled.status,
            &self.observation.profiles,
            &self.observation.policy,
        )
    }

    /// The request for linking `work`, with the work account Tandem signed
    /// in to, if any: the provider can then tell, later, that it is gone.
    fn request(&self, work: &ProfileRef, personal_profile: Option<ProfileRef>) -> LinkRequest {
        let email = self
            .observation
            .profiles
            .profiles
            .iter()
            .find(|profile| work.names(profile))
            .and_then(|profile| profile.account.email.clone());
        let work_account_key = email.and_then(|email| {
            tandem_identity::Vault::new(&self.locations)
                .accounts()
                .ok()?
                .into_iter()
                .find(|account| {
                    account.kind == tandem_identity::MicrosoftAccountKind::Work
                        && account.matches(&email)
                })
                .map(|account| account.key())
        });
        LinkRequest {
            work: work.clone(),
            personal_profile,
            work_account_key,
        }
    }

    /// Links the personal account `proof` proves to the work profile `work`.
    /// A sign-in reports its steps to `progress` and stops on `cancel`.
    pub fn link(
        &mut self,
        work: &ProfileRef,
        proof: Proof,
        progress: &dyn Fn(Progress),
        cancel: &Cancel,
    ) -> Result<Link, Error> {
        let world = self.observation.world();
        let personal_profile = match &proof {
            Proof::Profile(profile) => Some(profile.clone()),
            Proof::SignIn {
                personal_profile, ..
            } => personal_profile.clone(),
            Proof::EarlierSignIn | Proof::SignedIn(_) => None,
        };
        let request = self.request(work, personal_profile);
        // Refuse before asking anything of the person, or of the vault.
        self.book.check(&world, &request)?;
        let link = match proof {
            Proof::Profile(personal_profile) => {
                let personal = LinkBook::personal_account_of(&world, &personal_profile)?;
                self.book.link(&world, &request, personal)?
            }
            Proof::SignedIn(key) => {
                let account = tandem_identity::Vault::new(&self.locations).find(key.as_str())?;
                if account.kind != tandem_identity::MicrosoftAccountKind::Personal {
                    return Err(Error::wrong_account_kind(
                        tandem_identity::MicrosoftAccountKind::Personal,
                        account.kind,
                    ));
                }
                self.book.link(
                    &world,
                    &request,
                    PersonalAccount {
                        account_key: Some(account.key()),
                        email: account.username.clone(),
                        name: account.name.clone(),
                        proof: PersonalProof::SignIn,
                    },
                )?
            }
            Proof::EarlierSignIn => {
                let personal: Vec<_> = tandem_identity::Vault::new(&self.locations)
                    .accounts()?
                    .into_iter()
                    .filter(|account| {
                        account.kind == tandem_identity::MicrosoftAccountKind::Personal
                    })
                    .collect();
                let [account] = personal.as_slice() else {
                    return Err(Error::WhichPersonalAccount {
                        count: personal.len(),
                    });
                };
                self.book.link(
                    &world,
                    &request,
                    PersonalAccount {
                        account_key: Some(account.key()),
                        email: account.username.clone(),
                        name: account.name.clone(),
                        proof: PersonalProof::SignIn,
                    },
                )?
            }
            Proof::SignIn { timeout, .. } => {
                let pending = self.book.begin(&world, &request)?;
                progress(Progress::OpeningBrowser);
                let signed_in =
                    accounts::sign_in_personal(&self.locations, timeout, cancel, &|_| {
                        progress(Progress::WaitingForSignIn {
                            timeout_seconds: timeout.as_secs(),
                        })
                    });
                match signed_in {
                    Ok(personal) => {
                        progress(Progress::Finishing);
                        // The sign-in took a while: confirm against the
                        // machine as it is now, so a policy that changed
                        // meanwhile still wins.
                        self.observation.profiles =
                            tandem_profiles::discover(self.locations.user_roots());
                        self.observation.policy = PolicySet::read(&self.locations);
                        self.book
                            .confirm(&self.observation.world(), &pending, personal)?
                    }
                    Err(error) => {
                        self.book.abandon(&pending)?;
                        return Err(error);
                    }
                }
            }
        };
        self.reconcile()?;
        Ok(link)
    }

    /// Removes a link at the person's request: always allowed, whatever its
    /// state and whatever policy says. `work` may be left out when only one
    /// profile is linked.
    pub fn unlink(
        &mut self,
        work: Option<&ProfileRef>,
        why: UnlinkReason,
    ) -> Result<Unlinked, Error> {
        let unlinked = self.book.unlink(&self.observation.world(), work, why)?;
        self.reconcile()?;
        Ok(unlinked)
    }

    /// Writes everything Tandem holds about the personal account to `file`
    /// (never a token). An existing file is replaced only when `existing`
    /// says so, and only a regular one.
    pub fn export_personal_data(&self, file: &Path, existing: Existing) -> Result<(), Error> {
        Ok(tandem_linking::privacy::export(
            &self.locations,
            file,
            existing,
        )?)
    }

    /// Exports to the downloads folder (or home), under a name no file has
    /// yet, and says where.
    pub fn export_personal_data_to_downloads(&self) -> Result<PathBuf, Error> {
        let file = tandem_files::export::free_name(
            self.locations.export_dir(),
            &format!(
                "tandem-personal-data-{}",
                jiff::Timestamp::now().strftime("%Y-%m-%d-%H%M%S")
            ),
            "json",
        );
        self.export_personal_data(&file, Existing::Keep)?;
        Ok(file)
    }

    /// Pauses (or resumes) all processing of personal data.
    pub fn restrict(&mut self, restricted: bool) -> Result<(), Error> {
        self.book
            .set_restricted(restricted, jiff::Timestamp::now())?;
        self.reconcile()
    }

    /// Deletes the personal sign-ins, the personal half of every link and
    /// the links that need it, and lines naming the person in the logs.
    pub fn delete_personal_data(&mut self) -> Result<tandem_linking::privacy::Deleted, Error> {
        let deleted = tandem_linking::privacy::delete(&self.locations)?;
        // The routing index names the domains of signed-in accounts, and a
        // rule remembers a hash of the account its profile held.
        routing::forget_profile_index(&self.locations);
        if let Err(error) = tandem_routing::SettingsFile::new(self.locations.config_dir())
            .forget_accounts_of("personal")
        {
            tracing::warn!(%error, "the rules' record of personal accounts was kept");
        }
        self.reconcile()?;
        Ok(deleted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancel_is_seen_by_every_clone() {
        let cancel = Cancel::new();
        let seen = cancel.clone();
        assert!(!seen.is_cancelled());
        cancel.cancel();
        assert!(seen.is_cancelled());
        assert!(seen.flag().load(Ordering::SeqCst));
    }
}

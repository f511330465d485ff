//! Reconciliation: given the links Tandem holds and what it observes (the
//! browser profiles, the admin's policy, the work accounts' sign-in results),
//! decide each link's next state and what the history records. Pure: no
//! files, no clock, no network; the caller passes everything in.
//!
//! The rule of thumb: a link is removed only on clear evidence (policy says
//! no, the work profile is deleted or holds another account, the identity
//! provider says the account is gone). Mere loss of access, or a profile
//! Tandem cannot read, keeps the link.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tandem_policy::{Decision, PolicySet, Publisher, Said};
use tandem_profiles::{AccountKind, BrowserId, Evidence, Snapshot};

use crate::machine::{ForbiddenTransition, LinkEvent, transition};
use crate::model::{
    AccountKey, HistoryEntry, LinkId, LinkState, ProfileRef, WorkAccount, spoken_profile,
};
use jiff::Timestamp;

/// How long a link may wait in `linking` for its sign-in before it is
/// abandoned (a process that died mid-sign-in leaves one behind).
pub const LINKING_TIMEOUT: jiff::SignedDuration = jiff::SignedDuration::from_mins(15);

/// The work side of a link: what Tandem stores about the work profile. It
/// never holds anything about the personal account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkLink {
    pub id: LinkId,
    pub work: ProfileRef,
    pub work_account: WorkAccount,
    /// The work account Tandem signed in to (`<oid>.<tid>` in the vault), if
    /// any: its refresh results can say the account is gone.
    #[serde(default)]
    pub work_account_key: Option<AccountKey>,
    pub state: LinkState,
    #[serde(with = "jiff::fmt::serde::timestamp::second::required")]
    pub since: Timestamp,
    #[serde(default)]
    pub reason: Option<Said>,
    /// Whether the identity provider (not the browser) said the work account
    /// must sign in again: only the provider saying it is usable restores
    /// such a link, so a run without an answer does not flip it back.
    #[serde(default)]
    pub provider_says_sign_in_again: bool,
}

/// What the identity provider last said about a link's work account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkSignIn {
    Usable,
    /// The grant expired or was revoked: sign in again.
    SignInAgain {
        detail: String,
    },
    /// The account was deleted or disabled.
    Gone {
        detail: String,
    },
}

/// What reconciliation looks at, owned: for callers that keep it between
/// readings (the app) and lend it out as a [`World`].
#[derive(Debug, Clone, Default)]
pub struct Observation {
    pub profiles: Snapshot,
    pub policy: PolicySet,
    pub sign_ins: BTreeMap<AccountKey, WorkSignIn>,
}

impl Observation {
    /// The observation as a [`World`] at the current time.
    pub fn world(&self) -> World<'_> {
        World {
            profiles: &self.profiles,
            policy: &self.policy,
            sign_ins: &self.sign_ins,
            now: Timestamp::now(),
        }
    }
}

/// Everything reconciliation looks at.
#[derive(Debug, Clone, Copy)]
pub struct World<'a> {
    pub profiles: &'a Snapshot,
    pub policy: &'a PolicySet,
    /// By work account key.
    pub sign_ins: &'a BTreeMap<AccountKey, WorkSignIn>,
    pub now: Timestamp,
}

/// A link that reconciliation removed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    pub link: WorkLink,
    pub entry: Option<HistoryEntry>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconciled {
    pub links: Vec<WorkLink>,
    pub history: Vec<HistoryEntry>,
    pub removed: Vec<Removal>,
}

impl Reconciled {
    pub fn changed(&self) -> bool {
        !self.history.is_empty() || !self.removed.is_empty()
    }
}

/// Which publisher's policy governs a browser's profiles.
pub fn publisher_of(browser: BrowserId) -> Option<Publisher> {
    match browser {
        BrowserId::Edge | BrowserId::EdgeBeta | BrowserId::EdgeDev | BrowserId::EdgeCanary => {
            Some(Publisher::Edge)
        }
        BrowserId::Chrome
        | BrowserId::ChromeBeta
        | BrowserId::ChromeDev
        | BrowserId::ChromeCanary => Some(Publisher::Chrome),
        BrowserId::Chromium => Some(Publisher::Chromium),
        BrowserId::Brave | BrowserId::Vivaldi | BrowserId::Opera | BrowserId::Firefox => None,
    }
}

/// Whether a link of `browser`'s profile is allowed: Tandem's global switch
/// first, then the browser's own policy.
pub fn linking_decision(policy: &PolicySet, browser: BrowserId) -> Decision {
    let global = policy.linking(Publisher::Tandem);
    if !global.allowed() {
        return global;
    }
    match publisher_of(browser) {
        Some(publisher) => policy.linking(publisher),
        None => global,
    }
}

/// Applies one event to a link, returning the history entry it records.
pub fn apply(
    link: &mut WorkLink,
    event: &LinkEvent,
    reason: Option<Said>,
    now: Timestamp,
) -> Result<Option<HistoryEntry>, ForbiddenTransition> {
    let step = transition(link.state, event)?;
    link.state = step.to;
    link.since = now;
    link.reason = match step.to {
        LinkState::Linked => None,
        _ => reason.clone(),
    };
    Ok(step.records.map(|kind| HistoryEntry {
        time: now,
        event: kind,
        work: link.work.clone(),
        reason: reason.unwrap_or_else(|| Said::new("link.reason.at_request")),
    }))
}

/// Decides what the world says should happen to one link, if anything.
fn observe(link: &WorkLink, world: &World) -> Option<(LinkEvent, Said)> {
    if let Decision::Forbidden { reason, .. } = linking_decision(world.policy, link.work.browser) {
        return Some((LinkEvent::PolicyForbids, reason));
    }
    // The same folder name can exist in two installs of one browser (native
    // and flatpak, say); the one holding the work account is the link's.
    let candidates: Vec<_> = world
        .profiles
        .profiles
        .iter()
        .filter(|p| link.work.names(p))
        .collect();
    let holding = candidates
        .iter()
        .find(|p| p.account.kind == AccountKind::Work && link.work_account.is_same_as(&p.account));
    let profile = match (holding, candidates.as_slice()) {
        (Some(profile), _) => *profile,
        // The browser's profile list could not be read: a profile missing
        // from it may well exist. A file Tandem cannot understand is
        // evidence of nothing.
        (None, []) if world.profiles.may_hide_profiles_of(link.work.browser) => return None,
        (None, []) => {
            return Some((
                LinkEvent::WorkAccountGone,
                Said::new("link.reason.work_profile_deleted")
                    .with("profile", spoken_profile(&link.work, None)),
            ));
        }
        (None, [only]) => *only,
        // Several, none with the account: Tandem cannot tell which is the link's.
        (None, _) => return None,
    };
    if profile.account.evidence == Evidence::Unreadable {
        return None;
    }
    let sign_in = link
        .work_account_key
        .as_ref()
        .and_then(|key| world.sign_ins.get(key));
    if let Some(WorkSignIn::Gone { detail }) = sign_in {
        return Some((
            LinkEvent::WorkAccountGone,
            Said::new("link.reason.work_account_deleted").with("detail", detail),
        ));
    }
    let account = &profile.account;
    let lost = |reason: Said| match link.state {
        LinkState::Linked => Some((LinkEvent::WorkAccessLost, reason)),
        _ => None,
    };
    match account.kind {
        AccountKind::Work if link.work_account.is_same_as(account) => {}
        AccountKind::Work | AccountKind::Personal | AccountKind::Google => {
            return Some((
                LinkEvent::WorkAccountGone,
                Said::new("link.reason.other_account")
                    .with("profile", spoken_profile(&link.work, Some(&profile.name))),
            ));
        }
        AccountKind::None => {
            return lost(
                Said::new("link.reason.signed_out")
                    .with("profile", spoken_profile(&link.work, Some(&profile.name))),
            );
        }
        // Tandem cannot tell who this is, so it does not act on it.
        AccountKind::Unknown => {
            return lost(
                Said::new("link.reason.unknown_account")
                    .with("profile", spoken_profile(&link.work, Some(&profile.name))),
            );
        }
    }
    if let Some(WorkSignIn::SignInAgain { detail }) = sign_in {
        return lost(Said::new("link.reason.sign_in_again").with("detail", detail));
    }
    let provider_agrees =
        !link.provider_says_sign_in_again || matches!(sign_in, Some(WorkSignIn::Usable));
    match link.state {
        LinkState::WorkAccountUnavailable if provider_agrees => Some((
            LinkEvent::WorkAccessRestored,
            Said::new("link.reason.available_again"),
        )),
        LinkState::Linking if world.now.duration_since(link.since) > LINKING_TIMEOUT => Some((
            LinkEvent::Abandoned,
            Said::new("link.reason.sign_in_unfinished"),
        )),
        _ => None,
    }
}

/// Moves every link to where the world says it should be.
pub fn reconcile(links: &[WorkLink], world: &World) -> Reconciled {
    let mut out = Reconciled::default();
    for link in links {
        let mut link = link.clone();
        let Some((event, reason)) = observe(&link, world) else {
            out.links.push(link);
            continue;
        };
        let from_provider = event == LinkEvent::WorkAccessLost
            && link
                .work_account_key
                .as_ref()
                .and_then(|key| world.sign_ins.get(key))
                .is_some_and(|answer| matches!(answer, WorkSignIn::SignInAgain { .. }));
        match apply(&mut link, &event, Some(reason), world.now) {
            Ok(entry) => {
                if event == LinkEvent::WorkAccessLost {
                    link.provider_says_sign_in_again = from_provider;
                } else if event == LinkEvent::WorkAccessRestored {
                    link.provider_says_sign_in_again = false;
                }
                out.history.extend(entry.clone());
                if link.state == LinkState::Unlinked {
                    out.removed.push(Removal { link, entry });
                } else {
                    out.links.push(link);
                }
            }
            Err(error) => {
                // `observe` only proposes moves the state allows; keep the link.
                tracing::error!(%error, "reconciliation proposed a forbidden move");
                out.links.push(link);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::HistoryEvent;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(seconds).unwrap()
    }
    use tandem_profiles::{Account, Evidence, Profile};

    const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    fn profile(dir: &str, kind: AccountKind, email: Option<&str>) -> Profile {
        Profile {
            browser: BrowserId::Edge,
            profile_dir: dir.into(),
            name: dir.into(),
            account: Account {
                kind,
                email: email.map(str::to_owned),
                display_name: None,
                tenant_id: (kind == AccountKind::Work).then(|| TENANT.to_owned()),
                evidence: Evidence::TenantId,
            },
            user_data_dir: "/home/user/.config/microsoft-edge".into(),
            last_active: None,
            is_default: false,
            in_last_session: false,
            unreadable: None,
        }
    }

    fn work_profile() -> Profile {
        profile("Default", AccountKind::Work, Some("ada@contoso.com"))
    }

    fn link(state: LinkState) -> WorkLink {
        WorkLink {
            id: "l1".into(),
            work: ProfileRef::new(BrowserId::Edge, "Default"),
            work_account: WorkAccount {
                tenant_id: Some(TENANT.into()),
                email: Some("ada@contoso.com".into()),
            },
            work_account_key: Some(AccountKey::from_stored("oid.tid")),
            state,
            since: at(100),
            reason: None,
            provider_says_sign_in_again: false,
        }
    }

    fn policy(tandem: Option<&str>, edge: Option<&str>) -> PolicySet {
        let root = tempfile::tempdir().unwrap();
        let locations = tandem_locations::Locations::under(root.path());
        for (folder, text) in [
            ("/etc/tandem/policies/managed", tandem),
            ("/etc/opt/edge/policies/managed", edge),
        ] {
            if let Some(text) = text {
                let dir = locations.system_path(folder).unwrap();
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(dir.join("p.json"), text).unwrap();
            }
        }
        PolicySet::read(&locations)
    }

    fn run(links: &[WorkLink], profiles: Vec<Profile>, policy: &PolicySet) -> Reconciled {
        run_with(links, profiles, policy, &BTreeMap::new(), 200)
    }

    fn run_with(
        links: &[WorkLink],
        profiles: Vec<Profile>,
        policy: &PolicySet,
        sign_ins: &BTreeMap<AccountKey, WorkSignIn>,
        now: i64,
    ) -> Reconciled {
        let snapshot = Snapshot::new(profiles);
        reconcile(
            links,
            &World {
                profiles: &snapshot,
                policy,
                sign_ins,
                now: at(now),
            },
        )
    }

    #[test]
    fn a_healthy_link_is_left_alone() {
        let out = run(
            &[link(LinkState::Linked)],
            vec![work_profile()],
            &policy(None, None),
        );
        assert!(!out.changed());
        assert_eq!(out.links, vec![link(LinkState::Linked)]);
    }

    #[test]
    fn policy_off_unlinks_with_the_reason_and_the_global_switch_wins() {
        for (tandem, edge, names) in [
            (Some(r#"{"LinkingEnabled": false}"#), None, "LinkingEnabled"),
            (
                None,
                Some(r#"{"LinkedAccountEnabled": false}"#),
                "LinkedAccountEnabled",
            ),
            (Some("{broken"), None, "until it is fixed"),
        ] {
            let out = run(
                &[
                    link(LinkState::Linked),
                    link(LinkState::WorkAccountUnavailable),
                ],
                vec![work_profile()],
                &policy(tandem, edge),
            );
            assert!(out.links.is_empty());
            assert_eq!(out.removed.len(), 2);
            for entry in &out.history {
                assert_eq!(entry.event, HistoryEvent::UnlinkedByPolicy);
                assert!(entry.reason.to_string().contains(names), "{}", entry.reason);
                assert_eq!(entry.time, at(200));
            }
        }
    }

    #[test]
    fn edge_policy_does_not_touch_chrome_links() {
        let mut chrome = link(LinkState::Linked);
        chrome.work.browser = BrowserId::Chrome;
        let mut chrome_profile = work_profile();
        chrome_profile.browser = BrowserId::Chrome;
        let out = run(
            &[chrome.clone()],
            vec![chrome_profile],
            &policy(None, Some(r#"{"LinkedAccountEnabled": false}"#)),
        );
        assert_eq!(out.links, vec![chrome]);
    }

    #[test]
    fn the_work_account_gone_unlinks() {
        let cases: Vec<(Vec<Profile>, &str)> = vec![
            (vec![], "was deleted"),
            (
                vec![profile(
                    "Default",
                    AccountKind::Work,
                    Some("eve@fabrikam.com"),
                )],
                "another account",
            ),
            (
                vec![profile(
                    "Default",
                    AccountKind::Personal,
                    Some("ada@outlook.com"),
                )],
                "another account",
            ),
        ];
        for (profiles, says) in cases {
            let out = run(&[link(LinkState::Linked)], profiles, &policy(None, None));
            assert!(out.links.is_empty());
            assert_eq!(out.history[0].event, HistoryEvent::AccountGone);
            assert!(
                out.history[0].reason.to_string().contains(says),
                "{}",
                out.history[0].reason
            );
        }
        let gone = BTreeMap::from([(
            AccountKey::from_stored("oid.tid"),
            WorkSignIn::Gone {
                detail: "AADSTS50057".into(),
            },
        )]);
        let out = run_with(
            &[link(LinkState::Linked)],
            vec![work_profile()],
            &policy(None, None),
            &gone,
            200,
        );
        assert_eq!(out.history[0].event, HistoryEvent::AccountGone);
        assert!(out.history[0].reason.to_string().contains("AADSTS50057"));
    }

    #[test]
    fn losing_access_keeps_the_link_and_regaining_it_restores() {
        let signed_out = run(
            &[link(LinkState::Linked)],
            vec![profile("Default", AccountKind::None, None)],
            &policy(None, None),
        );
        assert_eq!(signed_out.links[0].state, LinkState::WorkAccountUnavailable);
        assert!(
            signed_out.links[0]
                .reason
                .as_ref()
                .unwrap()
                .to_string()
                .contains("signed out")
        );
        assert_eq!(
            signed_out.history[0].event,
            HistoryEvent::WorkAccountUnavailable
        );

        let expired = BTreeMap::from([(
            AccountKey::from_stored("oid.tid"),
            WorkSignIn::SignInAgain {
                detail: "AADSTS700082".into(),
            },
        )]);
        let out = run_with(
            &[link(LinkState::Linked)],
            vec![work_profile()],
            &policy(None, None),
            &expired,
            200,
        );
        assert_eq!(out.links[0].state, LinkState::WorkAccountUnavailable);
        // A run with no answer from the provider (the CLI, offline) must not
        // restore it; only the provider saying it is usable does.
        let no_answer = run(&out.links, vec![work_profile()], &policy(None, None));
        assert!(!no_answer.changed());
        let usable = BTreeMap::from([(AccountKey::from_stored("oid.tid"), WorkSignIn::Usable)]);
        let back = run_with(
            &out.links,
            vec![work_profile()],
            &policy(None, None),
            &usable,
            300,
        );
        assert_eq!(back.links[0].state, LinkState::Linked);
        assert!(!back.links[0].provider_says_sign_in_again);

        // Still signed out: nothing new is recorded.
        let again = run(
            &signed_out.links,
            vec![profile("Default", AccountKind::None, None)],
            &policy(None, None),
        );
        assert!(!again.changed());

        let back = run(&signed_out.links, vec![work_profile()], &policy(None, None));
        assert_eq!(back.links[0].state, LinkState::Linked);
        assert_eq!(back.links[0].reason, None);
        assert_eq!(back.history[0].event, HistoryEvent::Restored);
    }

    #[test]
    fn an_unknown_account_is_never_taken_for_another_one() {
        let out = run(
            &[link(LinkState::Linked)],
            vec![profile("Default", AccountKind::Unknown, None)],
            &policy(None, None),
        );
        assert_eq!(out.links.len(), 1);
        assert_eq!(out.links[0].state, LinkState::WorkAccountUnavailable);
    }

    #[test]
    fn a_stale_linking_is_abandoned_silently() {
        let fresh = run_with(
            &[link(LinkState::Linking)],
            vec![work_profile()],
            &policy(None, None),
            &BTreeMap::new(),
            100 + LINKING_TIMEOUT.as_secs(),
        );
        assert_eq!(fresh.links.len(), 1);
        let stale = run_with(
            &[link(LinkState::Linking)],
            vec![work_profile()],
            &policy(None, None),
            &BTreeMap::new(),
            101 + LINKING_TIMEOUT.as_secs(),
        );
        assert!(stale.links.is_empty());
        assert!(stale.history.is_empty());
        assert_eq!(stale.removed.len(), 1);
    }

    #[test]
    fn two_installs_with_the_same_folder_never_cost_the_link() {
        let mut flatpak = profile("Default", AccountKind::Personal, Some("ada@outlook.com"));
        flatpak.user_data_dir =
            "/home/user/.var/app/com.microsoft.Edge/config/microsoft-edge".into();
        let out = run(
            &[link(LinkState::Linked)],
            vec![flatpak.clone(), work_profile()],
            &policy(None, None),
        );
        assert!(
            !out.changed(),
            "the install holding the work account is the link's"
        );
        let mut other_flatpak = flatpak.clone();
        other_flatpak.account.email = Some("eve@outlook.com".into());
        let out = run(
            &[link(LinkState::Linked)],
            vec![flatpak, other_flatpak],
            &policy(None, None),
        );
        assert!(
            !out.changed(),
            "two candidates, neither the link's: no action"
        );
    }

    #[test]
    fn a_browser_file_that_cannot_be_read_is_evidence_of_nothing() {
        // The profile list is unreadable and the work profile is missing from it.
        let mut snapshot = Snapshot::new(vec![]);
        snapshot.unreadable.push(tandem_profiles::UnreadableSource {
            browser: BrowserId::Edge,
            user_data_dir: "/home/user/.config/microsoft-edge".into(),
            reason: tandem_profiles::Said::new("profile.problem.no_profile_list"),
        });
        let sign_ins = BTreeMap::new();
        let policy = policy(None, None);
        let world = World {
            profiles: &snapshot,
            policy: &policy,
            sign_ins: &sign_ins,
            now: at(200),
        };
        let out = reconcile(&[link(LinkState::Linked)], &world);
        assert!(!out.changed());
        assert_eq!(out.links, vec![link(LinkState::Linked)]);
        // The profile is listed, but its Preferences could not be read.
        let mut unreadable = profile("Default", AccountKind::Unknown, None);
        unreadable.account.evidence = Evidence::Unreadable;
        let out = run(&[link(LinkState::Linked)], vec![unreadable], &policy);
        assert!(!out.changed());
        // Policy still wins over an unreadable profile.
        let off = self::policy(Some(r#"{"LinkingEnabled": false}"#), None);
        let out = reconcile(
            &[link(LinkState::Linked)],
            &World {
                policy: &off,
                ..world
            },
        );
        assert_eq!(out.removed.len(), 1);
    }

    #[test]
    fn publishers_follow_the_browser_family() {
        assert_eq!(publisher_of(BrowserId::EdgeCanary), Some(Publisher::Edge));
        assert_eq!(publisher_of(BrowserId::ChromeBeta), Some(Publisher::Chrome));
        assert_eq!(publisher_of(BrowserId::Brave), None);
        assert_eq!(publisher_of(BrowserId::Firefox), None);
    }
}

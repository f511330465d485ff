//! The tray's "Account linking" switch: which work profile it acts on, and
//! how it reads. Pure, so the tray code only shows what this decides.

use tandem_policy::{PolicySet, Said};
use tandem_profiles::{AccountKind, Profile, Snapshot};

use crate::book::Status;
use crate::engine::linking_decision;
use crate::model::{LinkState, ProfileRef};

/// How the switch looks; a front end words its note in the person's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToggleView {
    /// The work profile it acts on.
    pub work: Option<ProfileRef>,
    pub checked: bool,
    pub enabled: bool,
    pub note: Option<ToggleNote>,
}

/// What the switch says beside its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToggleNote {
    NoWorkProfile,
    /// Policy forbids linking, for this reason (the menu shortens it).
    Off {
        reason: Said,
    },
    WorkAccountUnavailable,
    SigningIn,
    PersonalDataPaused,
}

/// The work profile the user works in now: the last active one, else the
/// browser's default, else the first.
pub fn current_work_profile(profiles: &Snapshot) -> Option<&Profile> {
    let work = || {
        profiles
            .profiles
            .iter()
            .filter(|p| p.account.kind == AccountKind::Work)
    };
    work()
        .filter(|p| p.last_active.is_some())
        .max_by_key(|p| p.last_active)
        .or_else(|| work().find(|p| p.is_default))
        .or_else(|| work().next())
}

/// The personal profile that would go with `work`: the last active profile
/// signed in to a personal Microsoft account in the same browser.
pub fn personal_profile_for(profiles: &Snapshot, work: &ProfileRef) -> Option<ProfileRef> {
    profiles
        .profiles
        .iter()
        .filter(|p| p.browser == work.browser && p.account.kind == AccountKind::Personal)
        .max_by_key(|p| (p.last_active, p.is_default))
        .map(ProfileRef::of)
}

pub fn toggle_view(status: &Status, profiles: &Snapshot, policy: &PolicySet) -> ToggleView {
    let Some(work) = current_work_profile(profiles) else {
        return ToggleView {
            work: None,
            checked: false,
            enabled: false,
            note: Some(ToggleNote::NoWorkProfile),
        };
    };
    let work = ProfileRef::of(work);
    let link = status.links.iter().find(|link| link.work == work);
    if let tandem_policy::Decision::Forbidden { reason, .. } =
        linking_decision(policy, work.browser)
    {
        return ToggleView {
            work: Some(work),
            checked: false,
            enabled: false,
            note: Some(ToggleNote::Off { reason }),
        };
    }
    let note = match link.map(|l| l.state) {
        Some(LinkState::WorkAccountUnavailable) => Some(ToggleNote::WorkAccountUnavailable),
        Some(LinkState::Linking) => Some(ToggleNote::SigningIn),
        _ if status.personal_data_restricted => Some(ToggleNote::PersonalDataPaused),
        _ => None,
    };
    ToggleView {
        checked: link.is_some(),
        // Unlinking is always allowed; linking needs personal processing.
        enabled: link.is_some() || !status.personal_data_restricted,
        work: Some(work),
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Link, WorkAccount};
    use tandem_profiles::{Account, BrowserId, Evidence};

    fn profile(dir: &str, kind: AccountKind, last_active: Option<i64>) -> Profile {
        Profile {
            browser: BrowserId::Edge,
            profile_dir: dir.into(),
            name: dir.into(),
            account: Account {
                kind,
                email: None,
                display_name: None,
                tenant_id: None,
                evidence: Evidence::NoAccount,
            },
            user_data_dir: "/x".into(),
            last_active,
            is_default: false,
            in_last_session: false,
            unreadable: None,
        }
    }

    fn status(links: Vec<Link>) -> Status {
        Status {
            linking_allowed: true,
            policy_reason: None,
            browsers: Vec::new(),
            links,
            personal_data_restricted: false,
            notices: Vec::new(),
        }
    }

    fn link(dir: &str) -> Link {
        Link {
            id: "1".into(),
            work: ProfileRef::new(BrowserId::Edge, dir),
            work_account: WorkAccount {
                tenant_id: None,
                email: None,
            },
            personal_account: None,
            personal_profile: None,
            state: LinkState::Linked,
            since: jiff::Timestamp::UNIX_EPOCH,
            reason: None,
        }
    }

    fn policy_off() -> PolicySet {
        let root = tempfile::tempdir().unwrap();
        let locations = tandem_locations::Locations::under(root.path());
        let dir = locations
            .system_path("/etc/tandem/policies/managed")
            .unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("off.json"), r#"{"LinkingEnabled": false}"#).unwrap();
        PolicySet::read_linux(&locations)
    }

    #[test]
    fn acts_on_the_last_active_work_profile() {
        let profiles = Snapshot {
            unreadable: Vec::new(),
            profiles: vec![
                profile("Default", AccountKind::Work, Some(10)),
                profile("Profile 1", AccountKind::Work, Some(20)),
                profile("Profile 2", AccountKind::Personal, Some(5)),
            ],
        };
        let view = toggle_view(&status(vec![]), &profiles, &PolicySet::default());
        assert_eq!(view.work.unwrap().profile_dir, "Profile 1");
        assert!(!view.checked && view.enabled);
        let view = toggle_view(
            &status(vec![link("Profile 1")]),
            &profiles,
            &PolicySet::default(),
        );
        assert!(view.checked);
        assert_eq!(
            personal_profile_for(&profiles, &ProfileRef::new(BrowserId::Edge, "Profile 1")),
            Some(ProfileRef::new(BrowserId::Edge, "Profile 2"))
        );
    }

    #[test]
    fn policy_disables_it_with_the_reason_in_the_label() {
        let profiles = Snapshot {
            unreadable: Vec::new(),
            profiles: vec![profile("Default", AccountKind::Work, None)],
        };
        let view = toggle_view(&status(vec![]), &profiles, &policy_off());
        assert!(!view.enabled && !view.checked);
        let Some(ToggleNote::Off { reason }) = view.note else {
            panic!("{view:?}")
        };
        assert!(
            reason.to_string().starts_with("your organization"),
            "{reason}"
        );
    }

    #[test]
    fn without_a_work_profile_there_is_nothing_to_link() {
        let view = toggle_view(&status(vec![]), &Snapshot::default(), &PolicySet::default());
        assert!(!view.enabled);
        assert_eq!(view.note, Some(ToggleNote::NoWorkProfile));
    }
}

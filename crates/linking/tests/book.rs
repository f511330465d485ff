//! The link book on a fake machine: linking, unlinking, history, policy,
//! personal data kept apart, restriction and deletion.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;

use jiff::Timestamp;
use tandem_linking::{
    AccountKey, HistoryEvent, LinkBook, LinkError, LinkRequest, LinkState, PersonalAccount,
    PersonalProof, ProfileRef, UnlinkReason, WorkSignIn, World,
};
use tandem_locations::Locations;
use tandem_policy::PolicySet;
use tandem_profiles::{AccountKind, BrowserId, Profile, Snapshot};

fn machine_profiles() -> Snapshot {
    tandem_testkit::profiles::work_and_personal()
}

fn profile(dir: &str, kind: AccountKind, email: Option<&str>) -> Profile {
    tandem_testkit::profiles::edge(dir, kind, email)
}

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(seconds).unwrap()
}

struct Machine {
    _root: tempfile::TempDir,
    locations: Locations,
    book: LinkBook,
}

impl Machine {
    fn new() -> Self {
        let root = tempfile::tempdir().unwrap();
        let locations = Locations::under(root.path());
        let book = LinkBook::new(&locations);
        Self {
            _root: root,
            locations,
            book,
        }
    }

    fn policy(&self) -> PolicySet {
        PolicySet::read(&self.locations)
    }

    fn set_policy(&self, folder: &str, text: Option<&str>) {
        let dir = self.locations.system_path(folder).unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        match text {
            Some(text) => std::fs::write(dir.join("policy.json"), text).unwrap(),
            None => std::fs::remove_file(dir.join("policy.json")).unwrap(),
        }
    }
}

fn world<'a>(
    profiles: &'a Snapshot,
    policy: &'a PolicySet,
    sign_ins: &'a BTreeMap<AccountKey, WorkSignIn>,
) -> World<'a> {
    World {
        profiles,
        policy,
        sign_ins,
        now: Timestamp::now(),
    }
}

fn request() -> LinkRequest {
    LinkRequest {
        work: "edge:Default".parse().unwrap(),
        personal_profile: Some("edge:Profile 1".parse().unwrap()),
        work_account_key: None,
    }
}

fn link_default(machine: &Machine, profiles: &Snapshot) {
    let policy = machine.policy();
    let none = BTreeMap::new();
    let world = world(profiles, &policy, &none);
    let personal =
        LinkBook::personal_account_of(&world, &"edge:Profile 1".parse().unwrap()).unwrap();
    machine.book.link(&world, &request(), personal).unwrap();
}

fn tree_text(dir: &Path) -> String {
    let mut out = String::new();
    for entry in walk(dir) {
        out.push_str(&std::fs::read_to_string(&entry).unwrap_or_default());
    }
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.extend(walk(&path));
            } else {
                files.push(path);
            }
        }
    }
    files
}

#[test]
fn link_status_unlink_and_history() {
    let machine = Machine::new();
    let profiles = machine_profiles();
    link_default(&machine, &profiles);

    let policy = machine.policy();
    let none = BTreeMap::new();
    let world = world(&profiles, &policy, &none);
    let status = machine.book.reconcile(&world).unwrap().status;
    assert!(status.linking_allowed);
    assert_eq!(status.links.len(), 1);
    let link = &status.links[0];
    assert_eq!(link.state, LinkState::Linked);
    assert_eq!(link.work.to_string(), "edge:Default");
    assert_eq!(link.work_account.email.as_deref(), Some("ada@contoso.com"));
    assert_eq!(
        link.personal_account.as_ref().unwrap().email.as_deref(),
        Some("ada@outlook.com")
    );
    assert_eq!(
        link.personal_account.as_ref().unwrap().proof,
        PersonalProof::Profile
    );

    // A second link of the same profile is refused.
    let again = machine.book.begin(&world, &request()).unwrap_err();
    assert!(matches!(again, LinkError::AlreadyLinked(_)), "{again}");

    let unlinked = machine
        .book
        .unlink(&world, None, UnlinkReason::BeforeLeaving)
        .unwrap();
    assert_eq!(unlinked.was, LinkState::Linked);
    let entry = unlinked.entry.unwrap();
    assert_eq!(entry.event, HistoryEvent::UnlinkedByUser);
    assert!(entry.reason.to_string().contains("before leaving"));
    assert!(
        machine
            .book
            .reconcile(&world)
            .unwrap()
            .status
            .links
            .is_empty()
    );
    let history = machine.book.history().unwrap();
    let events: Vec<_> = history.iter().map(|e| e.event).collect();
    assert_eq!(events, [HistoryEvent::Linked, HistoryEvent::UnlinkedByUser]);
    assert!(matches!(
        machine.book.unlink(&world, None, UnlinkReason::AtRequest),
        Err(LinkError::NothingLinked)
    ));
}

#[test]
fn refuses_profiles_of_the_wrong_kind_and_missing_ones() {
    let machine = Machine::new();
    let profiles = machine_profiles();
    let policy = machine.policy();
    let none = BTreeMap::new();
    let world = world(&profiles, &policy, &none);
    let mut wrong = request();
    wrong.work = "edge:Profile 2".parse().unwrap();
    let error = machine.book.begin(&world, &wrong).unwrap_err();
    assert_eq!(error.code(), "not_a_work_profile");
    assert!(error.to_string().contains("nobody signed in"), "{error}");
    let mut personal_as_work = request();
    personal_as_work.personal_profile = Some("edge:Default".parse().unwrap());
    assert_eq!(
        machine
            .book
            .begin(&world, &personal_as_work)
            .unwrap_err()
            .code(),
        "not_a_personal_profile"
    );
    let mut missing = request();
    missing.work = "chrome:Default".parse().unwrap();
    assert_eq!(
        machine.book.begin(&world, &missing).unwrap_err().code(),
        "profile_not_found"
    );
    assert!(
        machine
            .book
            .reconcile(&world)
            .unwrap()
            .status
            .links
            .is_empty()
    );
}

#[test]
fn policy_off_unlinks_says_why_and_does_not_relink_when_lifted() {
    let machine = Machine::new();
    let profiles = machine_profiles();
    link_default(&machine, &profiles);
    let none = BTreeMap::new();

    machine.set_policy(
        "/etc/opt/edge/policies/managed",
        Some(r#"{"LinkedAccountEnabled": false}"#),
    );
    let policy = machine.policy();
    let result = machine
        .book
        .reconcile(&world(&profiles, &policy, &none))
        .unwrap();
    assert!(result.status.links.is_empty());
    // Tandem's own switch is on; Edge's policy acted on Edge's profile.
    assert!(result.status.linking_allowed);
    assert!(
        result.status.notices[0]
            .to_string()
            .contains("LinkedAccountEnabled"),
        "{:?}",
        result.status.notices
    );
    let refused = machine
        .book
        .begin(&world(&profiles, &policy, &none), &request())
        .unwrap_err();
    assert_eq!(refused.code(), "policy_forbids");

    machine.set_policy("/etc/opt/edge/policies/managed", None);
    let policy = machine.policy();
    let lifted = machine
        .book
        .reconcile(&world(&profiles, &policy, &none))
        .unwrap();
    assert!(lifted.status.links.is_empty(), "never relinked silently");
    let last = machine.book.history().unwrap().pop().unwrap();
    assert_eq!(last.event, HistoryEvent::UnlinkedByPolicy);
    // The personal half went with the link.
    assert!(!tree_text(&machine.locations.data_dir().join("personal")).contains("ada@outlook.com"));
}

#[test]
fn personal_data_never_lands_in_work_side_files() {
    let machine = Machine::new();
    let profiles = machine_profiles();
    link_default(&machine, &profiles);
    let work_side = tree_text(&machine.locations.data_dir().join("work"));
    assert!(work_side.contains("ada@contoso.com"));
    assert!(!work_side.contains("outlook"), "{work_side}");
    assert!(!work_side.contains("Profile 1"), "{work_side}");
    let personal_side = tree_text(&machine.locations.data_dir().join("personal"));
    assert!(personal_side.contains("ada@outlook.com"));
    assert!(!personal_side.contains("contoso"), "{personal_side}");
}

#[test]
fn losing_access_keeps_the_link_and_unlink_still_works() {
    let machine = Machine::new();
    let mut profiles = machine_profiles();
    link_default(&machine, &profiles);
    profiles.profiles[0] = profile("Default", AccountKind::None, None);
    let policy = machine.policy();
    let none = BTreeMap::new();
    let world = world(&profiles, &policy, &none);
    let status = machine.book.reconcile(&world).unwrap().status;
    assert_eq!(status.links[0].state, LinkState::WorkAccountUnavailable);
    assert!(
        status.links[0]
            .reason
            .as_ref()
            .unwrap()
            .to_string()
            .contains("signed out")
    );
    machine
        .book
        .unlink(
            &world,
            Some(&"edge:Default".parse().unwrap()),
            UnlinkReason::AtRequest,
        )
        .unwrap();
    assert!(
        machine
            .book
            .reconcile(&world)
            .unwrap()
            .status
            .links
            .is_empty()
    );
}

#[test]
fn restriction_pauses_personal_processing_until_lifted() {
    let machine = Machine::new();
    let profiles = machine_profiles();
    link_default(&machine, &profiles);
    machine.book.set_restricted(true, at(1)).unwrap();
    let policy = machine.policy();
    let none = BTreeMap::new();
    let world = world(&profiles, &policy, &none);
    let status = machine.book.reconcile(&world).unwrap().status;
    assert!(status.personal_data_restricted);
    assert_eq!(status.links[0].personal_account, None);
    let mut other = request();
    other.work = "edge:Profile 2".parse().unwrap();
    assert!(matches!(
        machine.book.begin(&world, &other),
        Err(LinkError::Restricted)
    ));
    machine.book.set_restricted(false, at(2)).unwrap();
    let status = machine.book.reconcile(&world).unwrap().status;
    assert!(status.links[0].personal_account.is_some());

    // Unlinking while restricted still erases the personal half.
    machine.book.set_restricted(true, at(3)).unwrap();
    machine
        .book
        .unlink(&world, None, UnlinkReason::AtRequest)
        .unwrap();
    assert!(!tree_text(&machine.locations.data_dir().join("personal")).contains("outlook"));
}

#[test]
fn deleting_personal_data_removes_the_links_that_need_it() {
    let machine = Machine::new();
    let profiles = machine_profiles();
    link_default(&machine, &profiles);
    let exported = machine.book.personal_export().unwrap();
    assert_eq!(exported.len(), 1);
    assert_eq!(exported[0]["personal_account"]["email"], "ada@outlook.com");
    let recorded = machine.book.delete_personal(at(5)).unwrap();
    assert_eq!(recorded[0].event, HistoryEvent::PersonalDataDeleted);
    assert!(machine.book.personal_export().unwrap().is_empty());
    let policy = machine.policy();
    let none = BTreeMap::new();
    assert!(
        machine
            .book
            .reconcile(&world(&profiles, &policy, &none))
            .unwrap()
            .status
            .links
            .is_empty()
    );
    assert!(!tree_text(machine.locations.data_dir()).contains("outlook"));
}

#[test]
fn a_pending_link_is_confirmed_or_abandoned() {
    let machine = Machine::new();
    let profiles = machine_profiles();
    let policy = machine.policy();
    let none = BTreeMap::new();
    let world = world(&profiles, &policy, &none);
    let pending = machine.book.begin(&world, &request()).unwrap();
    let status = machine.book.reconcile(&world).unwrap().status;
    assert_eq!(status.links[0].state, LinkState::Linking);
    machine.book.abandon(&pending).unwrap();
    assert!(
        machine
            .book
            .reconcile(&world)
            .unwrap()
            .status
            .links
            .is_empty()
    );
    assert!(
        machine.book.history().unwrap().is_empty(),
        "nothing was linked"
    );

    let pending = machine.book.begin(&world, &request()).unwrap();
    let link = machine
        .book
        .confirm(
            &world,
            &pending,
            PersonalAccount {
                account_key: Some(AccountKey::new(
                    "oid",
                    "9188040d-6c67-4c5b-b112-36a304b66dad",
                )),
                email: Some("ada@outlook.com".into()),
                name: None,
                proof: PersonalProof::SignIn,
            },
        )
        .unwrap();
    assert_eq!(link.state, LinkState::Linked);
    assert_eq!(
        link.personal_profile,
        Some(ProfileRef::new(BrowserId::Edge, "Profile 1"))
    );
}

#[test]
fn unlinking_a_link_still_waiting_for_its_sign_in_records_nothing() {
    let machine = Machine::new();
    let profiles = machine_profiles();
    let policy = machine.policy();
    let none = BTreeMap::new();
    let world = world(&profiles, &policy, &none);
    let pending = machine.book.begin(&world, &request()).unwrap();
    let unlinked = machine
        .book
        .unlink(&world, None, UnlinkReason::AtRequest)
        .unwrap();
    assert_eq!(unlinked.was, LinkState::Linking);
    assert_eq!(unlinked.entry, None);
    assert!(
        machine.book.history().unwrap().is_empty(),
        "nothing was ever linked"
    );
    // The sign-in finishing afterwards links nothing, and says why.
    let error = machine
        .book
        .confirm(
            &world,
            &pending,
            PersonalAccount {
                account_key: None,
                email: Some("ada@outlook.com".into()),
                name: None,
                proof: PersonalProof::SignIn,
            },
        )
        .unwrap_err();
    assert!(
        error.to_string().contains("removed while it waited"),
        "{error}"
    );
}

#[test]
fn a_restored_backup_keeps_the_link_linked_long_after() {
    let machine = Machine::new();
    let profiles = machine_profiles();
    link_default(&machine, &profiles);
    let policy = machine.policy();
    let none = BTreeMap::new();
    let links = machine.locations.data_dir().join("work/links.json");
    let good = std::fs::read(&links).unwrap();
    std::fs::write(&links, &good[..good.len() / 2]).unwrap();
    let status = machine
        .book
        .reconcile(&world(&profiles, &policy, &none))
        .unwrap()
        .status;
    assert!(
        status.notices[0]
            .to_string()
            .contains("last good copy restored"),
        "{:?}",
        status.notices
    );
    assert_eq!(status.links.len(), 1);
    assert_eq!(
        status.links[0].state,
        LinkState::Linked,
        "not a pending link"
    );
    // Sixteen minutes on, when a pending link would have been abandoned.
    let mut later = world(&profiles, &policy, &none);
    later.now += jiff::SignedDuration::from_mins(16);
    let status = machine.book.reconcile(&later).unwrap().status;
    assert_eq!(status.links.len(), 1);
    assert_eq!(status.links[0].state, LinkState::Linked);
    assert!(status.links[0].personal_account.is_some());
}

#[test]
fn a_damaged_links_file_is_reported_and_the_last_good_copy_used() {
    let machine = Machine::new();
    let profiles = machine_profiles();
    link_default(&machine, &profiles);
    // A second save gives the file a backup that holds the link.
    let policy = machine.policy();
    let none = BTreeMap::new();
    let world = world(&profiles, &policy, &none);
    machine.book.set_restricted(false, at(1)).unwrap();
    let links = machine.locations.data_dir().join("work/links.json");
    let good = std::fs::read(&links).unwrap();
    std::fs::write(links.with_file_name("links.json.bak"), &good).unwrap();
    std::fs::write(&links, &good[..good.len() / 2]).unwrap();
    let status = machine.book.reconcile(&world).unwrap().status;
    assert_eq!(status.links.len(), 1);
    assert!(
        status.notices[0].to_string().contains("damaged"),
        "{:?}",
        status.notices
    );
    let set_aside = std::fs::read_dir(links.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|name| name.starts_with("links.json.corrupt-"))
        .expect("the damaged file is kept");
    assert_eq!(
        std::fs::read(links.with_file_name(set_aside)).unwrap(),
        &good[..good.len() / 2]
    );
}

#[test]
fn a_lost_work_file_is_rebuilt_from_the_personal_halves() {
    let machine = Machine::new();
    let profiles = machine_profiles();
    link_default(&machine, &profiles);
    let work = machine.locations.data_dir().join("work");
    for name in ["links.json", "links.json.bak"] {
        std::fs::write(work.join(name), "garbage{").unwrap();
    }
    let policy = machine.policy();
    let none = BTreeMap::new();
    let status = machine
        .book
        .reconcile(&world(&profiles, &policy, &none))
        .unwrap()
        .status;
    assert_eq!(status.links.len(), 1, "{:?}", status.notices);
    assert_eq!(status.links[0].work, "edge:Default".parse().unwrap());
    assert_eq!(status.links[0].state, LinkState::Linked);
    assert!(
        status.links[0].personal_account.is_some(),
        "the personal half was kept"
    );
    assert!(
        status
            .notices
            .iter()
            .any(|n| n.to_string().contains("rebuilt")),
        "{:?}",
        status.notices
    );
    // Both damaged copies are kept aside, never overwritten.
    let aside = std::fs::read_dir(&work)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".corrupt-")
        })
        .count();
    assert_eq!(aside, 2);
}

#[test]
fn while_restricted_a_lost_work_file_waits_for_its_personal_halves() {
    let machine = Machine::new();
    let profiles = machine_profiles();
    link_default(&machine, &profiles);
    machine.book.set_restricted(true, at(1)).unwrap();
    let work = machine.locations.data_dir().join("work");
    for name in ["links.json", "links.json.bak"] {
        std::fs::write(work.join(name), "garbage{").unwrap();
    }
    let policy = machine.policy();
    let none = BTreeMap::new();
    let world = world(&profiles, &policy, &none);
    for _ in 0..2 {
        assert!(
            machine
                .book
                .reconcile(&world)
                .unwrap()
                .status
                .links
                .is_empty()
        );
    }
    assert!(
        tree_text(machine.locations.data_dir()).contains("ada@outlook.com"),
        "the halves are not erased while they cannot be read"
    );
    machine.book.set_restricted(false, at(2)).unwrap();
    let status = machine.book.reconcile(&world).unwrap().status;
    assert_eq!(status.links.len(), 1, "{:?}", status.notices);
}

#[test]
fn a_half_left_by_a_killed_unlink_is_erased_even_while_restricted() {
    let machine = Machine::new();
    let profiles = machine_profiles();
    link_default(&machine, &profiles);
    let personal = machine.locations.data_dir().join("personal/links.json");
    let with_half = std::fs::read(&personal).unwrap();
    let policy = machine.policy();
    let none = BTreeMap::new();
    let world = world(&profiles, &policy, &none);
    machine
        .book
        .unlink(&world, None, UnlinkReason::AtRequest)
        .unwrap();
    // As a process killed between the work half and the personal half leaves it.
    std::fs::write(&personal, &with_half).unwrap();
    std::fs::write(personal.with_file_name("links.json.bak"), &with_half).unwrap();
    machine.book.set_restricted(true, at(1)).unwrap();
    machine.book.reconcile(&world).unwrap();
    assert!(!tree_text(machine.locations.data_dir()).contains("ada@outlook.com"));
}

#[test]
fn the_history_is_kept_with_the_links_and_an_old_history_file_is_taken_in() {
    let machine = Machine::new();
    let profiles = machine_profiles();
    let work = machine.locations.data_dir().join("work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(
        work.join("history.jsonl"),
        "{\"time\":5,\"event\":\"linked\",\"work\":\"edge:Profile 9\",\"reason\":\"old\"}\n{\"par",
    )
    .unwrap();
    link_default(&machine, &profiles);
    assert!(
        !work.join("history.jsonl").exists(),
        "taken into the work file"
    );
    let history = machine.book.history().unwrap();
    let events: Vec<_> = history
        .iter()
        .map(|e| (e.event, e.work.to_string()))
        .collect();
    assert_eq!(
        events,
        [
            (HistoryEvent::Linked, "edge:Profile 9".to_owned()),
            (HistoryEvent::Linked, "edge:Default".to_owned())
        ]
    );
    let text = std::fs::read_to_string(work.join("links.json")).unwrap();
    assert!(text.contains("\"history\""), "{text}");
    assert!(!text.contains("outlook"), "the history is work-side data");
}

#[test]
fn a_personal_file_from_a_newer_tandem_still_lets_the_user_unlink() {
    let machine = Machine::new();
    let profiles = machine_profiles();
    link_default(&machine, &profiles);
    let personal = machine.locations.data_dir().join("personal/links.json");
    let newer = r#"{"schema":"tandem.personal-links","version":99,"data":{}}"#;
    std::fs::write(&personal, newer).unwrap();
    let policy = machine.policy();
    let none = BTreeMap::new();
    let world = world(&profiles, &policy, &none);
    let status = machine.book.reconcile(&world).unwrap().status;
    assert!(
        status
            .notices
            .iter()
            .any(|n| n.to_string().contains("newer Tandem")),
        "{:?}",
        status.notices
    );
    machine
        .book
        .unlink(&world, None, UnlinkReason::AtRequest)
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(&personal).unwrap(),
        newer,
        "left as it is"
    );
    assert!(
        machine
            .book
            .reconcile(&world)
            .unwrap()
            .status
            .links
            .is_empty()
    );
}

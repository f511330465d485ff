//! The live watcher on a fake machine, with real file-system notifications.

// A test that cannot build its own fixtures should stop right there.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::json;
use tandem_locations::{Platform, UserRoots};
use tandem_profiles::watch::{ProfileEvent, ProfileWatcher};
use tandem_profiles::{AccountKind, BrowserId, Change};

const WORK_TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

/// Writes like Chromium does: a temporary file, then an atomic rename.
fn replace(path: &Path, value: &serde_json::Value) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let temp = path.with_file_name(".tandem-test-tmp");
    std::fs::write(&temp, serde_json::to_vec(value).unwrap()).unwrap();
    std::fs::rename(&temp, path).unwrap();
}

fn edge_local_state(names: &[(&str, &str)]) -> serde_json::Value {
    let cache: serde_json::Map<String, serde_json::Value> = names
        .iter()
        .map(|(dir, name)| (dir.to_string(), json!({"name": name})))
        .collect();
    json!({"profile": {"info_cache": cache}})
}

struct Watched {
    _machine: tempfile::TempDir,
    roots: UserRoots,
    events: mpsc::Receiver<ProfileEvent>,
    /// Events received while waiting for another one, for later `expect`s.
    backlog: std::cell::RefCell<Vec<ProfileEvent>>,
    _watcher: ProfileWatcher,
}

impl Watched {
    fn edge(&self) -> std::path::PathBuf {
        self.roots.config_home.join("microsoft-edge")
    }

    /// Waits for the first event matching `wanted`, keeping the others.
    fn expect(&self, what: &str, wanted: impl Fn(&Change) -> bool) -> ProfileEvent {
        let mut backlog = self.backlog.borrow_mut();
        if let Some(index) = backlog.iter().position(|event| wanted(&event.change)) {
            return backlog.remove(index);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.events.recv_timeout(left) {
                Ok(event) if wanted(&event.change) => return event,
                Ok(event) => backlog.push(event),
                Err(_) => break,
            }
        }
        let seen: Vec<_> = backlog.iter().map(|event| &event.change).collect();
        panic!("no {what} event; saw {seen:?}");
    }
}

fn watched_edge_machine() -> Watched {
    let machine = tempfile::tempdir().unwrap();
    let roots = UserRoots::conventional(Platform::Linux, &machine.path().join("home"));
    let edge = roots.config_home.join("microsoft-edge");
    for dir in ["Default", "Profile 1", "Profile 2"] {
        replace(&edge.join(dir).join("Preferences"), &json!({}));
    }
    replace(
        &edge.join("Local State"),
        &edge_local_state(&[
            ("Default", "Work"),
            ("Profile 1", "Home"),
            ("Profile 2", "Spare"),
        ]),
    );
    let (sender, events) = mpsc::channel();
    let watcher = ProfileWatcher::start(roots.clone(), Duration::from_millis(50), move |event| {
        let _ = sender.send(event);
    })
    .unwrap();
    assert_eq!(watcher.initial_snapshot().profiles.len(), 3);
    Watched {
        _machine: machine,
        roots,
        events,
        backlog: Default::default(),
        _watcher: watcher,
    }
}

#[test]
fn local_state_replaced_by_rename_is_seen() {
    let watched = watched_edge_machine();
    replace(&watched.edge().join("Profile 3/Preferences"), &json!({}));
    replace(
        &watched.edge().join("Local State"),
        &edge_local_state(&[
            ("Default", "Work"),
            ("Profile 1", "Home (renamed)"),
            ("Profile 2", "Spare"),
            ("Profile 3", "New"),
        ]),
    );
    let added = watched.expect("profile added", |change| {
        matches!(change, Change::ProfileAdded { profile_dir, .. } if profile_dir == "Profile 3")
    });
    assert_eq!(added.snapshot.profiles.len(), 4);
    watched.expect("profile renamed", |change| {
        matches!(change, Change::ProfileRenamed { new_name, .. } if new_name == "Home (renamed)")
    });
}

#[test]
fn a_deleted_profile_is_removed_and_a_missing_folder_marked() {
    let watched = watched_edge_machine();
    // Chromium takes a deleted profile out of Local State, then its folder.
    replace(
        &watched.edge().join("Local State"),
        &edge_local_state(&[
            ("Default", "Work"),
            ("Profile 1", "Home"),
            ("Profile 2", "Spare"),
        ]),
    );
    std::fs::remove_dir_all(watched.edge().join("Profile 2")).unwrap();
    let missing = watched.expect("profile updated", |change| {
        matches!(change, Change::ProfileUpdated { profile_dir, .. } if profile_dir == "Profile 2")
    });
    let spare = missing
        .snapshot
        .profiles
        .iter()
        .find(|p| p.profile_dir == "Profile 2")
        .expect("a listed profile whose folder is out of reach stays listed");
    assert!(
        spare
            .unreadable
            .as_ref()
            .unwrap()
            .to_string()
            .contains("cannot be found"),
        "{spare:?}"
    );
    assert_eq!(spare.account.kind, AccountKind::Unknown);
    replace(
        &watched.edge().join("Local State"),
        &edge_local_state(&[("Default", "Work"), ("Profile 1", "Home")]),
    );
    let removed = watched.expect("profile removed", |change| {
        matches!(change, Change::ProfileRemoved { profile_dir, .. } if profile_dir == "Profile 2")
    });
    assert_eq!(removed.snapshot.profiles.len(), 2);
    assert!(
        !watched.backlog.borrow().iter().any(|event| matches!(
            &event.change,
            Change::SignedIn { .. } | Change::SignedOut { .. }
        )),
        "an unreadable profile neither signed in nor out"
    );
}

#[test]
fn signing_in_and_out_of_a_profile() {
    let watched = watched_edge_machine();
    let preferences = watched.edge().join("Profile 1/Preferences");
    replace(
        &preferences,
        &json!({"account_info": [{"email": "ada@contoso.com", "edge_account_tenant_id": WORK_TENANT}]}),
    );
    let signed_in = watched.expect("sign-in", |change| {
        matches!(change, Change::SignedIn { profile_dir, .. } if profile_dir == "Profile 1")
    });
    let profile = signed_in
        .snapshot
        .profiles
        .iter()
        .find(|p| p.profile_dir == "Profile 1")
        .unwrap();
    assert_eq!(profile.account.kind, AccountKind::Work);
    replace(&preferences, &json!({"account_info": []}));
    watched.expect("sign-out", |change| {
        matches!(change, Change::SignedOut { .. })
    });
}

#[test]
fn a_browser_appearing_and_disappearing() {
    let watched = watched_edge_machine();
    let vivaldi = watched.roots.config_home.join("vivaldi");
    replace(&vivaldi.join("Default/Preferences"), &json!({}));
    replace(
        &vivaldi.join("Local State"),
        &json!({"profile": {"info_cache": {"Default": {"name": "Vivaldi"}}}}),
    );
    watched.expect("browser installed", |change| {
        *change
            == Change::BrowserInstalled {
                browser: BrowserId::Vivaldi,
            }
    });
    watched.expect("its profile", |change| {
        matches!(
            change,
            Change::ProfileAdded {
                browser: BrowserId::Vivaldi,
                ..
            }
        )
    });
    std::fs::remove_dir_all(&vivaldi).unwrap();
    watched.expect("browser removed", |change| {
        *change
            == Change::BrowserRemoved {
                browser: BrowserId::Vivaldi,
            }
    });
}

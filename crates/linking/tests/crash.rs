//! Crash safety and concurrency of the state files, with real processes: a
//! child that writes state is killed with SIGKILL at random moments, and two
//! children update the same state at once. The children are this test binary
//! re-run on one ignored test, with the work named in the environment.
#![allow(clippy::unwrap_used)]
#![cfg(unix)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tandem_linking::store::{Document, LOCK_WAIT, OwnedDir, StateFile};
use tandem_linking::{LinkBook, LinkRequest, UnlinkReason, World};
use tandem_locations::Locations;
use tandem_policy::PolicySet;
use tandem_profiles::Snapshot;

const CHILD_VAR: &str = "TANDEM_CRASH_CHILD";
const KILLS: usize = 500;

/// A document whose every byte depends on its version, so a torn write
/// cannot pass for a whole one.
#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
struct Ledger {
    version: u64,
    pages: Vec<String>,
}

impl Ledger {
    fn of(version: u64) -> Self {
        Self {
            version,
            pages: (0..2000).map(|i| format!("{version}-{i}")).collect(),
        }
    }
    fn is_whole(&self) -> bool {
        *self == Self::of(self.version)
    }
}

impl Document for Ledger {
    const SCHEMA: &'static str = "test.ledger";
    const VERSION: u32 = 1;
}

fn profiles() -> Snapshot {
    tandem_testkit::profiles::work_and_personal()
}

fn spawn_child(job: &str, dir: &Path) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_VAR, format!("{job}:{}", dir.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Runs in the child process only.
#[test]
#[ignore = "run as a child process by the tests in this file"]
fn child() {
    let Ok(spec) = std::env::var(CHILD_VAR) else {
        return;
    };
    let (job, dir) = spec.split_once(':').unwrap();
    let dir = Path::new(dir);
    match job {
        "ledger" => {
            let owned = OwnedDir::new(dir);
            let lock = owned.lock(LOCK_WAIT).unwrap();
            let file = StateFile::<Ledger>::new(&owned, "ledger.json");
            let current = file.load(&lock).unwrap().value.version;
            file.save(&lock, &Ledger::of(current + 1)).unwrap();
        }
        "toggle" => {
            let locations = Locations::under(dir);
            let book = LinkBook::new(&locations);
            let profiles = profiles();
            let policy = PolicySet::read(&locations);
            let sign_ins = BTreeMap::new();
            let world = World {
                profiles: &profiles,
                policy: &policy,
                sign_ins: &sign_ins,
                now: jiff::Timestamp::now(),
            };
            let linked = !book.reconcile(&world).unwrap().status.links.is_empty();
            if linked {
                book.unlink(&world, None, UnlinkReason::AtRequest).unwrap();
            } else {
                let personal =
                    LinkBook::personal_account_of(&world, &"edge:Profile 1".parse().unwrap())
                        .unwrap();
                let request = LinkRequest {
                    work: "edge:Default".parse().unwrap(),
                    personal_profile: Some("edge:Profile 1".parse().unwrap()),
                    work_account_key: None,
                };
                book.link(&world, &request, personal).unwrap();
            }
        }
        "count" => {
            let owned = OwnedDir::new(dir);
            for _ in 0..50 {
                let lock = owned.lock(LOCK_WAIT).unwrap();
                let file = StateFile::<Ledger>::new(&owned, "count.json");
                let current = file.load(&lock).unwrap().value.version;
                let next = Ledger {
                    version: current + 1,
                    pages: Vec::new(),
                };
                file.save(&lock, &next).unwrap();
            }
        }
        other => panic!("unknown child job {other}"),
    }
}

/// Every file below `dir`, by path, with its bytes.
fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push((
                path.display().to_string(),
                std::fs::read(&path).unwrap_or_default(),
            ));
        }
    }
    out
}

/// How long a child takes to run its job to the end, so that kills can be
/// spread over its whole life.
fn typical_run(job: &str, dir: &Path) -> Duration {
    let started = Instant::now();
    for _ in 0..3 {
        assert!(spawn_child(job, dir).wait().unwrap().success());
    }
    started.elapsed() / 3
}

fn kill_at_random(child: &mut std::process::Child, life: Duration) {
    let delay = life.mul_f64(fastrand::f64() * 1.2);
    std::thread::sleep(delay);
    // SIGKILL: no destructor, no flush, nothing runs.
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_state_file_is_always_old_or_new_after_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let owned = OwnedDir::new(dir.path());
    let file = StateFile::<Ledger>::new(&owned, "ledger.json");
    let life = typical_run("ledger", dir.path());
    let mut landed = 0;
    for _ in 0..KILLS {
        let before = {
            let lock = owned.lock(LOCK_WAIT).unwrap();
            file.load(&lock).unwrap()
        };
        assert!(before.recovery.is_none());
        let mut child = spawn_child("ledger", dir.path());
        kill_at_random(&mut child, life);
        let lock = owned.lock(LOCK_WAIT).unwrap();
        assert!(
            files_under(dir.path())
                .iter()
                .all(|(name, _)| !name.contains(".tmp-")),
            "a killed writer's temporary file outlived the next lock"
        );
        let after = file.load(&lock).unwrap();
        assert!(after.recovery.is_none(), "{:?}", after.recovery);
        assert!(after.value.is_whole(), "a torn write was loaded");
        let old = before.value.version;
        assert!(
            after.value.version == old || after.value.version == old + 1,
            "{old} became {}",
            after.value.version
        );
        landed += usize::from(after.value.version == old + 1);
    }
    // Both outcomes must have happened, or the kills were not at random moments.
    assert!(
        landed > 0 && landed < KILLS,
        "{landed} of {KILLS} writes landed"
    );
    eprintln!("{landed} of {KILLS} killed writers had finished their write");
}

#[test]
fn links_are_always_whole_after_sigkill() {
    let root = tempfile::tempdir().unwrap();
    let locations = Locations::under(root.path());
    let book = LinkBook::new(&locations);
    let profiles = profiles();
    let policy = PolicySet::read(&locations);
    let sign_ins = BTreeMap::new();
    let world = World {
        profiles: &profiles,
        policy: &policy,
        sign_ins: &sign_ins,
        now: jiff::Timestamp::now(),
    };
    let life = typical_run("toggle", root.path());
    for _ in 0..KILLS {
        let before = book.reconcile(&world).unwrap().status.links.len();
        let mut child = spawn_child("toggle", root.path());
        kill_at_random(&mut child, life);
        let status = book.reconcile(&world).unwrap().status;
        assert!(status.notices.is_empty(), "{:?}", status.notices);
        // The next command leaves no temporary file, and once nothing is
        // linked, no file of Tandem's names the personal account.
        let files = files_under(locations.data_dir());
        assert!(
            files.iter().all(|(name, _)| !name.contains(".tmp-")),
            "{:?}",
            files.iter().map(|(name, _)| name).collect::<Vec<_>>()
        );
        if status.links.is_empty() {
            for (name, bytes) in &files {
                assert!(
                    !String::from_utf8_lossy(bytes).contains("ada@outlook.com"),
                    "{name} still holds the personal account after an unlink"
                );
            }
        }
        let after = status.links.len();
        assert!(after <= 1 && (after == before || after + before == 1));
        for link in &status.links {
            // Only a link still waiting for its sign-in has no personal half yet.
            assert!(
                link.personal_account.is_some() || link.state == tandem_linking::LinkState::Linking,
                "a {:?} link lost its personal half",
                link.state
            );
        }
        // A pending link left by a killed child is dropped like a cancelled sign-in.
        if let Some(link) = status.links.first()
            && link.state == tandem_linking::LinkState::Linking
        {
            book.unlink(&world, None, UnlinkReason::AtRequest).unwrap();
        }
    }
    let history = book.history().unwrap();
    assert!(!history.is_empty());
}

#[test]
fn two_processes_writing_at_once_lose_no_update() {
    let dir = tempfile::tempdir().unwrap();
    let children: Vec<_> = (0..2).map(|_| spawn_child("count", dir.path())).collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let owned = OwnedDir::new(dir.path());
    let file = StateFile::<Ledger>::new(&owned, "count.json");
    let lock = owned.lock(LOCK_WAIT).unwrap();
    assert_eq!(file.load(&lock).unwrap().value.version, 100);
}

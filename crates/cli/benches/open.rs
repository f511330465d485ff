//! What every command pays before it answers, printed (`cargo bench -p
//! tandem-cli`, or `make bench`), on the 8 browsers × 25 profiles bench
//! machine with 50 links:
//!
//! - one reconciliation of the links, given profiles already read (the
//!   figure linking's bench reports);
//! - opening the core's handle: reading every profile and the policy, and
//!   reconciling (what each command does first);
//! - `tandem status --json`, process start to exit, against `/bin/true`.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

use tandem_linking::{LinkBook, LinkRequest, PersonalAccount, PersonalProof, ProfileRef, World};
use tandem_locations::Locations;
use tandem_policy::PolicySet;
use tandem_profiles::AccountKind;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

fn main() {
    let machine = tandem_testkit::Machine::new();
    let locations: Locations = machine.locations();
    tandem_testkit::bench::build_machine(locations.user_roots());
    let profiles = tandem_profiles::discover(locations.user_roots());
    let policy = PolicySet::read(&locations);
    let sign_ins = BTreeMap::new();
    let world = World {
        profiles: &profiles,
        policy: &policy,
        sign_ins: &sign_ins,
        now: jiff::Timestamp::now(),
    };
    let book = LinkBook::new(&locations);
    let work: Vec<ProfileRef> = profiles
        .profiles
        .iter()
        .filter(|profile| profile.account.kind == AccountKind::Work)
        .take(50)
        .map(ProfileRef::of)
        .collect();
    for (index, work) in work.iter().enumerate() {
        let request = LinkRequest {
            work: work.clone(),
            personal_profile: None,
            work_account_key: None,
        };
        let personal = PersonalAccount {
            account_key: None,
            email: Some(format!("p{index}@outlook.com")),
            name: None,
            proof: PersonalProof::SignIn,
        };
        book.link(&world, &request, personal).unwrap();
    }
    println!(
        "machine: {} profiles, {} links",
        profiles.profiles.len(),
        work.len()
    );

    let runs = 25;
    let reconcile = median(
        (0..runs)
            .map(|_| {
                let started = Instant::now();
                let done = book.reconcile(&world).unwrap();
                assert_eq!(done.status.links.len(), work.len());
                started.elapsed()
            })
            .collect(),
    );
    let open = median(
        (0..runs)
            .map(|_| {
                let started = Instant::now();
                let tandem = tandem_api::Tandem::open(&locations).unwrap();
                assert_eq!(tandem.status().links.len(), work.len());
                started.elapsed()
            })
            .collect(),
    );
    println!(
        "reconcile 50 links, profiles already read (median of {runs}): {}",
        ms(reconcile)
    );
    println!(
        "open the handle: read 200 profiles + policy, reconcile (median of {runs}): {} (target < 60 ms discovery + < 5 ms reconcile)",
        ms(open)
    );

    let time = |program: &str, args: &[&str]| {
        median(
            (0..runs)
                .map(|_| {
                    let started = Instant::now();
                    let output = Command::new(program)
                        .args(args)
                        .env_clear()
                        .env("HOME", &machine.home)
                        .envs(machine.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                        .output()
                        .unwrap();
                    assert!(output.status.success());
                    started.elapsed()
                })
                .collect(),
        )
    };
    let status = time(env!("CARGO_BIN_EXE_tandem"), &["status", "--json"]);
    let truth = time("/bin/true", &[]);
    println!(
        "tandem status --json, process start to exit (median of {runs}): {} ({:.1}× /bin/true at {})",
        ms(status),
        status.as_secs_f64() / truth.as_secs_f64(),
        ms(truth)
    );
}

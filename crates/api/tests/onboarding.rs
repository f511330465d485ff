//! The first-run wizard's actions against the real OpenID Connect test
//! provider and the test session's keyring: cancelling leaves Tandem as it
//! was, finishing sets everything up, and a step that fails takes back the
//! ones before it. The sign-in reads its provider and stand-in browser from
//! the environment, so each case runs in a child process given that
//! environment (a test cannot change its own).

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use tandem_api::onboarding::{Onboarding, PersonalChoice, WizardChoices};
use tandem_api::{Cancel, Tandem};
use tandem_locations::Locations;
use tandem_testkit::Machine;
use tandem_testkit::keyring::has as keyring_has;
use tandem_testkit::provider::OidcProvider;

const CHILD: &str = "TANDEM_ONBOARDING_CHILD";
const CASE: &str = "TANDEM_ONBOARDING_CASE";
const PERSONAL: &str = "Tandem personal account";
const USER: &str = "TANDEM_TEST_USER";

/// Each case signs in as its own user of the test provider, as the keyring
/// is shared by every test running at once and the cases delete entries.
fn key_of(user: &str) -> String {
    let oid = match user {
        "erin" => "00000000-0000-0000-0000-00000000e417",
        "frank" => "00000000-0000-0000-0000-00000000f4a7",
        "grace" => "00000000-0000-0000-0000-000000009ace",
        "heidi" => "00000000-0000-0000-0000-000000004e1d",
        other => panic!("no key for {other}"),
    };
    format!("{oid}.{}", tandem_testkit::CONSUMER_TENANT_ID)
}

fn choices(key: &str, link_handler: bool, autostart: bool) -> WizardChoices {
    WizardChoices {
        work: "edge:Default".parse().unwrap(),
        personal: PersonalChoice::SignedIn {
            key: tandem_microsoft::AccountKey::from_stored(key),
        },
        link_handler,
        autostart,
    }
}

/// The wizard's side, in a child process with the provider's environment.
#[test]
#[ignore = "run as a child process by the tests in this file"]
fn child() {
    let Ok(root) = std::env::var(CHILD) else {
        return;
    };
    let locations = Locations::under(Path::new(&root));
    if std::env::var(CASE).unwrap() == "signin" {
        // As `tandem signin --personal` does.
        sign_in_on_purpose(&locations);
        return;
    }
    let mut wizard = Onboarding::new();
    let signed_in = wizard
        .sign_in(&locations, Duration::from_secs(60), &Cancel::new(), &|_| {})
        .unwrap();
    let key = key_of(&std::env::var(USER).unwrap());
    assert_eq!(signed_in.key.as_str(), key);
    assert!(
        keyring_has(PERSONAL, &key),
        "the sign-in's tokens are in the keyring"
    );
    match std::env::var(CASE).unwrap().as_str() {
        "cancel" => wizard.cancel(&locations).unwrap(),
        "finish" => {
            let done = wizard
                .finish(&locations, &choices(&key, true, true))
                .unwrap();
            assert_eq!(done.link.work.to_string(), "edge:Default");
            assert!(done.link_handler && done.autostart);
        }
        "fail" => {
            let error = wizard
                .finish(&locations, &choices(&key, true, true))
                .unwrap_err();
            eprintln!("the step failed as it should: {error}");
            // Still cancellable afterwards: the sign-in goes too.
            wizard.cancel(&locations).unwrap();
        }
        "signin_then_cancel" => {
            // The person signs in to the same account on purpose meanwhile
            // (`tandem signin`): then it is theirs, and Cancel keeps it.
            sign_in_on_purpose(&locations);
            wizard.cancel(&locations).unwrap();
            assert!(keyring_has(PERSONAL, &key), "a deliberate sign-in is kept");
        }
        "killed" => {
            // Killed mid-wizard: neither Cancel nor Finish runs.
            let _ = Command::new("kill")
                .args(["-KILL", &std::process::id().to_string()])
                .status();
            std::thread::sleep(Duration::from_secs(30));
            unreachable!("the kill did not arrive");
        }
        other => panic!("unknown case {other}"),
    }
}

/// As `tandem signin --personal` does.
fn sign_in_on_purpose(locations: &Locations) {
    tandem_api::accounts::sign_in(
        locations,
        tandem_identity::MicrosoftAccountKind::Personal,
        tandem_api::accounts::Method::Browser,
        Duration::from_secs(60),
        &Cancel::new(),
        &|_| {},
    )
    .unwrap();
}

fn run_child(machine: &Machine, case: &str) {
    let output = child_output(machine, case);
    assert!(
        output.status.success(),
        "{case}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn child_output(machine: &Machine, case: &str) -> std::process::Output {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, machine.root.path())
        .env(CASE, case)
        .env("HOME", &machine.home)
        .envs(machine.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .unwrap()
}

fn machine(op: &OidcProvider, user: &str) -> Machine {
    let mut machine = Machine::new().with_keyring_and_provider(op, user);
    machine.edge_profiles("bob@contoso.test");
    // The command the link handler would run; only its path is written.
    let cli = machine.stand_in("usr/bin/tandem").program;
    machine.set_env("TANDEM_CLI", cli.to_str().unwrap());
    machine
}

fn nothing_set_up(machine: &Machine) {
    let locations = machine.locations();
    let tandem = Tandem::open(&locations).unwrap();
    assert!(
        tandem.status().links.is_empty(),
        "{:?}",
        tandem.status().links
    );
    assert!(!tandem_api::routing::handler_status(&locations).registered);
    assert!(!tandem_api::setup::autostart_enabled(&locations));
    assert!(!tandem_api::settings::load(&locations).onboarded);
}

#[test]
fn cancelling_leaves_tandem_as_it_was() {
    let op = OidcProvider::start();
    let machine = machine(&op, "erin");
    run_child(&machine, "cancel");
    nothing_set_up(&machine);
    assert!(
        !keyring_has(PERSONAL, &key_of("erin")),
        "the wizard's sign-in was taken back"
    );
    let record = machine
        .locations()
        .data_dir()
        .join("personal/wizard-sign-in.json");
    assert!(!record.exists(), "and so was its record");
    assert!(
        tandem_api::accounts::list(&machine.locations())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn finishing_links_with_the_sign_in_and_sets_up_the_handler_and_autostart() {
    let op = OidcProvider::start();
    let machine = machine(&op, "frank");
    let key = key_of("frank");
    run_child(&machine, "finish");
    let locations = machine.locations();
    let tandem = Tandem::open(&locations).unwrap();
    let link = &tandem.status().links[0];
    assert_eq!(link.work.to_string(), "edge:Default");
    assert_eq!(
        link.personal_account
            .as_ref()
            .unwrap()
            .account_key
            .as_ref()
            .unwrap()
            .as_str(),
        key
    );
    assert!(tandem_api::routing::handler_status(&locations).registered);
    assert!(tandem_api::setup::autostart_enabled(&locations));
    assert!(tandem_api::settings::load(&locations).onboarded);
    assert!(keyring_has(PERSONAL, &key));
    // Finished: nothing for the next start to take back.
    assert!(!tandem_api::onboarding::take_back_interrupted_sign_in(&locations).unwrap());
    assert!(keyring_has(PERSONAL, &key));
    // The next test run's keyring starts clean.
    tandem_api::accounts::sign_out(&locations, &key).unwrap();
}

#[test]
fn a_step_that_fails_takes_back_the_steps_before_it() {
    let op = OidcProvider::start();
    let machine = machine(&op, "grace");
    // The link handler cannot be registered: mimeapps.list is a link, which
    // Tandem never writes through.
    let list = machine.home.join(".config/mimeapps.list");
    std::fs::create_dir_all(list.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink("/dev/null", &list).unwrap();
    run_child(&machine, "fail");
    nothing_set_up(&machine);
    assert!(!keyring_has(PERSONAL, &key_of("grace")));
}

#[test]
fn a_wizard_killed_after_its_sign_in_has_it_taken_back_at_the_next_start() {
    let op = OidcProvider::start();
    let machine = machine(&op, "heidi");
    let key = key_of("heidi");
    let killed = child_output(&machine, "killed");
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&killed.status),
        Some(9),
        "{}",
        String::from_utf8_lossy(&killed.stderr)
    );
    let locations = machine.locations();
    assert!(keyring_has(PERSONAL, &key), "the kill left the sign-in");
    // What the app does as it starts, before any wizard.
    assert!(tandem_api::onboarding::take_back_interrupted_sign_in(&locations).unwrap());
    assert!(!keyring_has(PERSONAL, &key));
    assert!(tandem_api::accounts::list(&locations).unwrap().is_empty());
    nothing_set_up(&machine);
    assert!(!tandem_api::onboarding::take_back_interrupted_sign_in(&locations).unwrap());

    // Killed again, but then the person signs in to that account on purpose
    // (`tandem signin`) before the app starts: it is theirs to keep.
    let killed = child_output(&machine, "killed");
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&killed.status),
        Some(9)
    );
    run_child(&machine, "signin");
    assert!(!tandem_api::onboarding::take_back_interrupted_sign_in(&locations).unwrap());
    assert!(keyring_has(PERSONAL, &key));
    tandem_api::accounts::sign_out(&locations, &key).unwrap();

    run_child(&machine, "signin_then_cancel");
    assert!(keyring_has(PERSONAL, &key));
    tandem_api::accounts::sign_out(&locations, &key).unwrap();
}

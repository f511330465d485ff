//! `tandem` against a hostile user and a broken machine: special files,
//! links, escape sequences, odd file shapes, damaged state, parallel runs.
//! One test per defect the hostile-input review found, and one per rule
//! every command keeps:
//! - no command blocks forever on a file, a lock or the network;
//! - no file of the user's is overwritten without asking;
//! - `status` tells the whole truth about the policy of each profile;
//! - (the irreversible IPC commands' native confirmation is tested in the
//!   app shell and end to end).

#![allow(clippy::unwrap_used)]

use std::time::Duration;

mod support;
use support::*;

/// Long enough for any honest command on a loaded CI machine; a command
/// waiting on a FIFO would wait forever.
const HONEST: Duration = Duration::from_secs(20);

fn has_unsafe(text: &str) -> bool {
    text.chars()
        .filter(|c| *c != '\n')
        .any(tandem_text::is_unsafe)
}

// Defect 1: writes through symbolic links.

#[test]
fn a_link_in_place_of_the_history_or_the_lock_is_never_written_through() {
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    machine.link_edge();
    let outside = machine.root.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let victim = outside.join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    // The work file's backup, and the history file of Tandem 0.1, as links.
    let backup = machine.data_dir().join("work/links.json.bak");
    std::fs::remove_file(&backup).unwrap();
    std::os::unix::fs::symlink(&victim, &backup).unwrap();
    let legacy_history = machine.data_dir().join("work/history.jsonl");
    std::os::unix::fs::symlink(&victim, &legacy_history).unwrap();

    machine.ok(&["unlink"]);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    assert!(std::fs::symlink_metadata(&backup).unwrap().is_file());
    let events = machine.json(&["history", "--json"]);
    let events: Vec<_> = events["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(events, ["linked", "unlinked-by-user"]);

    // A dangling link as the lock: its target is never created.
    let lock = machine.data_dir().join(".lock");
    std::fs::remove_file(&lock).unwrap();
    let target = outside.join("created-by-tandem");
    std::os::unix::fs::symlink(&target, &lock).unwrap();
    machine.ok(&["status"]);
    assert!(!target.exists());
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 1);
}

#[test]
fn a_link_in_place_of_a_data_folder_is_set_aside_and_reported() {
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    let outside = machine.root.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(machine.data_dir()).unwrap();
    std::os::unix::fs::symlink(&outside, machine.data_dir().join("work")).unwrap();
    let output = machine.run(&[
        "link",
        "--work",
        "edge:Default",
        "--personal-profile",
        "edge:Profile 1",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("symbolic link"));
    assert_eq!(
        std::fs::read_dir(&outside).unwrap().count(),
        0,
        "nothing written outside"
    );
    assert_eq!(
        machine.json(&["status", "--json"])["links"][0]["state"],
        "linked"
    );
}

// Defect 2: blocking special files.

#[test]
fn a_fifo_in_place_of_any_file_tandem_reads_never_holds_a_command_up() {
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    machine.link_edge();
    let edge = machine.edge_dir();
    let firefox = machine.home.join(".mozilla/firefox");
    std::fs::create_dir_all(&firefox).unwrap();
    std::fs::remove_file(edge.join("Profile 1/Preferences")).unwrap();
    std::fs::remove_file(edge.join("Local State")).unwrap();
    for fifo in [
        edge.join("Local State"),
        edge.join("Profile 1/Preferences"),
        firefox.join("profiles.ini"),
    ] {
        mkfifo(&fifo);
    }
    for args in [
        &["profiles"][..],
        &["profiles", "--json"],
        &["status"],
        &["policy"],
    ] {
        let (output, _) = machine.run_within(args, HONEST);
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let (output, _) = machine.run_within(&["profiles", "--json"], HONEST);
    let snapshot: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let reasons = snapshot["unreadable"].to_string();
    assert!(reasons.contains("Local State is a named pipe"), "{reasons}");
    assert!(
        reasons.contains("profiles.ini is a named pipe"),
        "{reasons}"
    );
    // The profiles on disk are still shown, and the link still stands.
    assert_eq!(
        machine.json(&["status", "--json"])["links"][0]["state"],
        "linked"
    );

    // A policy file that cannot be read fails closed, naming itself.
    let policy = machine.system.join("etc/tandem/policies/managed");
    std::fs::create_dir_all(&policy).unwrap();
    mkfifo(&policy.join("linking.json"));
    let (output, _) = machine.run_within(&["status", "--json"], HONEST);
    let status: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(status["linking_allowed"], false);
    let reason = tandem_testkit::said(&status["policy_reason"]);
    assert!(reason.contains("linking.json is a named pipe"), "{reason}");
}

#[test]
fn what_tandem_finds_in_the_way_is_told_in_the_readers_language_with_its_own_code() {
    let mut machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    machine.link_edge();
    machine.set_lang("nl_NL.UTF-8");
    // A pipe where the desktop keeps its default handlers.
    let mimeapps = machine.home.join(".config/mimeapps.list");
    std::fs::create_dir_all(mimeapps.parent().unwrap()).unwrap();
    mkfifo(&mimeapps);
    let error = machine.json_error(&["--json", "handler", "on"]);
    assert_eq!(error["code"], "not_a_regular_file", "{error}");
    let (output, _) = machine.run_within(&["handler", "on"], HONEST);
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("is een named pipe (FIFO)"), "{said}");
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(
        &std::fs::symlink_metadata(&mimeapps).unwrap().file_type()
    ));

    // A pipe where Tandem's own desktop entry belongs is named, not taken
    // for an entry the person edited; a file where the folder belongs too.
    std::fs::remove_file(&mimeapps).unwrap();
    let applications = machine.home.join(".local/share/applications");
    std::fs::create_dir_all(&applications).unwrap();
    mkfifo(&applications.join("dev.tandem.Tandem.desktop"));
    let error = machine.json_error(&["--json", "handler", "on"]);
    assert_eq!(error["code"], "not_a_regular_file", "{error}");
    std::fs::remove_dir_all(&applications).unwrap();
    std::fs::write(&applications, b"not a folder").unwrap();
    let error = machine.json_error(&["--json", "handler", "on"]);
    assert_eq!(error["code"], "not_a_folder", "{error}");
    let (output, _) = machine.run_within(&["handler", "on"], HONEST);
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("is een gewoon bestand, waar een map hoort"),
        "{said}"
    );
    assert_eq!(std::fs::read(&applications).unwrap(), b"not a folder");
    // Refused before Tandem wrote down that it registered.
    let status = machine.json(&["handler", "status", "--json"]);
    assert_eq!(status["replaced_since"], false, "{status}");
    // A link to nowhere where the folder belongs is named as a link.
    std::fs::remove_file(&applications).unwrap();
    std::os::unix::fs::symlink(machine.home.join("gone"), &applications).unwrap();
    let error = machine.json_error(&["--json", "handler", "on"]);
    assert_eq!(error["code"], "not_a_folder", "{error}");
    assert_eq!(error["kind"]["key"], "file.kind.symlink", "{error}");
    // The same for starting at sign-in.
    let autostart = machine.home.join(".config/autostart");
    std::fs::create_dir_all(&autostart).unwrap();
    mkfifo(&autostart.join("dev.tandem.Tandem.desktop"));
    let error = machine.json_error(&["--json", "autostart", "on"]);
    assert_eq!(error["code"], "not_a_regular_file", "{error}");

    // A pipe where Tandem keeps its links: moved aside, and said in Dutch.
    let links = machine.data_dir().join("work/links.json");
    std::fs::remove_file(&links).unwrap();
    mkfifo(&links);
    let (output, _) = machine.run_within(&["status"], HONEST);
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("is een named pipe (FIFO), waar Tandem zijn eigen bestand bewaart"),
        "{said}"
    );
    // What the person reads (the log's lines stay English).
    let told: Vec<&str> = said
        .lines()
        .filter(|line| line.starts_with("tandem:"))
        .collect();
    assert!(!told.is_empty(), "{said}");
    assert!(
        told.iter().all(|line| !line.contains("where Tandem keeps")),
        "{said}"
    );
}

#[test]
fn links_to_devices_are_refused_at_once_and_policy_files_are_capped() {
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    let edge = machine.edge_dir();
    std::fs::remove_file(edge.join("Local State")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", edge.join("Local State")).unwrap();
    std::fs::remove_file(edge.join("Profile 1/Preferences")).unwrap();
    std::os::unix::fs::symlink("/dev/stdin", edge.join("Profile 1/Preferences")).unwrap();
    let (output, took) = machine.run_within(&["profiles", "--json"], HONEST);
    assert!(output.status.success());
    assert!(
        took < Duration::from_secs(5),
        "a device was read before it was refused: {took:?}"
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("character device"), "{text}");

    let policy = machine.system.join("etc/tandem/policies/managed");
    std::fs::create_dir_all(&policy).unwrap();
    let huge = std::fs::File::create(policy.join("huge.json")).unwrap();
    huge.set_len(32 * 1024 * 1024).unwrap();
    let status = machine.json(&["status", "--json"]);
    assert_eq!(
        status["linking_allowed"], false,
        "an oversized policy fails closed"
    );
    assert!(
        tandem_testkit::said(&status["policy_reason"]).contains("too large"),
        "{status}"
    );
}

// Defect 3: terminal escape injection.

#[test]
fn escape_sequences_in_browser_files_never_reach_the_terminal_or_tandems_files() {
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    let edge = machine.edge_dir();
    let hostile_name = "Work\u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}31m\u{202e}lanosrep";
    let state = std::fs::read_to_string(edge.join("Local State")).unwrap();
    std::fs::write(
        edge.join("Local State"),
        state.replace(
            r#""name":"Profile 1","is_using_default_name":true,"user_name":"work""#,
            &format!(
                r#""name":{},"is_using_default_name":false,"user_name":"work""#,
                serde_json::to_string(hostile_name).unwrap()
            ),
        ),
    )
    .unwrap();
    let hostile_email = "bob\u{1b}[8m@contoso.test\u{85}\u{2066}";
    // Escaped in the file, as Chromium writes it: JSON holds no raw controls.
    let preferences = serde_json::json!({"account_info": [{
        "email": hostile_email,
        "full_name": "Bob\u{1b}[31m Work",
        "edge_account_tenant_id": WORK_TENANT,
    }]});
    std::fs::write(edge.join("Default/Preferences"), preferences.to_string()).unwrap();
    let profiles = machine.ok(&["profiles"]);
    assert!(profiles.contains("\\u{1b}]0;owned"), "{profiles}");
    machine.link_edge();
    for args in [
        &["profiles"][..],
        &["profiles", "--json"],
        &["status"],
        &["status", "--json"],
        &["history"],
    ] {
        let output = machine.run(args);
        for stream in [&output.stdout, &output.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(!has_unsafe(&text), "tandem {args:?} printed {text:?}");
        }
    }
    // JSON still carries the exact name, as escapes.
    let snapshot = machine.json(&["profiles", "--json"]);
    assert_eq!(snapshot["profiles"][0]["name"], hostile_name);
    for (path, bytes) in files_under(&machine.data_dir()) {
        assert!(
            !has_unsafe(&String::from_utf8_lossy(&bytes)),
            "{path:?} holds a raw control character"
        );
    }
    // An error that names the profile is escaped too.
    std::fs::remove_dir_all(edge.join("Default")).unwrap();
    let output = machine.run(&["unlink", "--work", "edge:\u{1b}[2J"]);
    assert!(!output.status.success());
    assert!(!has_unsafe(&String::from_utf8_lossy(&output.stderr)));
}

// Defect 4: a Local State of an unexpected shape.

#[test]
fn a_local_state_tandem_cannot_understand_ends_no_link() {
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    machine.link_edge();
    let local_state = machine.edge_dir().join("Local State");
    for shape in [
        "{}",
        r#"{"profile":{"info_cache":"not a map"}}"#,
        r#"{"profile":[1,2]}"#,
    ] {
        std::fs::write(&local_state, shape).unwrap();
        let status = machine.json(&["status", "--json"]);
        assert_eq!(
            status["links"].as_array().unwrap().len(),
            1,
            "{shape}: {status}"
        );
        assert_eq!(status["links"][0]["state"], "linked", "{shape}");
        assert!(
            status["links"][0]["personal_account"].is_object(),
            "{shape}: the personal half is kept"
        );
        let snapshot = machine.json(&["profiles", "--json"]);
        assert!(
            tandem_testkit::said(&snapshot["unreadable"][0]["reason"]).contains("unexpected shape"),
            "{shape}: {snapshot}"
        );
        assert_eq!(
            snapshot["profiles"].as_array().unwrap().len(),
            2,
            "shown from the folders on disk"
        );
    }
    let history = machine.json(&["history", "--json"]);
    assert_eq!(
        history["history"].as_array().unwrap().len(),
        1,
        "only the link: {history}"
    );
}

// Defect 6: a damaged account index.

#[test]
fn a_damaged_account_index_is_recovered_and_blocks_nothing() {
    let op = provider::OidcProvider::start();
    let machine = Machine::new().with_keyring_and_provider(&op, "carol");
    machine.ok(&["signin", "--personal"]);
    let index = machine.data_dir().join("personal/accounts.json");
    let good = std::fs::read(&index).unwrap();
    let export = machine.root.path().join("export.json");
    for args in [
        &["accounts", "--json"][..],
        &["privacy", "export", export.to_str().unwrap()],
        &["privacy", "delete", "--yes"],
        &["uninstall", "--yes"],
    ] {
        // Truncated before each: every command recovers it.
        if index.exists() {
            std::fs::write(&index, &good[..good.len() / 2]).unwrap();
        }
        let (output, _) = machine.run_within(args, HONEST);
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        if args[0] == "accounts" {
            let accounts: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
            assert_eq!(accounts["accounts"][0]["username"], "carol@outlook.test");
        }
    }
    let exported: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&export).unwrap()).unwrap();
    assert_eq!(
        exported["personal_accounts"][0]["username"],
        "carol@outlook.test"
    );
    assert!(
        !keyring_has("Tandem personal account", CAROL_KEY),
        "delete found carol through the recovered index"
    );
}

// Defect 7: export replaced its target.

#[test]
fn export_never_replaces_a_link_a_device_a_folder_or_a_file_unasked() {
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    let target = machine.root.path().join("target.txt");
    std::fs::write(&target, "mine").unwrap();
    let link = machine.root.path().join("link.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let mut cases = vec![
        (target.clone(), "--overwrite"),
        (link.clone(), "symbolic link"),
        (machine.root.path().to_path_buf(), "folder"),
    ];
    // A device node of the test's own (never the system's /dev/null, which a
    // broken export run as root would replace): only root can make one.
    let device = machine.root.path().join("null");
    let made = std::process::Command::new("mknod")
        .arg(&device)
        .args(["c", "1", "3"])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if made {
        cases.push((device.clone(), "character device"));
    } else {
        eprintln!("skipped the device node case: mknod needs root (CAP_MKNOD)");
    }
    for (path, says) in cases {
        let error = machine.fails(&["privacy", "export", path.to_str().unwrap()]);
        assert!(error.contains(says), "{path:?}: {error}");
        if path != target {
            let error =
                machine.fails(&["privacy", "export", "--overwrite", path.to_str().unwrap()]);
            assert!(error.contains(says), "{path:?} with --overwrite: {error}");
        }
    }
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "mine");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    // Asked, a regular file is replaced, never written through halfway.
    machine.ok(&["privacy", "export", "--overwrite", target.to_str().unwrap()]);
    let exported: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&target).unwrap()).unwrap();
    assert!(exported["links"].is_array());
}

// Defect 8: false history under parallel runs.

#[test]
fn parallel_links_and_unlinks_leave_a_true_history() {
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    let link = [
        "link",
        "--work",
        "edge:Default",
        "--personal-profile",
        "edge:Profile 1",
    ];
    let unlink = ["unlink", "--work", "edge:Default"];
    let children: Vec<_> = (0..150)
        .map(|index| {
            let args: &[&str] = if index % 2 == 0 { &link } else { &unlink };
            std::process::Command::new(env!("CARGO_BIN_EXE_tandem"))
                .args(args)
                .env_clear()
                .env("HOME", &machine.home)
                .envs(machine.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut succeeded = [0, 0];
    for (index, child) in children.into_iter().enumerate() {
        let output = child.wait_with_output().unwrap();
        if output.status.success() {
            succeeded[index % 2] += 1;
        } else {
            let error = String::from_utf8_lossy(&output.stderr);
            assert!(
                error.contains("already linked") || error.contains("is not linked"),
                "a misleading error: {error}"
            );
        }
    }
    let history = machine.json(&["history", "--json"]);
    let events: Vec<&str> = history["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        events.iter().filter(|e| **e == "linked").count(),
        succeeded[0]
    );
    assert_eq!(
        events.iter().filter(|e| **e == "unlinked-by-user").count(),
        succeeded[1]
    );
    for (index, event) in events.iter().enumerate() {
        let expected = if index % 2 == 0 {
            "linked"
        } else {
            "unlinked-by-user"
        };
        assert_eq!(*event, expected, "the history must alternate: {events:?}");
    }
    let linked = !machine.json(&["status", "--json"])["links"]
        .as_array()
        .unwrap()
        .is_empty();
    assert_eq!(linked, events.last() == Some(&"linked"));
}

// Defect 9: autostart replaced an entry Tandem did not write.

#[test]
fn autostart_never_replaces_or_removes_an_entry_tandem_did_not_write() {
    let machine = Machine::new();
    let entry = machine
        .home
        .join(".config/autostart/dev.tandem.Tandem.desktop");
    std::fs::create_dir_all(entry.parent().unwrap()).unwrap();
    let theirs = "[Desktop Entry]\nType=Application\nExec=my-own-tandem-wrapper\n";
    std::fs::write(&entry, theirs).unwrap();
    let error = machine.fails(&["autostart", "on"]);
    assert!(error.contains("did not write it"), "{error}");
    machine.ok(&["autostart", "off"]);
    assert_eq!(std::fs::read_to_string(&entry).unwrap(), theirs);
}

// Defect 10: personal data left by a crash, and in debug logs.

#[test]
fn no_temporary_file_outlives_the_next_command_and_delete_cleans_the_logs() {
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    machine.link_edge();
    let stale = machine.data_dir().join("personal/links.json.tmp-4242-99");
    std::fs::write(&stale, "alice@outlook.test, as a killed write left it").unwrap();
    machine.ok(&["status"]);
    assert!(!stale.exists());

    let logs = machine.home.join(".local/state/tandem/logs");
    std::fs::create_dir_all(&logs).unwrap();
    let log = logs.join("tandem-app.2026-11-25.log");
    std::fs::write(
        &log,
        "INFO started\nDEBUG account stored username=Some(\"alice@outlook.test\")\nINFO link changed\n",
    )
    .unwrap();
    machine.ok(&["privacy", "delete", "--yes"]);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains("alice@outlook.test"), "{text}");
    assert!(
        text.contains("INFO started") && text.contains("INFO link changed"),
        "{text}"
    );
    for (path, bytes) in files_under(&machine.home.join(".local")) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("alice@outlook.test"),
            "{path:?} still names the personal account"
        );
    }
}

// Rule: no command blocks forever on a lock.

#[test]
fn a_lock_held_by_a_hung_process_is_given_up_on_with_a_reason() {
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    std::fs::create_dir_all(machine.data_dir()).unwrap();
    // This test process stands in for a hung one: it holds the lock.
    let held = std::fs::File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(machine.data_dir().join(".lock"))
        .unwrap();
    held.lock().unwrap();
    let (output, took) = machine.run_within(&["status"], Duration::from_secs(30));
    drop(held);
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("another Tandem process"), "{error}");
    assert!(
        took >= Duration::from_secs(9),
        "it gave up before waiting: {took:?}"
    );
}

// Rule: no command blocks forever on the network.

#[test]
fn an_identity_provider_that_never_answers_is_given_up_on() {
    let op = provider::OidcProvider::start();
    let mut machine = Machine::new().with_keyring_and_provider(&op, "dave");
    machine.edge_profiles("dave@contoso.test");
    machine.ok(&["signin", "--work"]);
    machine.link_edge();
    // A server that accepts connections and never says a word.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = silent.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in silent.incoming() {
            held.push(stream);
        }
    });
    for (key, value) in &mut machine.env {
        if key == "TANDEM_AUTHORITY" {
            *value = format!("http://{address}");
        }
    }
    let (output, _) = machine.run_within(
        &["status", "--json", "--check-accounts"],
        Duration::from_secs(60),
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let status: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        status["links"][0]["state"], "linked",
        "no answer is no evidence"
    );
}

// Rule: status tells the whole truth about the policy of each profile.

#[test]
fn status_tells_the_policy_of_every_browser() {
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    let chrome = machine.home.join(".config/google-chrome");
    std::fs::create_dir_all(chrome.join("Default")).unwrap();
    std::fs::write(
        chrome.join("Local State"),
        r#"{"profile":{"info_cache":{"Default":{"name":"Person 1"}}}}"#,
    )
    .unwrap();
    std::fs::write(chrome.join("Default/Preferences"), "{}").unwrap();
    machine.policy(
        "etc/opt/edge/policies/managed/linking.json",
        Some(r#"{"LinkedAccountEnabled": false}"#),
    );
    let status = machine.json(&["status", "--json"]);
    assert_eq!(status["linking_allowed"], true, "Tandem's own switch is on");
    let browsers = status["browsers"].as_array().unwrap();
    let of = |id: &str| {
        browsers
            .iter()
            .find(|b| b["browser"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(of("edge")["linking_allowed"], false);
    assert!(tandem_testkit::said(&of("edge")["reason"]).contains("LinkedAccountEnabled"));
    assert_eq!(of("chrome")["linking_allowed"], true);
    let text = machine.ok(&["status"]);
    assert!(
        text.contains("allowed for Google Chrome, but off for"),
        "{text}"
    );
    assert!(
        text.contains("Microsoft Edge: your organization turned linking off"),
        "{text}"
    );
    assert!(
        !text.contains("Linking is allowed for every profile"),
        "{text}"
    );
}

// Found by a second attack, after the first round of fixes.

#[test]
fn a_linked_or_hard_linked_log_folder_or_history_is_never_written_through() {
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    machine.link_edge();
    let elsewhere = machine.root.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(
        elsewhere.join("server.log"),
        "user alice@outlook.test logged in\n",
    )
    .unwrap();
    let state = machine.home.join(".local/state/tandem");
    std::fs::create_dir_all(&state).unwrap();
    std::os::unix::fs::symlink(&elsewhere, state.join("logs")).unwrap();
    let notes = machine.root.path().join("notes.txt");
    std::fs::write(&notes, b"alice@outlook.test is a friend\n\xff\n").unwrap();
    let output = machine.run(&["privacy", "delete", "--yes"]);
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("symbolic link"),
        "{output:?}"
    );
    assert_eq!(
        std::fs::read_dir(&elsewhere).unwrap().count(),
        1,
        "no lock made there"
    );
    assert!(
        std::fs::read_to_string(elsewhere.join("server.log"))
            .unwrap()
            .contains("alice")
    );

    // A hard link to a file elsewhere, in place of a log.
    std::fs::remove_file(state.join("logs")).unwrap();
    std::fs::create_dir_all(state.join("logs")).unwrap();
    std::fs::hard_link(&notes, state.join("logs/tandem-app.2026-11-25.log")).unwrap();
    machine.link_edge();
    machine.ok(&["privacy", "delete", "--yes"]);
    assert_eq!(
        std::fs::read(&notes).unwrap(),
        b"alice@outlook.test is a friend\n\xff\n"
    );
}

#[test]
fn a_browser_folder_out_of_reach_ends_no_link() {
    type Breaks = fn(&Machine);
    let cases: [(&str, Breaks); 5] = [
        ("an empty folder, as an unmounted disk leaves", |machine| {
            std::fs::rename(machine.edge_dir(), machine.root.path().join("disk")).unwrap();
            std::fs::create_dir_all(machine.edge_dir()).unwrap();
        }),
        ("a link to a disk that is not there", |machine| {
            std::fs::rename(machine.edge_dir(), machine.root.path().join("disk")).unwrap();
            std::os::unix::fs::symlink("/mnt/unmounted/edge", machine.edge_dir()).unwrap();
        }),
        ("a profile folder linked to nowhere", |machine| {
            std::fs::remove_dir_all(machine.edge_dir().join("Default")).unwrap();
            std::os::unix::fs::symlink("/mnt/x/Default", machine.edge_dir().join("Default"))
                .unwrap();
        }),
        (
            "an empty profile list beside the profile folders",
            |machine| {
                std::fs::write(
                    machine.edge_dir().join("Local State"),
                    r#"{"profile":{"info_cache":{}}}"#,
                )
                .unwrap();
            },
        ),
        ("an email of the wrong type", |machine| {
            std::fs::write(
                machine.edge_dir().join("Default/Preferences"),
                format!(
                    r#"{{"account_info":[{{"email":5,"edge_account_tenant_id":"{WORK_TENANT}"}}]}}"#
                ),
            )
            .unwrap();
        }),
    ];
    for (what, break_it) in cases {
        let machine = Machine::new();
        machine.edge_profiles("bob@contoso.test");
        machine.link_edge();
        break_it(&machine);
        let status = machine.json(&["status", "--json"]);
        assert_eq!(
            status["links"].as_array().unwrap().len(),
            1,
            "{what}: {status}"
        );
        assert_eq!(status["links"][0]["state"], "linked", "{what}: {status}");
        let history = machine.json(&["history", "--json"]);
        assert_eq!(
            history["history"].as_array().unwrap().len(),
            1,
            "{what}: {history}"
        );
    }
}

#[test]
fn a_preferences_file_being_written_records_nothing_false() {
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    machine.link_edge();
    let preferences = machine.edge_dir().join("Default/Preferences");
    let whole = std::fs::read(&preferences).unwrap();
    std::fs::write(&preferences, &whole[..40]).unwrap();
    assert_eq!(
        machine.json(&["status", "--json"])["links"][0]["state"],
        "linked"
    );
    std::fs::write(&preferences, &whole).unwrap();
    assert_eq!(
        machine.json(&["status", "--json"])["links"][0]["state"],
        "linked"
    );
    let history = machine.json(&["history", "--json"]);
    assert_eq!(history["history"].as_array().unwrap().len(), 1, "{history}");
}

#[test]
fn damaged_copies_of_personal_data_do_not_outlive_an_unlink_or_a_delete() {
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    machine.link_edge();
    let personal = machine.data_dir().join("personal/links.json");
    let whole = std::fs::read(&personal).unwrap();
    std::fs::write(&personal, &whole[..whole.len() / 2]).unwrap();
    machine.ok(&["status"]);
    machine.ok(&["unlink"]);
    for (path, bytes) in files_under(&machine.data_dir()) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("alice@outlook.test"),
            "{path:?}"
        );
    }

    // Both the file and its backup damaged: the logs are still cleaned of
    // what the damaged copies named.
    machine.link_edge();
    let logs = machine.home.join(".local/state/tandem/logs");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::write(
        logs.join("tandem-app.2026-11-25.log"),
        "DEBUG stored alice@outlook.test\nINFO kept\n",
    )
    .unwrap();
    for name in ["links.json", "links.json.bak"] {
        let path = personal.with_file_name(name);
        let whole = std::fs::read(&path).unwrap();
        std::fs::write(&path, &whole[..whole.len() * 2 / 3]).unwrap();
    }
    machine.ok(&["privacy", "delete", "--yes"]);
    let log = std::fs::read_to_string(logs.join("tandem-app.2026-11-25.log")).unwrap();
    assert_eq!(log, "INFO kept\n");
    for (path, bytes) in files_under(&machine.home.join(".local")) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("alice@outlook.test"),
            "{path:?}"
        );
    }
}

#[test]
fn a_line_feed_or_an_escape_from_outside_forges_no_output_line() {
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    let state = std::fs::read_to_string(machine.edge_dir().join("Local State")).unwrap();
    let forged = "x\nLinking is off for every profile: forged";
    std::fs::write(
        machine.edge_dir().join("Local State"),
        state.replace(
            r#""name":"Personal""#,
            &format!(r#""name":{}"#, serde_json::to_string(forged).unwrap()),
        ),
    )
    .unwrap();
    let policy = machine.system.join("etc/tandem/policies/managed");
    std::fs::create_dir_all(&policy).unwrap();
    std::fs::write(policy.join("x\u{1b}]0;pwn\u{7}\nforged.json"), "{broken").unwrap();
    for args in [&["profiles"][..], &["status"], &["policy"]] {
        let output = machine.run(args);
        for stream in [&output.stdout, &output.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(!has_unsafe(&text), "tandem {args:?}: {text:?}");
            assert!(
                !text.lines().any(|line| line
                    .starts_with("Linking is off for every profile: forged")
                    || line.starts_with("forged.json")),
                "tandem {args:?} printed a forged line: {text}"
            );
        }
    }
}

// Found by the review of the desktop work.

#[test]
fn a_hostile_value_clap_refuses_is_shown_escaped() {
    let machine = Machine::new();
    let hostile = "\u{1b}[31mX\u{1b}]0;pwn\u{7}\u{202e}Y\u{9b}2J:Default";
    let output = machine.run(&["link", "--work", hostile]);
    assert_eq!(output.status.code(), Some(2));
    let said = String::from_utf8(output.stderr).unwrap();
    assert!(!has_unsafe(&said), "{said:?}");
    assert!(said.contains("\\u{1b}[31mX"), "{said}");
}

#[test]
fn a_reader_that_goes_away_is_not_an_error() {
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(["profiles", "--json"])
        .env_clear()
        .env("HOME", &machine.home)
        .envs(machine.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The reader closes the pipe before reading a byte, as `| head -0` does.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn a_full_disk_under_the_output_is_told_as_such_not_as_a_bug() {
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    for args in [
        &["profiles"][..],
        &["profiles", "--json"],
        &["completions", "bash"],
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_tandem"))
            .args(args)
            .env_clear()
            .env("HOME", &machine.home)
            .envs(machine.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("did what was asked, but cannot write its output"),
            "{stderr}"
        );
        assert!(!stderr.contains("inside Tandem"), "{stderr}");
    }
}

#[test]
fn help_errors_and_version_never_panic_when_their_stream_is_full() {
    for (args, stdout_full, stderr_full, status) in [
        (&["--help"][..], true, false, 1),
        (&["--version"], true, false, 1),
        (&["nonsense"], false, true, 2),
        (&["paths"], true, true, 1),
    ] {
        let full = || std::fs::File::create("/dev/full").unwrap();
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_tandem"));
        command.args(args).env_clear().env("HOME", "/nonexistent");
        if stdout_full {
            command.stdout(full());
        }
        if stderr_full {
            command.stderr(full());
        }
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(status), "{args:?}");
    }
}

#[test]
fn uninstall_refuses_when_it_cannot_tell_whether_tandem_runs_and_says_where() {
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    machine.ok(&["profiles"]);
    let locations = tandem_locations::Locations::under(machine.root.path());
    // The app's presence file, held alone by a program that is not Tandem.
    drop(
        tandem_footprint::running::announce(&locations, tandem_footprint::running::Program::App)
            .unwrap(),
    );
    let mark = locations.data_dir().join("tandem-app.running");
    let squatter = std::fs::File::open(&mark).unwrap();
    squatter.lock().unwrap();
    let refused = machine.fails(&["uninstall", "--yes"]);
    assert!(
        refused.contains("cannot tell whether Tandem's app or tray is running"),
        "{refused}"
    );
    assert!(refused.contains("tandem-app.running"), "{refused}");
    assert!(locations.data_dir().exists(), "nothing was removed");
    drop(squatter);
    let removed = machine.ok(&["uninstall", "--yes"]);
    assert!(removed.contains("Removed everything"), "{removed}");
    assert!(!locations.data_dir().exists());
}

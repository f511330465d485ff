//! Linking from the command line, on a fake machine: Edge-shaped profiles in
//! a temporary HOME, policy files under a temporary system root, the real
//! OpenID Connect test provider and the real keyring of the test session.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

mod support;
use support::*;

#[test]
fn link_status_unlink_and_history() {
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    let linked = machine.json(&[
        "link",
        "--work",
        "edge:Default",
        "--personal-profile",
        "edge:Profile 1",
        "--json",
    ]);
    assert_eq!(linked["state"], "linked");

    let status = machine.json(&["status", "--json"]);
    assert_eq!(status["linking_allowed"], true);
    assert!(status["policy_reason"].is_null());
    let link = &status["links"][0];
    assert_eq!(link["work"], "edge:Default");
    assert_eq!(link["work_account"]["tenant_id"], WORK_TENANT);
    assert_eq!(link["work_account"]["email"], "bob@contoso.test");
    assert_eq!(link["personal_account"]["email"], "alice@outlook.test");
    assert_eq!(link["personal_profile"], "edge:Profile 1");
    assert_eq!(link["state"], "linked");
    assert!(link["since"].as_u64().unwrap() > 1_700_000_000);

    let text = machine.ok(&["status"]);
    assert!(
        text.contains("edge:Default (bob@contoso.test) ⇄ alice@outlook.test: linked"),
        "{text}"
    );

    let again = machine.fails(&[
        "link",
        "--work",
        "edge:Default",
        "--personal-profile",
        "edge:Profile 1",
    ]);
    assert!(again.contains("already linked"), "{again}");
    let wrong = machine.fails(&["link", "--work", "edge:Profile 1"]);
    assert!(
        wrong.contains("not signed in to a work or school account"),
        "{wrong}"
    );
    let bad = machine.fails(&["link", "--work", "Default"]);
    assert!(bad.contains("<browser>:<profile folder>"), "{bad}");

    // The work profile signs out: the link stays, unavailable, and unlinks locally.
    machine.edge_work_account("");
    let status = machine.json(&["status", "--json"]);
    assert_eq!(status["links"][0]["state"], "work-account-unavailable");
    machine.edge_work_account("bob@contoso.test");
    assert_eq!(
        machine.json(&["status", "--json"])["links"][0]["state"],
        "linked"
    );

    let unlinked = machine.ok(&["unlink", "--before-leaving"]);
    assert!(unlinked.contains("Unlinked edge:Default"), "{unlinked}");
    let history = machine.json(&["history", "--json"]);
    let events: Vec<&str> = history["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        events,
        [
            "linked",
            "work-account-unavailable",
            "restored",
            "unlinked-by-user"
        ]
    );
    let text = machine.ok(&["history"]);
    assert!(text.contains("before leaving the organization"), "{text}");
}

#[test]
fn policy_unlinks_refuses_and_fails_closed() {
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    let link = [
        "link",
        "--work",
        "edge:Default",
        "--personal-profile",
        "edge:Profile 1",
    ];
    machine.ok(&link);

    machine.policy(
        "etc/opt/edge/policies/managed/linking.json",
        Some(r#"{"LinkedAccountEnabled": false}"#),
    );
    let output = machine.run(&["status", "--json"]);
    let status: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // Tandem's own switch is on; Edge's policy removed the Edge profile's link.
    assert_eq!(status["linking_allowed"], true);
    assert_eq!(status["links"].as_array().unwrap().len(), 0);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("“Default” in Microsoft Edge was unlinked"),
        "{stderr}"
    );
    assert!(stderr.contains("LinkedAccountEnabled is false"), "{stderr}");
    let refused = machine.fails(&link);
    assert!(refused.contains("linking is off"), "{refused}");
    assert!(refused.contains("linking.json"), "{refused}");
    let history = machine.json(&["history", "--json"]);
    assert_eq!(history["history"][1]["event"], "unlinked-by-policy");

    // Lifting the policy does not relink.
    machine.policy("etc/opt/edge/policies/managed/linking.json", None);
    assert_eq!(
        machine.json(&["status", "--json"])["links"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    // A malformed Tandem policy turns the global switch off, naming the file.
    machine.policy(
        "etc/tandem/policies/managed/tandem.json",
        Some("{\"LinkingEnabled\": tru"),
    );
    let status = machine.json(&["status", "--json"]);
    assert_eq!(status["linking_allowed"], false);
    let reason = tandem_testkit::said(&status["policy_reason"]);
    assert!(
        reason.contains("tandem.json") && reason.contains("until it is fixed"),
        "{reason}"
    );
    machine.policy(
        "etc/tandem/policies/managed/tandem.json",
        Some(r#"{"LinkingEnabled": true}"#),
    );
    machine.ok(&link);
}

#[test]
fn a_deleted_work_account_unlinks_and_an_expired_one_does_not() {
    let op = provider::OidcProvider::start();
    let mut machine = Machine::new().with_keyring_and_provider(&op, "bob");
    machine.edge_profiles("bob@contoso.test");
    machine.ok(&["signin", "--work"]);
    machine.set_user("alice");
    let linked = machine.json(&[
        "link",
        "--work",
        "edge:Default",
        "--personal-profile",
        "edge:Profile 1",
        "--signin",
        "--json",
    ]);
    assert_eq!(linked["personal_account"]["proof"], "sign_in");
    assert_eq!(linked["personal_account"]["account_key"], ALICE_KEY);

    let checked = machine.json(&["status", "--check-accounts", "--json"]);
    assert_eq!(checked["links"][0]["state"], "linked");

    op.delete_user("bob");
    let output = machine.run(&["status", "--check-accounts", "--json"]);
    let status: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(status["links"].as_array().unwrap().len(), 0);
    let history = machine.json(&["history", "--json"]);
    let last = history["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["event"], "account-gone");
    assert!(
        tandem_testkit::said(&last["reason"]).contains("AADSTS50034"),
        "{last}"
    );

    machine.ok(&["privacy", "delete", "--yes"]);
    machine.ok(&["signout", BOB_KEY]);
}

#[test]
fn privacy_export_restrict_and_delete_round_trip() {
    let op = provider::OidcProvider::start();
    let machine = Machine::new().with_keyring_and_provider(&op, "alice");
    machine.edge_profiles("bob@contoso.test");
    machine.ok(&["link", "--work", "edge:Default", "--signin"]);
    assert!(keyring_has("Tandem personal account", ALICE_KEY));
    let export_dir = tempfile::tempdir().unwrap();
    let export = export_dir.path().join("mine.json");
    machine.ok(&["privacy", "export", export.to_str().unwrap()]);
    let exported: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&export).unwrap()).unwrap();
    assert_eq!(
        exported["personal_accounts"][0]["username"],
        "alice@outlook.test"
    );
    assert_eq!(exported["links"][0]["work"], "edge:Default");
    assert_eq!(
        exported["links"][0]["personal_account"]["email"],
        "alice@outlook.test"
    );
    let text = String::from_utf8(std::fs::read(&export).unwrap()).unwrap();
    assert!(
        !text.contains("token"),
        "no token, not even the word: {text}"
    );

    machine.ok(&["privacy", "restrict"]);
    let status = machine.json(&["status", "--json"]);
    assert_eq!(status["personal_data_restricted"], true);
    assert!(status["links"][0]["personal_account"].is_null());
    let refused = machine.fails(&["link", "--work", "edge:Default"]);
    assert!(refused.contains("paused"), "{refused}");
    machine.ok(&["privacy", "restrict", "--lift"]);

    let refused = machine.fails(&["privacy", "delete"]);
    assert!(refused.contains("--yes"), "{refused}");
    let deleted = machine.ok(&["privacy", "delete", "--yes"]);
    assert!(
        deleted.contains("1 personal sign-in(s) and 1 link(s)"),
        "{deleted}"
    );
    assert!(!keyring_has("Tandem personal account", ALICE_KEY));
    // The earlier export is the user's file now: never replaced unasked.
    let before = std::fs::read(&export).unwrap();
    let refused = machine.fails(&["privacy", "export", export.to_str().unwrap()]);
    assert!(refused.contains("--overwrite"), "{refused}");
    assert_eq!(std::fs::read(&export).unwrap(), before);
    machine.ok(&["privacy", "export", "--overwrite", export.to_str().unwrap()]);
    let exported: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&export).unwrap()).unwrap();
    assert_eq!(exported["personal_accounts"].as_array().unwrap().len(), 0);
    assert_eq!(exported["links"].as_array().unwrap().len(), 0);
    let history = machine.json(&["history", "--json"]);
    assert_eq!(
        history["history"].as_array().unwrap().last().unwrap()["event"],
        "personal-data-deleted"
    );
}

/// Every file and folder under `dir`, with its bytes and permissions.
fn tree(dir: &Path) -> BTreeMap<PathBuf, (Option<Vec<u8>>, u32)> {
    use std::os::unix::fs::PermissionsExt;
    let mut found = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            let metadata = std::fs::symlink_metadata(&path).unwrap();
            let relative = path.strip_prefix(dir).unwrap().to_path_buf();
            let mode = metadata.permissions().mode();
            if metadata.is_dir() {
                found.insert(relative, (None, mode));
                stack.push(path);
            } else {
                found.insert(relative, (Some(std::fs::read(&path).unwrap()), mode));
            }
        }
    }
    found
}

/// Folders other programs share, which Tandem may have created and leaves
/// (see `tandem_footprint::uninstall`): the only difference allowed, and
/// only while empty.
const SHARED_FOLDERS: [&str; 5] = [
    ".config",
    ".local",
    ".local/share",
    ".local/state",
    ".cache",
];

#[test]
fn uninstall_leaves_the_home_as_it_was() {
    let op = provider::OidcProvider::start();
    let mut machine = Machine::new().with_keyring_and_provider(&op, "bob");
    machine.edge_profiles("bob@contoso.test");
    let config = machine.home.join(".config");
    std::fs::create_dir_all(config.join("autostart")).unwrap();
    std::fs::write(
        config.join("autostart/other.desktop"),
        "[Desktop Entry]\nExec=other\n",
    )
    .unwrap();
    let mimeapps = "[Default Applications]\nx-scheme-handler/http=firefox.desktop\nx-scheme-handler/https=firefox.desktop\n";
    std::fs::write(config.join("mimeapps.list"), mimeapps).unwrap();
    let before = tree(&machine.home);

    // Every feature that leaves something behind.
    machine.ok(&["paths"]);
    machine.ok(&["profiles", "--json"]);
    machine.ok(&["signin", "--work"]);
    machine.set_user("alice");
    machine.ok(&[
        "link",
        "--work",
        "edge:Default",
        "--personal-profile",
        "edge:Profile 1",
        "--signin",
    ]);
    machine.ok(&["status", "--check-accounts"]);
    machine.ok(&["history"]);
    machine.ok(&["policy"]);
    let export = tempfile::tempdir().unwrap();
    machine.ok(&[
        "privacy",
        "export",
        export.path().join("x.json").to_str().unwrap(),
    ]);
    machine.ok(&["privacy", "restrict"]);
    machine.ok(&["autostart", "on"]);
    // Link routing (which registers Tandem as the link handler) has no
    // command of its own yet: register through the core.
    tandem_footprint::handler::register(
        &tandem_locations::Locations::under(machine.root.path()),
        Path::new("/usr/bin/tandem-app"),
    )
    .unwrap();
    assert_eq!(
        machine.json(&["accounts", "--json"])["accounts"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let mimeapps_now = std::fs::read_to_string(config.join("mimeapps.list")).unwrap();
    assert!(
        mimeapps_now.contains("dev.tandem.Tandem.desktop"),
        "{mimeapps_now}"
    );
    assert_ne!(tree(&machine.home), before);

    let refused = machine.fails(&["uninstall"]);
    assert!(refused.contains("--yes"), "{refused}");

    // A running app or tray would write its files again: the uninstaller
    // waits for it to quit. It asks about this machine's folders, so a
    // program merely named like the app, or another home's app, is none.
    let locations = tandem_locations::Locations::under(machine.root.path());
    let bin = tempfile::tempdir().unwrap();
    let fake_app = bin.path().join("tandem-app");
    std::fs::copy("/bin/sleep", &fake_app).unwrap();
    let mut named_like_it = Command::new(&fake_app).arg("30").spawn().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let other_home = tandem_footprint::running::announce(
        &tandem_locations::Locations::under(elsewhere.path()),
        tandem_footprint::running::Program::App,
    )
    .unwrap();
    let tray =
        tandem_footprint::running::announce(&locations, tandem_footprint::running::Program::Tray)
            .unwrap();
    let refused = machine.fails(&["uninstall", "--yes"]);
    assert!(refused.contains("tray is running"), "{refused}");
    drop(tray);
    let app =
        tandem_footprint::running::announce(&locations, tandem_footprint::running::Program::App)
            .unwrap();
    let refused = machine.fails(&["uninstall", "--yes"]);
    assert!(refused.contains("app is running"), "{refused}");
    drop(app);
    let removed = machine.ok(&["uninstall", "--yes"]);
    assert!(
        removed.contains("keyring entry of the personal account alice@outlook.test"),
        "{removed}"
    );
    assert!(removed.contains("link handler"), "{removed}");

    assert!(!keyring_has("Tandem personal account", ALICE_KEY));
    assert!(!keyring_has("Tandem work account", BOB_KEY));
    let mut after = tree(&machine.home);
    for shared in SHARED_FOLDERS {
        let path = PathBuf::from(shared);
        if !before.contains_key(&path)
            && let Some((None, _)) = after.get(&path)
        {
            let has_children = after.keys().any(|p| {
                p != &path
                    && p.starts_with(&path)
                    && !SHARED_FOLDERS.iter().any(|s| Path::new(s) == p)
            });
            assert!(
                !has_children,
                "{shared} holds something Tandem left: {after:#?}"
            );
            after.remove(&path);
        }
    }
    let changed: Vec<_> = before
        .keys()
        .chain(after.keys())
        .filter(|path| before.get(*path) != after.get(*path))
        .collect();
    assert!(
        changed.is_empty(),
        "uninstall left these different: {changed:?}"
    );
    let again = machine.ok(&["uninstall", "--yes"]);
    assert!(again.contains("left nothing"), "{again}");
    let _ = named_like_it.kill();
    let _ = named_like_it.wait();
    drop(other_home);
}

#[test]
fn a_failure_with_json_is_a_json_error_on_stdout_with_the_apps_code() {
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    let output = machine.run(&["unlink", "--json"]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["error"]["code"], "nothing_linked", "{json}");
    assert_eq!(json["error"]["message"], "nothing is linked");
    let output = machine.run(&[
        "--json",
        "link",
        "--work",
        "edge:Profile 1",
        "--personal-profile",
        "edge:Profile 1",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["error"]["code"], "not_a_work_profile", "{json}");
    assert_eq!(
        json["error"]["profile"], "edge:Profile 1",
        "parameters come along: {json}"
    );
    // Without --json, the message goes to stderr and stdout stays empty.
    let output = machine.run(&["unlink"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("nothing is linked"));
    // A command line that is not understood exits 2.
    assert_eq!(machine.run(&["link"]).status.code(), Some(2));
}

#[test]
fn an_odd_profile_is_told_once_per_command() {
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    machine.link_edge();
    std::fs::write(machine.edge_dir().join("Local State"), "{\"truncat").unwrap();
    for args in [&["status"][..], &["history"], &["unlink"]] {
        let output = machine.run(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            stderr.matches("Local State").count(),
            1,
            "tandem {args:?} told it {} times: {stderr}",
            stderr.matches("Local State").count()
        );
    }
}

/// Issue 12: the CLI follows the app's language setting when one is set,
/// else the locale, for what it prints on success too, not only errors.
#[test]
fn the_cli_speaks_the_apps_language_else_the_locale() {
    let mut machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    machine.set_lang("nl_NL.UTF-8");

    let profiles = machine.ok(&["profiles"]);
    let header = profiles.lines().next().unwrap();
    assert!(
        header.starts_with("BROWSER") && header.contains("PROFIEL") && header.contains("SOORT"),
        "{profiles}"
    );
    assert!(
        profiles.contains("werk") && profiles.contains("persoonlijk"),
        "{profiles}"
    );
    assert!(
        profiles.contains("* het profiel dat de browser standaard opent"),
        "{profiles}"
    );

    assert!(
        machine.ok(&["status"]).contains("Er is niets gekoppeld."),
        "the empty status is Dutch"
    );
    machine.link_edge();
    let status = machine.ok(&["status"]);
    assert!(
        status.contains("edge:Default (bob@contoso.test) ⇄ alice@outlook.test: gekoppeld sinds"),
        "{status}"
    );
    assert!(
        status.contains("persoonlijke links openen in edge:Profile 1"),
        "{status}"
    );
    assert!(
        status.contains("Koppelen is toegestaan voor elk profiel."),
        "{status}"
    );
    assert_eq!(
        machine.ok(&["unlink", "--work", "edge:Default"]).trim(),
        "edge:Default is ontkoppeld."
    );
    let history = machine.ok(&["history"]);
    assert!(history.starts_with("TIJD"), "{history}");
    assert!(history.contains("Door jou ontkoppeld"), "{history}");
    assert!(history.contains("op jouw verzoek"), "{history}");

    let paths = machine.ok(&["paths"]);
    assert!(
        paths.starts_with("MAP") && paths.contains("thuismap"),
        "{paths}"
    );
    let rules = machine.ok(&["rules", "list"]);
    assert!(rules.contains("Als geen regel past:"), "{rules}");
    assert!(
        rules.contains("LAAG") && rules.contains("ingebouwd"),
        "{rules}"
    );
    assert_eq!(
        machine.ok(&["handler", "status"]).trim(),
        "Tandem opent geen weblinks."
    );
    // What was saved is said, not what was typed.
    assert_eq!(
        machine.ok(&["rules", "fallback", " ask "]).trim(),
        "Als geen regel past: vragen in welk profiel de link opent"
    );
    assert_eq!(
        machine.ok(&["autostart", "off"]).trim(),
        "Tandem start niet wanneer je je aanmeldt."
    );
    // The words are Dutch; what came from outside is still escaped.
    assert!(
        !status.contains(" since ") && !history.contains("Unlinked"),
        "{status}{history}"
    );

    // The app's choice wins over the locale, both ways.
    tandem_api::settings::set_language(&machine.locations(), Some(tandem_i18n::Language::En))
        .unwrap();
    assert!(
        machine.ok(&["status"]).contains("Nothing is linked."),
        "the app's English wins over a Dutch locale"
    );
    machine.set_lang("en_GB.UTF-8");
    tandem_api::settings::set_language(&machine.locations(), Some(tandem_i18n::Language::Nl))
        .unwrap();
    assert!(
        machine.ok(&["status"]).contains("Er is niets gekoppeld."),
        "the app's Dutch wins over an English locale"
    );
    // Scripts read the same JSON whatever the language.
    let json = machine.json(&["status", "--json"]);
    assert_eq!(json["links"], serde_json::json!([]));
}

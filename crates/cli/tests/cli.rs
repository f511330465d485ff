//! The `tandem` binary, run as a user would run it, on a fake machine.

// A test that cannot read its own fixtures should stop right there.
#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;
use std::process::{Command, Output};

fn tandem(home: &Path, args: &[&str], extra_env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tandem"));
    command.args(args).env_clear().env("HOME", home);
    for (key, value) in extra_env {
        command.env(key, value);
    }
    command.output().expect("the tandem binary runs")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "status {:?}, stderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn help_lists_the_commands() {
    let home = tempfile::tempdir().unwrap();
    let text = stdout(&tandem(home.path(), &["--help"], &[]));
    assert!(text.contains("Usage: tandem"), "{text}");
    assert!(text.contains("paths"), "{text}");
    assert!(text.contains("TANDEM_LOG"), "{text}");
}

#[test]
fn version_is_the_crate_version() {
    let home = tempfile::tempdir().unwrap();
    let text = stdout(&tandem(home.path(), &["--version"], &[]));
    assert_eq!(text.trim(), format!("tandem {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn paths_follow_home_and_xdg_variables() {
    let machine = tempfile::tempdir().unwrap();
    let home = machine.path().join("home/ada");
    let config = machine.path().join("xdg-config");
    let state = machine.path().join("xdg-state");
    let system = machine.path().join("system");
    let output = tandem(
        &home,
        &["paths", "--json"],
        &[
            ("XDG_CONFIG_HOME", config.to_str().unwrap()),
            ("XDG_STATE_HOME", state.to_str().unwrap()),
            ("TANDEM_SYSTEM_ROOT", system.to_str().unwrap()),
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let path = |key: &str| json[key].as_str().unwrap().to_owned();
    assert_eq!(path("home"), home.to_str().unwrap());
    assert_eq!(path("config_dir"), config.join("tandem").to_str().unwrap());
    assert_eq!(
        path("data_dir"),
        home.join(".local/share/tandem").to_str().unwrap()
    );
    assert_eq!(
        path("cache_dir"),
        home.join(".cache/tandem").to_str().unwrap()
    );
    assert_eq!(path("log_dir"), state.join("tandem/logs").to_str().unwrap());
    assert_eq!(path("system_root"), system.to_str().unwrap());
    assert!(
        !machine.path().join("xdg-config/tandem").exists(),
        "listing paths must not create them"
    );
}

#[test]
fn relative_system_root_is_refused_with_a_reason() {
    let home = tempfile::tempdir().unwrap();
    let output = tandem(
        home.path(),
        &["paths"],
        &[("TANDEM_SYSTEM_ROOT", "not/absolute")],
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("TANDEM_SYSTEM_ROOT must be an absolute path"),
        "{stderr}"
    );
}

#[test]
fn unknown_command_fails_with_usage() {
    let home = tempfile::tempdir().unwrap();
    let output = tandem(home.path(), &["frobnicate"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Usage"));
}

/// The CLI must start in milliseconds and run without a display, so it must
/// never link the GUI stack that the app needs.
#[cfg(target_os = "linux")]
#[test]
fn links_no_gui_library() {
    tandem_testkit::assert_links_no_gui(Path::new(env!("CARGO_BIN_EXE_tandem")));
}

fn write_edge_work_profile(home: &Path) {
    let edge = home.join(".config/microsoft-edge");
    std::fs::create_dir_all(edge.join("Default")).unwrap();
    std::fs::write(
        edge.join("Local State"),
        r#"{"profile":{"info_cache":{"Default":{"name":"Profile 1","is_using_default_name":true}}}}"#,
    )
    .unwrap();
    std::fs::write(
        edge.join("Default/Preferences"),
        r#"{"account_info":[{"email":"ada@contoso.com","full_name":"Ada Lovelace",
            "edge_account_tenant_id":"72f988bf-86f1-41af-91ab-2d7cd011db47"}]}"#,
    )
    .unwrap();
}

#[test]
fn profiles_json_has_the_documented_shape() {
    let home = tempfile::tempdir().unwrap();
    write_edge_work_profile(home.path());
    let text = stdout(&tandem(home.path(), &["profiles", "--json"], &[]));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let profiles = json["profiles"].as_array().unwrap();
    assert_eq!(profiles.len(), 1, "{text}");
    let profile = &profiles[0];
    assert_eq!(profile["browser"], "edge");
    assert_eq!(profile["profile_dir"], "Default");
    assert_eq!(profile["name"], "Ada Lovelace");
    assert_eq!(profile["account"]["kind"], "work");
    assert_eq!(profile["account"]["email"], "ada@contoso.com");
    assert_eq!(profile["account"]["display_name"], "Ada Lovelace");
    assert_eq!(
        profile["account"]["tenant_id"],
        "72f988bf-86f1-41af-91ab-2d7cd011db47"
    );
    assert_eq!(
        profile["user_data_dir"],
        home.path().join(".config/microsoft-edge").to_str().unwrap()
    );
    assert!(profile["last_active"].is_null());
    assert!(profile["unreadable"].is_null());
}

#[test]
fn profiles_table_is_readable() {
    let home = tempfile::tempdir().unwrap();
    write_edge_work_profile(home.path());
    let text = stdout(&tandem(home.path(), &["profiles"], &[]));
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("BROWSER"), "{text}");
    let row = lines.next().unwrap();
    for cell in ["edge", "Ada Lovelace *", "work", "ada@contoso.com"] {
        assert!(row.contains(cell), "{row}");
    }
    let empty = tempfile::tempdir().unwrap();
    let text = stdout(&tandem(empty.path(), &["profiles"], &[]));
    assert_eq!(text.trim(), "No browser profiles found.");
}

#[test]
fn profiles_watch_prints_a_json_line_per_change() {
    use std::io::{BufRead, BufReader};
    let home = tempfile::tempdir().unwrap();
    write_edge_work_profile(home.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(["profiles", "--watch"])
        .env_clear()
        .env("HOME", home.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until it says it is watching, then add a profile.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.contains("watching"), "{line}");
    let edge = home.path().join(".config/microsoft-edge");
    std::fs::create_dir_all(edge.join("Profile 1")).unwrap();
    std::fs::write(edge.join("Profile 1/Preferences"), "{}").unwrap();
    let state = r#"{"profile":{"info_cache":{"Default":{"name":"Profile 1","is_using_default_name":true},"Profile 1":{"name":"Second"}}}}"#;
    std::fs::write(edge.join("Local State.new"), state).unwrap();
    std::fs::rename(edge.join("Local State.new"), edge.join("Local State")).unwrap();

    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut event = String::new();
    stdout.read_line(&mut event).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let json: serde_json::Value = serde_json::from_str(&event).unwrap();
    assert_eq!(json["change"], "profile_added", "{event}");
    assert_eq!(json["browser"], "edge");
    assert_eq!(json["profile_dir"], "Profile 1");
    assert_eq!(json["snapshot"]["profiles"].as_array().unwrap().len(), 2);
}

#[test]
fn accounts_lists_nothing_on_a_new_machine() {
    let home = tempfile::tempdir().unwrap();
    let text = stdout(&tandem(home.path(), &["accounts", "--json"], &[]));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json, serde_json::json!({"accounts": []}));
    let text = stdout(&tandem(home.path(), &["accounts"], &[]));
    assert!(text.contains("No accounts"), "{text}");
}

#[test]
fn signing_out_an_unknown_account_says_how_to_find_one() {
    let home = tempfile::tempdir().unwrap();
    let output = tandem(home.path(), &["signout", "nobody@example.test"], &[]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no stored account matches"), "{stderr}");
    assert!(stderr.contains("tandem accounts"), "{stderr}");
}

use tandem_testkit::provider;

/// Reads a secret back from the Secret Service the test session runs.
fn keyring_lookup(service: &str, key: &str) -> Option<String> {
    let output = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", key])
        .output()
        .unwrap();
    output
        .status
        .success()
        .then(|| String::from_utf8(output.stdout).unwrap())
}

/// The whole sign-in from the command line: `$BROWSER` gets the URL, the
/// account lands in the real keyring, and no token appears in any file
/// under HOME nor in anything the command printed, even at trace level.
#[test]
fn signin_through_browser_to_the_keyring_and_out_again() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "run through scripts/with-keyring, which provides a Secret Service"
    );
    let op = provider::OidcProvider::start();
    let home = tempfile::tempdir().unwrap();
    let browser = format!(
        "node {}",
        provider::support_dir().join("browser-login.mjs").display()
    );
    let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS").unwrap();
    let env = [
        ("BROWSER", browser.as_str()),
        ("TANDEM_TEST_USER", "alice"),
        ("TANDEM_AUTHORITY", op.issuer.as_str()),
        ("TANDEM_CLIENT_ID", "tandem-test"),
        ("TANDEM_LOG", "trace"),
        ("DBUS_SESSION_BUS_ADDRESS", bus.as_str()),
        ("PATH", "/usr/local/bin:/usr/bin:/bin"),
    ];
    let signin = tandem(home.path(), &["signin", "--personal", "--json"], &env);
    let signin_text = stdout(&signin);
    let account: serde_json::Value = serde_json::from_str(&signin_text).unwrap();
    assert_eq!(account["kind"], "personal");
    assert_eq!(account["tenant_id"], "9188040d-6c67-4c5b-b112-36a304b66dad");
    assert_eq!(account["object_id"], "00000000-0000-0000-0000-00000000a11c");
    assert_eq!(account["username"], "alice@outlook.test");

    let key = "00000000-0000-0000-0000-00000000a11c.9188040d-6c67-4c5b-b112-36a304b66dad";
    let stored =
        keyring_lookup("Tandem personal account", key).expect("the tokens are in the keyring");
    let stored: serde_json::Value = serde_json::from_str(&stored).unwrap();
    let tokens: Vec<String> = ["access_token", "refresh_token", "id_token"]
        .iter()
        .map(|name| stored[name].as_str().unwrap().to_owned())
        .collect();

    let listed = stdout(&tandem(home.path(), &["accounts", "--json"], &env));
    assert!(listed.contains("alice@outlook.test"), "{listed}");

    // No token in any file under HOME, nor in anything printed.
    let mut written = Vec::new();
    let mut stack = vec![home.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                written.extend(std::fs::read(&path).unwrap());
            }
        }
    }
    let printed = [
        signin.stdout.clone(),
        signin.stderr.clone(),
        listed.into_bytes(),
    ]
    .concat();
    let log = String::from_utf8_lossy(&signin.stderr);
    assert!(
        log.contains("from the redirect to the tokens in the keyring"),
        "debug logging was on during the sign-in: {log}"
    );
    for token in &tokens {
        for (place, bytes) in [("a file under HOME", &written), ("the output", &printed)] {
            assert!(
                !bytes
                    .windows(token.len())
                    .any(|window| window == token.as_bytes()),
                "a token was found in {place}"
            );
        }
    }

    let signout = stdout(&tandem(
        home.path(),
        &["signout", "alice@outlook.test"],
        &env,
    ));
    assert!(
        signout.contains("Signed out alice@outlook.test"),
        "{signout}"
    );
    assert_eq!(keyring_lookup("Tandem personal account", key), None);
}

#[test]
fn policy_reports_values_sources_and_reasons() {
    let machine = tempfile::tempdir().unwrap();
    let home = machine.path().join("home");
    let system = machine.path().join("system");
    let write = |path: &str, text: &str| {
        let path = system.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "etc/opt/edge/policies/managed/linking.json",
        r#"{"LinkedAccountEnabled": false}"#,
    );
    write(
        "etc/tandem/policies/recommended/tandem.json",
        r#"{"LinkingEnabled": true}"#,
    );
    let env = [("TANDEM_SYSTEM_ROOT", system.to_str().unwrap())];
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&tandem(&home, &["policy", "--json"], &env))).unwrap();
    assert_eq!(json["linking_allowed"], true);
    assert!(json["policy_reason"].is_null());
    assert_eq!(json["browsers"]["edge"]["linking_allowed"], false);
    assert!(
        tandem_testkit::said(&json["browsers"]["edge"]["reason"])
            .contains("LinkedAccountEnabled is false")
    );
    let settings = json["settings"].as_array().unwrap();
    assert_eq!(settings.len(), 2);
    assert!(
        settings
            .iter()
            .any(|s| s["name"] == "LinkingEnabled" && s["level"] == "recommended")
    );

    write("etc/tandem/policies/managed/bad.json", "{oops");
    let text = stdout(&tandem(&home, &["policy"], &env));
    assert!(
        text.starts_with("Linking is off: the policy source"),
        "{text}"
    );
    assert!(text.contains("bad.json"), "{text}");
}

#[test]
fn errors_speak_the_apps_language_else_the_locale() {
    let mut machine = support::Machine::new();
    machine.set_lang("nl_NL.UTF-8");
    let said = machine.fails(&["unlink", "--work", "edge:Nope"]);
    assert_eq!(said.trim(), "tandem: edge:Nope is niet gekoppeld.");

    // The app's choice wins over the locale.
    tandem_api::settings::set_language(&machine.locations(), Some(tandem_i18n::Language::En))
        .unwrap();
    let said = machine.fails(&["unlink", "--work", "edge:Nope"]);
    assert_eq!(said.trim(), "tandem: edge:Nope is not linked");

    // Scripts get the code, the parameters and the English message.
    tandem_api::settings::set_language(&machine.locations(), Some(tandem_i18n::Language::Nl))
        .unwrap();
    let output = machine.run(&["unlink", "--json", "--work", "edge:Nope"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["error"]["code"], "not_linked");
    assert_eq!(json["error"]["profile"], "edge:Nope");
    assert!(
        json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not linked"),
        "{json}"
    );
}

#[test]
fn a_rule_that_cannot_be_used_is_explained_in_the_persons_language() {
    let mut machine = support::Machine::new();
    machine.set_lang("nl_NL.UTF-8");
    let said = machine.fails(&["rules", "add", "exa*mple.com", "work"]);
    assert_eq!(
        said.trim(),
        "tandem: Deze regel kan niet worden gebruikt: patroon: \"*\" mag alleen een host \
         beginnen, zoals in *.example.com"
    );
    let said = machine.fails(&["rules", "add", "example.com", "edge:../x"]);
    assert!(
        said.contains("is geen profielmap van Microsoft Edge"),
        "{said}"
    );
    // Where links go when no rule matches is no rule, and says so.
    let said = machine.fails(&["rules", "fallback", "bogus"]);
    assert!(
        said.contains("Hier kunnen links niet heen als geen regel past: „bogus” is geen keuze"),
        "{said}"
    );
    // A rule of the person's own file that cannot be used says why, in Dutch.
    let rules = machine.locations().config_dir().join("rules.toml");
    std::fs::create_dir_all(rules.parent().unwrap()).unwrap();
    std::fs::write(
        &rules,
        "version = 1\n[[rule]]\npattern = 42\ntarget = \"work\"\n",
    )
    .unwrap();
    let listed = machine.json(&["rules", "list", "--json"]);
    let note = &listed["rules"][0]["note"];
    assert_eq!(note["key"], "rules.flag.invalid", "{listed}");
    assert_eq!(note["params"]["reason"]["key"], "rule.invalid.not_text");
}

#[test]
fn completions_and_the_manual_come_from_the_command_line_definition() {
    let home = tempfile::tempdir().unwrap();
    for (shell, mark) in [
        ("bash", "complete -F _tandem"),
        ("zsh", "#compdef tandem"),
        ("fish", "complete -c tandem"),
    ] {
        let output = tandem(home.path(), &["completions", shell], &[]);
        assert!(output.status.success(), "{shell}");
        let script = stdout(&output);
        assert!(script.contains(mark), "{shell}: {script}");
        for command in ["profiles", "link", "rules", "handler", "completions"] {
            assert!(script.contains(command), "{shell} completes {command}");
        }
    }
    let refused = tandem(home.path(), &["completions", "powershell-9"], &[]);
    assert_eq!(refused.status.code(), Some(2));
    let manual = stdout(&tandem(home.path(), &["manual"], &[]));
    assert!(manual.contains(".TH tandem 1"), "{manual}");
    assert!(
        manual.contains("completions"),
        "the manual lists the commands"
    );
}

#[test]
fn policy_prints_its_schema_and_writes_the_templates_into_a_new_folder_only() {
    let home = tempfile::tempdir().unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(&stdout(&tandem(home.path(), &["policy", "--schema"], &[]))).unwrap();
    for name in ["LinkingEnabled", "RoutingRules", "ClientId", "Authority"] {
        assert!(schema["properties"][name].is_object(), "{name} in {schema}");
    }
    let folder = home.path().join("templates");
    let written = tandem(
        home.path(),
        &["policy", "--templates", folder.to_str().unwrap()],
        &[],
    );
    assert!(
        written.status.success(),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    for file in [
        "windows/tandem.admx",
        "windows/en-US/tandem.adml",
        "windows/nl-NL/tandem.adml",
        "macos/tandem.mobileconfig",
        "macos/dev.tandem.Tandem.plist",
        "linux/managed/tandem.json",
        "linux/recommended/tandem.json",
        "policy.schema.json",
        "policy.md",
    ] {
        assert!(folder.join(file).is_file(), "{file}");
    }
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&folder), 0o755);
    assert_eq!(mode(&folder.join("windows/nl-NL")), 0o755);
    assert_eq!(
        mode(&folder.join("windows/tandem.admx")),
        0o644,
        "readable, to be handed on"
    );
    let leftovers: Vec<_> = std::fs::read_dir(home.path())
        .unwrap()
        .flatten()
        .filter(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with(".tandem-templates-")
        })
        .collect();
    assert!(leftovers.is_empty(), "the private folder became the folder");
    // An admin's edited copy is never overwritten.
    std::fs::write(folder.join("policy.md"), "edited").unwrap();
    let again = tandem(
        home.path(),
        &["policy", "--templates", folder.to_str().unwrap(), "--json"],
        &[],
    );
    assert_eq!(again.status.code(), Some(1));
    let error: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(error["error"]["code"], "folder_exists");
    assert_eq!(
        std::fs::read_to_string(folder.join("policy.md")).unwrap(),
        "edited"
    );
    // Not into a folder where anyone may swap the private one for a link.
    let open_to_all = home.path().join("shared");
    std::fs::create_dir(&open_to_all).unwrap();
    std::fs::set_permissions(&open_to_all, std::fs::Permissions::from_mode(0o777)).unwrap();
    let refused = tandem(
        home.path(),
        &[
            "policy",
            "--templates",
            open_to_all.join("t").to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("choose a folder of your own"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert_eq!(std::fs::read_dir(&open_to_all).unwrap().count(), 0);
    // /tmp's sticky bit keeps others from renaming what is not theirs.
    std::fs::set_permissions(&open_to_all, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let sticky = tandem(
        home.path(),
        &[
            "policy",
            "--templates",
            open_to_all.join("t").to_str().unwrap(),
        ],
        &[],
    );
    assert!(sticky.status.success());
}

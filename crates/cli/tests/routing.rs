//! Automatic profile switching end to end: the real `tandem` binary routing
//! links on a fake machine to stand-in browsers that record how they were
//! started, a stand-in app for the picker, the handler registration in a
//! real `mimeapps.list`, and failures told to a notification daemon.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use tandem_testkit::notifications::NotificationDaemon;
use tandem_testkit::stand_in::StandIn;

mod support;
use support::*;

const EDGE: &str = "opt/microsoft/msedge/msedge";

/// Edge with the work profile `Default` (bob@contoso.test) and the personal
/// `Profile 1`, a stand-in Edge, and a stand-in app for the picker.
fn machine() -> (Machine, StandIn, StandIn) {
    let mut machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    let edge = machine.stand_in(EDGE);
    let app = machine.stand_in("usr/lib/tandem/tandem-app");
    let app_path = app.program.display().to_string();
    machine.set_env("TANDEM_APP", &app_path);
    (machine, edge, app)
}

fn runs_within(stand_in: &StandIn, count: usize) -> Vec<Vec<String>> {
    stand_in
        .wait_for(count, Duration::from_secs(5))
        .into_iter()
        .map(|run| run.args)
        .collect()
}

#[test]
fn open_starts_the_browser_in_the_profile_the_rules_choose() {
    let (mut machine, edge, app) = machine();
    machine.set_env("XDG_ACTIVATION_TOKEN", "token-from-the-click");
    machine.set_env("DESKTOP_STARTUP_ID", "startup-1");
    // Started by Tandem's app, which added GDK_GL and MALLOC_ARENA_MAX to
    // its own environment; the person set WEBKIT_DISABLE_COMPOSITING_MODE
    // and JSC_useJIT themselves.
    machine.set_env("GDK_GL", "disable");
    machine.set_env("MALLOC_ARENA_MAX", "1");
    machine.set_env("JSC_useJIT", "true");
    machine.set_env("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    machine.set_env("TANDEM_ADDED_ENV", "GDK_GL,MALLOC_ARENA_MAX,HOME");
    // No link yet: "personal" is the most recently used personal profile.
    machine.ok(&["open", "--", "https://outlook.live.com/mail/0/"]);
    let runs = edge.runs();
    assert_eq!(
        runs[0].args,
        [
            "--profile-directory=Profile 1",
            "--",
            "https://outlook.live.com/mail/0/"
        ]
    );
    // The focus token reaches the browser, so its window comes forward.
    assert_eq!(runs[0].env["XDG_ACTIVATION_TOKEN"], "token-from-the-click");
    assert_eq!(runs[0].env["DESKTOP_STARTUP_ID"], "startup-1");
    // The browser gets the person's environment, not what the app added.
    assert!(!runs[0].env.contains_key("GDK_GL"), "{:?}", runs[0].env);
    assert!(
        !runs[0].env.contains_key("MALLOC_ARENA_MAX"),
        "{:?}",
        runs[0].env
    );
    assert!(!runs[0].env.contains_key("TANDEM_ADDED_ENV"));
    assert_eq!(runs[0].env["WEBKIT_DISABLE_COMPOSITING_MODE"], "1");
    assert_eq!(runs[0].env["JSC_useJIT"], "true");
    assert!(
        runs[0].env.contains_key("HOME"),
        "only what the app may add is taken back"
    );

    // Linked: the work tenant's own hosts go to the linked work profile.
    machine.link_edge();
    machine.ok(&["open", "https://contoso.sharepoint.com/sites/hr"]);
    assert_eq!(
        edge.runs()[1].args,
        [
            "--profile-directory=Default",
            "--",
            "https://contoso.sharepoint.com/sites/hr"
        ]
    );

    // A Safe Link is decided by the link inside, and opened as received.
    let wrapped = "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fcontoso-my.sharepoint.com%2Fpersonal&data=05%7C02&reserved=0";
    machine.ok(&["open", "--", wrapped]);
    assert_eq!(
        edge.runs()[2].args,
        ["--profile-directory=Default", "--", wrapped]
    );
    // Unless the person chose to open the link inside.
    machine.ok(&["rules", "unwrap", "on"]);
    machine.ok(&["open", "--", wrapped]);
    assert_eq!(
        edge.runs()[3].args,
        [
            "--profile-directory=Default",
            "--",
            "https://contoso-my.sharepoint.com/personal"
        ]
    );
    assert!(app.runs().is_empty(), "nothing was asked");
}

#[test]
fn route_prints_the_decision_and_launches_nothing() {
    let (machine, edge, app) = machine();
    let url = "HTTPS://Outlook.Live.COM.:443/mail";
    let route = machine.json(&["route", "--json", "--", url]);
    let keys: Vec<&str> = route
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for key in [
        "url",
        "effective_url",
        "decision",
        "browser",
        "profile_dir",
        "rule",
        "reason",
        "argv",
    ] {
        assert!(keys.contains(&key), "{key} missing from {route}");
    }
    assert_eq!(route["url"], url);
    assert_eq!(route["decision"], "open");
    assert_eq!(route["browser"], "edge");
    assert_eq!(route["profile_dir"], "Profile 1");
    assert_eq!(
        route["rule"],
        serde_json::json!({"layer": "preset", "id": "preset:outlook.live.com", "pattern": "outlook.live.com"})
    );
    let argv: Vec<&str> = route["argv"]
        .as_array()
        .unwrap()
        .iter()
        .map(|arg| arg.as_str().unwrap())
        .collect();
    assert_eq!(argv[0], machine.system.join(EDGE).to_str().unwrap());
    assert_eq!(argv.last().unwrap(), &url, "the link exactly as received");
    assert!(tandem_testkit::said(&route["reason"]).contains("built-in rule"));

    // Asking: no browser, no profile, no command.
    machine.ok(&["rules", "add", "ask.example", "ask"]);
    let asked = machine.json(&["route", "--json", "--", "https://ask.example/"]);
    assert_eq!(asked["decision"], "ask");
    assert!(
        asked["browser"].is_null() && asked["profile_dir"].is_null() && asked["argv"].is_null()
    );
    assert_eq!(asked["rule"]["layer"], "user");

    // In words.
    let words = machine.ok(&["rules", "test", "https://outlook.live.com/"]);
    assert!(
        words.contains("opens in Microsoft Edge, profile Profile 1"),
        "{words}"
    );
    assert!(words.contains("because Tandem's built-in rule"), "{words}");
    assert!(
        edge.runs().is_empty() && app.runs().is_empty(),
        "a dry run launches nothing"
    );
}

#[test]
fn refused_links_exit_with_url_refused_and_launch_nothing() {
    let (machine, edge, app) = machine();
    for hostile in [
        "-https://outlook.live.com/",
        "--gpu-launcher=/bin/sh",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "\\\\attacker\\share",
        " https://outlook.live.com/",
        "https://outlook.live.com/\u{1b}[2J",
    ] {
        for command in ["route", "open"] {
            let output = machine.run(&["--json", command, "--", hostile]);
            assert_eq!(output.status.code(), Some(1), "{command} {hostile:?}");
            let error: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
            assert_eq!(error["error"]["code"], "url_refused", "{hostile:?}");
        }
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(edge.runs().is_empty() && app.runs().is_empty());
}

/// Edge's `Local State` with the work profiles `Default` and `Profile 2`
/// (the more recently used), and the personal `Profile 1`.
fn two_work_profiles(machine: &Machine) {
    let edge = machine.edge_dir();
    machine.write(
        &edge.join("Local State"),
        r#"{"profile":{"info_cache":{
            "Default":{"name":"Work","active_time":1700000000.0},
            "Profile 1":{"name":"Personal","active_time":1700000100.0},
            "Profile 2":{"name":"Other work","active_time":1800000000.0}},
            "last_used":"Default"}}"#,
    );
    machine.write(
        &edge.join("Profile 2/Preferences"),
        serde_json::json!({"account_info": [{
            "email": "bob@fabrikam.test",
            "edge_account_tenant_id": "11111111-2222-3333-4444-555555555555",
        }]})
        .to_string(),
    );
}

#[test]
fn policy_that_forbids_linking_is_obeyed_before_anything_unlinks() {
    let (machine, edge, _app) = machine();
    two_work_profiles(&machine);
    machine.link_edge();
    machine.ok(&["open", "--", "https://outlook.office.com/mail"]);
    assert_eq!(edge.runs()[0].args[0], "--profile-directory=Default");
    let links = machine.data_dir().join("work/links.json");
    let before = std::fs::read(&links).unwrap();
    machine.policy(
        "etc/opt/edge/policies/managed/linking.json",
        Some(r#"{"LinkedAccountEnabled": false}"#),
    );
    // No command ran since: the link is still stored, yet not used.
    machine.ok(&["open", "--", "https://outlook.office.com/mail"]);
    assert_eq!(
        edge.runs()[1].args[0],
        "--profile-directory=Profile 2",
        "the most recently used work profile, as in Edge"
    );
    assert_eq!(
        std::fs::read(&links).unwrap(),
        before,
        "open reconciles nothing"
    );
    let route = machine.json(&["route", "--json", "--", "https://outlook.office.com/"]);
    assert!(
        tandem_testkit::said(&route["reason"]).contains("linking is off"),
        "{route}"
    );
}

#[test]
fn the_admins_rules_come_first_and_only_the_persons_can_be_removed() {
    let (mut machine, edge, _app) = machine();
    machine.policy(
        "etc/tandem/policies/managed/routing.json",
        Some(r#"{"RoutingRules": [{"pattern": "github.com", "target": "work"}]}"#),
    );
    machine.policy(
        "etc/opt/edge/policies/managed/sites.json",
        Some(r#"{"AutomaticProfileSwitchingSiteList": [{"site": "home.example", "profile": "Personal"}]}"#),
    );
    machine.policy(
        "etc/tandem/policies/recommended/routing.json",
        Some(r#"{"RoutingRules": [{"pattern": "wiki.example", "target": "work"}]}"#),
    );
    let added = machine.json(&["rules", "add", "github.com", "personal", "--json"]);
    assert_eq!(added["id"], "u1");
    machine.ok(&["rules", "add", "wiki.example", "edge:Profile 1"]);
    machine.ok(&["open", "--", "https://github.com/"]);
    machine.ok(&["open", "--", "https://home.example/"]);
    machine.ok(&["open", "--", "https://wiki.example/"]);
    let dirs: Vec<String> = edge
        .runs()
        .into_iter()
        .map(|run| run.args[0].clone())
        .collect();
    assert_eq!(
        dirs,
        [
            "--profile-directory=Default",
            "--profile-directory=Profile 1",
            "--profile-directory=Profile 1"
        ]
    );

    let list = machine.json(&["rules", "list", "--json"]);
    let rules = list["rules"].as_array().unwrap();
    let rule = |id: &str| rules.iter().find(|rule| rule["id"] == id).unwrap().clone();
    assert_eq!(rule("managed-1")["layer"], "managed");
    assert_eq!(rule("edge-managed-1")["target"], "personal");
    assert_eq!(rule("recommended-1")["layer"], "recommended");
    assert_eq!(rule("recommended-1")["flag"], "shadowed");
    assert_eq!(
        rule("u1")["flag"],
        "shadowed",
        "the managed rule always wins"
    );
    assert_eq!(rule("preset:outlook.live.com")["layer"], "preset");
    for rule in rules {
        for key in ["id", "layer", "pattern", "target", "flag"] {
            assert!(rule.get(key).is_some(), "{key} missing from {rule}");
        }
    }
    let layers: Vec<&str> = rules
        .iter()
        .map(|rule| rule["layer"].as_str().unwrap())
        .collect();
    let mut sorted = layers.clone();
    sorted.sort_by_key(|layer| {
        ["managed", "user", "recommended", "preset"]
            .iter()
            .position(|l| l == layer)
    });
    assert_eq!(layers, sorted, "listed in the order they are tried");

    for id in ["managed-1", "preset:outlook.live.com", "recommended-1"] {
        let output = machine.run(&["--json", "rules", "remove", id]);
        assert_eq!(output.status.code(), Some(1));
        let error: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(error["error"]["code"], "rule_not_yours", "{id}");
    }
    let error = machine.json_error(&["--json", "rules", "remove", "preset:outlook.live.com"]);
    assert_eq!(error["layer"], "preset");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("preset:outlook.live.com is a built-in rule"),
        "{error}"
    );
    machine.set_lang("nl_NL.UTF-8");
    let output = machine.run(&["rules", "remove", "preset:outlook.live.com"]);
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("is een ingebouwde regel"), "{said}");
    machine.set_lang("C.UTF-8");
    let missing = machine.run(&["--json", "rules", "remove", "u9"]);
    let error: serde_json::Value = serde_json::from_slice(&missing.stdout).unwrap();
    assert_eq!(error["error"]["code"], "rule_not_found");
    machine.ok(&["rules", "remove", "u1"]);
    let after = machine.json(&["rules", "list", "--json"]);
    assert!(
        !after["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|rule| rule["id"] == "u1")
    );
    let bad = machine.run(&["--json", "rules", "add", "a.*.example", "work"]);
    let error: serde_json::Value = serde_json::from_slice(&bad.stdout).unwrap();
    assert_eq!(error["error"]["code"], "rule_invalid");
}

#[test]
fn a_rule_whose_profile_drifted_is_flagged_and_a_missing_profile_is_asked_about() {
    let (machine, edge, app) = machine();
    machine.ok(&["rules", "add", "work.example", "edge:Default"]);
    machine.ok(&["rules", "add", "home.example", "edge:Profile 1"]);
    let text =
        std::fs::read_to_string(machine.locations().config_dir().join("rules.toml")).unwrap();
    assert!(
        !text.contains("bob@contoso.test"),
        "no address in the rules file:\n{text}"
    );
    assert!(text.contains("account = \"work:"), "{text}");

    machine.edge_work_account("carol@fabrikam.test");
    std::fs::remove_dir_all(machine.edge_dir().join("Profile 1")).unwrap();
    let list = machine.json(&["rules", "list", "--json"]);
    let flag = |id: &str| {
        list["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|rule| rule["id"] == id)
            .unwrap()["flag"]
            .clone()
    };
    assert_eq!(flag("u1"), "account_changed");
    assert_eq!(flag("u2"), "profile_missing");

    // The link goes to the picker, never to a profile created anew.
    machine.ok(&["open", "--", "https://home.example/page"]);
    let asked = runs_within(&app, 1);
    assert_eq!(
        asked,
        [["--pick-profile", "--", "https://home.example/page"]]
    );
    assert!(edge.runs().is_empty());
    assert!(!machine.edge_dir().join("Profile 1").exists());
}

fn firefox_as_default(machine: &Machine) -> (StandIn, std::path::PathBuf, String) {
    let firefox = machine.stand_in("usr/lib/firefox/firefox");
    machine.write(
        &machine.system.join("usr/share/applications/firefox.desktop"),
        format!(
            "[Desktop Entry]\nType=Application\nName=Firefox\nExec=\"{}\" --new-window %u\nMimeType=x-scheme-handler/https;\n",
            firefox.program.display()
        ),
    );
    let list = machine.home.join(".config/mimeapps.list");
    let before = "# mine\n[Added Associations]\ntext/html=firefox.desktop;\n\n[Default Applications]\nx-scheme-handler/http=firefox.desktop\nx-scheme-handler/https=firefox.desktop\ntext/html=firefox.desktop\n".to_owned();
    machine.write(&list, &before);
    (firefox, list, before)
}

#[test]
fn the_handler_registers_opens_as_before_and_restores_mimeapps_byte_for_byte() {
    let (machine, edge, _app) = machine();
    let (firefox, list, before) = firefox_as_default(&machine);
    let status = machine.json(&["handler", "status", "--json"]);
    assert_eq!(status["registered"], false);
    assert_eq!(status["previous"], "firefox.desktop");

    machine.ok(&["handler", "on"]);
    let status = machine.json(&["handler", "status", "--json"]);
    assert_eq!(status["registered"], true, "{status}");
    assert_eq!(status["program_exists"], true, "{status}");
    assert_eq!(status["previous"], "firefox.desktop");
    let entry = std::fs::read_to_string(
        machine
            .home
            .join(".local/share/applications/dev.tandem.Tandem.desktop"),
    )
    .unwrap();
    let tandem = env!("CARGO_BIN_EXE_tandem");
    assert!(
        entry.contains(&format!("Exec=\"{tandem}\" open -- %u")),
        "{entry}"
    );
    let registered = std::fs::read_to_string(&list).unwrap();
    assert!(registered.contains("x-scheme-handler/https=dev.tandem.Tandem.desktop"));

    // No rule matches: the link opens where it opened before Tandem.
    machine.ok(&["open", "--", "https://unmatched.example/a"]);
    assert_eq!(
        firefox.runs()[0].args,
        ["--new-window", "https://unmatched.example/a"]
    );
    let route = machine.json(&["route", "--json", "--", "https://unmatched.example/a"]);
    assert_eq!(route["browser"], "firefox");
    assert!(route["profile_dir"].is_null());
    assert!(edge.runs().is_empty());

    machine.ok(&["handler", "off"]);
    assert_eq!(
        std::fs::read_to_string(&list).unwrap(),
        before,
        "byte for byte"
    );
    assert!(
        !machine
            .home
            .join(".local/share/applications/dev.tandem.Tandem.desktop")
            .exists()
    );
    assert_eq!(
        machine.json(&["handler", "status", "--json"])["registered"],
        false
    );
}

#[test]
fn a_previous_handler_that_runs_tandem_is_a_loop_and_is_told_on_the_desktop() {
    let (mut machine, _edge, app) = machine();
    let daemon = NotificationDaemon::start();
    machine.set_env("DBUS_SESSION_BUS_ADDRESS", &daemon.address);
    let tandem = env!("CARGO_BIN_EXE_tandem");
    machine.write(
        &machine
            .system
            .join("usr/share/applications/other-tandem.desktop"),
        format!("[Desktop Entry]\nType=Application\nName=Loop\nExec={tandem} open -- %u\n"),
    );
    machine.write(
        &machine.home.join(".config/mimeapps.list"),
        "[Default Applications]\nx-scheme-handler/https=other-tandem.desktop\n",
    );
    let (output, took) = machine.run_within(
        &["--json", "open", "--", "https://unmatched.example/"],
        Duration::from_secs(20),
    );
    assert_eq!(output.status.code(), Some(1));
    let error: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(error["error"]["code"], "handler_loop");
    // Named as the menus name it, not by its desktop entry's id.
    assert_eq!(error["error"]["handler"]["text"], "Loop");
    assert!(took < Duration::from_secs(10));
    let shown = daemon.shown(1, Duration::from_secs(5));
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(shown[0].0, "Tandem could not open a link");
    assert!(shown[0].1.contains("loop"), "{shown:?}");
    assert!(app.runs().is_empty());

    // A refused link is told the same way.
    let refused = machine.run(&["open", "--", "javascript:alert(1)"]);
    assert_eq!(refused.status.code(), Some(1));
    let shown = daemon.shown(2, Duration::from_secs(5));
    assert!(shown[1].1.contains("http and https"), "{shown:?}");

    // A link the handler handed back to Tandem names that handler too.
    machine.set_env("TANDEM_HANDED_ON", "https://unmatched.example/");
    let error = machine.json_error(&["--json", "open", "--", "https://unmatched.example/"]);
    assert_eq!(error["code"], "handler_loop");
    assert_eq!(error["handler"]["text"], "Loop");
}

#[test]
fn a_broken_previous_handler_is_told_in_the_readers_language() {
    let (mut machine, _edge, app) = machine();
    machine.write(
        &machine.system.join("usr/share/applications/broken.desktop"),
        "[Desktop Entry]\nType=Application\nName=Broken\nName[nl]=Kapot\nExec=\"unterminated %u\n",
    );
    machine.write(
        &machine.home.join(".config/mimeapps.list"),
        "[Default Applications]\nx-scheme-handler/https=broken.desktop\n",
    );
    let error = machine.json_error(&["--json", "open", "--", "https://unmatched.example/"]);
    assert_eq!(error["code"], "launch_failed", "{error}");
    assert_eq!(
        error["detail"]["params"]["reason"]["key"], "entry.exec.quote_not_closed",
        "{error}"
    );
    machine.set_lang("nl_NL.UTF-8");
    let output = machine.run(&["open", "--", "https://unmatched.example/"]);
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("Kan Kapot niet starten"), "{said}");
    assert!(
        said.contains("een aanhalingsteken wordt niet gesloten"),
        "{said}"
    );
    assert!(app.runs().is_empty());
}

#[cfg(unix)]
#[test]
fn a_browser_that_cannot_start_is_named_as_people_know_it_in_their_language() {
    use std::os::unix::fs::PermissionsExt;
    let (mut machine, edge, _app) = machine();
    std::fs::set_permissions(&edge.program, std::fs::Permissions::from_mode(0o644)).unwrap();
    let error = machine.json_error(&["--json", "open", "--", "https://outlook.live.com/mail/0/"]);
    assert_eq!(error["code"], "launch_failed", "{error}");
    assert_eq!(error["browser"]["text"], "Microsoft Edge", "{error}");
    machine.set_lang("nl_NL.UTF-8");
    let output = machine.run(&["open", "--", "https://outlook.live.com/mail/0/"]);
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("Kan Microsoft Edge niet starten"), "{said}");
    assert!(edge.runs().is_empty());
}

#[test]
fn open_never_waits_on_a_rules_file_that_is_a_fifo() {
    let (machine, edge, app) = machine();
    let config = machine.locations().config_dir().to_path_buf();
    std::fs::create_dir_all(&config).unwrap();
    mkfifo(&config.join("rules.toml"));
    let (output, took) = machine.run_within(
        &["open", "--", "https://outlook.live.com/"],
        Duration::from_secs(20),
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(took < Duration::from_secs(10));
    // The person's rules cannot be read, so Tandem asks rather than guess.
    assert_eq!(runs_within(&app, 1).len(), 1);
    assert!(edge.runs().is_empty());
    let list = machine.json(&["rules", "list", "--json"]);
    assert!(
        tandem_testkit::said(&list["problems"][0]).contains("rules file cannot be read"),
        "{list}"
    );
    let add = machine.run(&["--json", "rules", "add", "a.example", "work"]);
    assert_eq!(add.status.code(), Some(1));
}

#[test]
fn a_wrapper_that_hands_the_link_back_is_a_loop_not_a_hang() {
    let (machine, _edge, app) = machine();
    let tandem = env!("CARGO_BIN_EXE_tandem");
    let wrapper = machine.system.join("usr/bin/my-browser");
    machine.write(
        &wrapper,
        format!("#!/bin/sh\nexec env '{tandem}' open -- \"$1\"\n"),
    );
    std::fs::set_permissions(
        &wrapper,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    machine.write(
        &machine
            .system
            .join("usr/share/applications/my-browser.desktop"),
        format!(
            "[Desktop Entry]\nType=Application\nName=Mine\nExec={} %u\n",
            wrapper.display()
        ),
    );
    machine.write(
        &machine.home.join(".config/mimeapps.list"),
        "[Default Applications]\nx-scheme-handler/https=my-browser.desktop;\n",
    );
    let (output, took) = machine.run_within(
        &["--json", "open", "--", "https://unmatched.example/"],
        Duration::from_secs(20),
    );
    // The process became the wrapper, which became Tandem again: it is that
    // second Tandem, without --json, that refuses.
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("would loop"), "{stderr}");
    assert!(took < Duration::from_secs(10));
    assert!(app.runs().is_empty());
}

#[test]
fn tandem_as_everyones_default_or_an_uninstalled_browser_means_asking() {
    let (machine, edge, app) = machine();
    // An admin made Tandem the default for every user: there is no handler
    // before Tandem, so undecided links are asked about.
    machine.write(
        &machine.system.join("etc/xdg/mimeapps.list"),
        "[Default Applications]\nx-scheme-handler/https=dev.tandem.Tandem.desktop\n",
    );
    machine.write(
        &machine
            .system
            .join("usr/share/applications/dev.tandem.Tandem.desktop"),
        "[Desktop Entry]\nType=Application\nName=Tandem\nExec=tandem open -- %u\n",
    );
    let route = machine.json(&["route", "--json", "--", "https://unmatched.example/"]);
    assert_eq!(route["decision"], "ask", "{route}");
    assert!(machine.json(&["handler", "status", "--json"])["previous"].is_null());

    // A rule to a profile whose browser was uninstalled asks too.
    machine.ok(&["rules", "add", "github.com", "edge:Default"]);
    std::fs::remove_file(&edge.program).unwrap();
    machine.ok(&["open", "--", "https://github.com/"]);
    assert_eq!(runs_within(&app, 1).len(), 1);
    let route = machine.json(&["route", "--json", "--", "https://github.com/"]);
    assert_eq!(route["decision"], "ask");
    assert!(
        tandem_testkit::said(&route["reason"]).contains("not installed"),
        "{route}"
    );
}

//! Least privilege, checked on the files that grant it: each window gets only
//! the app's own commands it uses, and the webview loads nothing remote.

// A test that cannot read its own fixtures should stop right there.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;
use tandem_app::COMMAND_NAMES;
use tandem_app::windows::WindowId;

const WINDOWS: &[WindowId] = &[
    WindowId::Switcher,
    WindowId::Picker,
    WindowId::Settings,
    WindowId::Wizard,
];

/// Tauri's own permissions a window may hold: hearing events from Rust. No
/// window may open files, run programs or reach the network itself.
const CORE_PERMISSIONS: &[&str] = &["core:event:allow-listen", "core:event:allow-unlisten"];

fn repo_file(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn capabilities() -> Vec<(String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.ends_with(".json"), "unexpected capability file {name}");
        let json = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        found.push((name, json));
    }
    found
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|item| item.as_str().expect("a string").to_owned())
        .collect()
}

#[test]
fn each_capability_names_one_known_window_and_only_app_commands() {
    let labels: BTreeSet<_> = WINDOWS.iter().map(|window| window.label()).collect();
    for (file, capability) in capabilities() {
        let windows = strings(&capability["windows"]);
        assert_eq!(windows.len(), 1, "{file}: one capability file per window");
        assert!(
            labels.contains(windows[0].as_str()),
            "{file}: unknown window {windows:?}"
        );
        assert!(
            capability.get("remote").is_none(),
            "{file}: grants a remote origin"
        );
        assert!(
            capability.get("webviews").is_none(),
            "{file}: grants by webview"
        );
        for permission in strings(&capability["permissions"]) {
            if CORE_PERMISSIONS.contains(&permission.as_str()) {
                continue;
            }
            let command = permission
                .strip_prefix("allow-")
                .unwrap_or_else(|| panic!("{file}: {permission} is not an app command"))
                .replace('-', "_");
            assert!(
                COMMAND_NAMES.contains(&command.as_str()),
                "{file}: grants {permission}, which is not a command of the app"
            );
        }
    }
}

#[test]
fn every_command_is_granted_to_some_window() {
    let granted: BTreeSet<String> = capabilities()
        .iter()
        .flat_map(|(_, capability)| strings(&capability["permissions"]))
        .collect();
    for command in COMMAND_NAMES {
        let permission = format!("allow-{}", command.replace('_', "-"));
        assert!(
            granted.contains(&permission),
            "{command} is registered but no window may call it"
        );
    }
}

#[test]
fn windows_in_the_config_are_the_typed_ones() {
    let config: Value = serde_json::from_str(&repo_file("../tauri.conf.json")).unwrap();
    let configured: BTreeSet<String> = config["app"]["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|window| window["label"].as_str().unwrap().to_owned())
        .collect();
    let typed: BTreeSet<String> = WINDOWS.iter().map(|w| w.label().to_owned()).collect();
    assert_eq!(configured, typed);
}

#[test]
fn csp_is_strict_and_local() {
    let config: Value = serde_json::from_str(&repo_file("../tauri.conf.json")).unwrap();
    let security = &config["app"]["security"];
    assert_eq!(security["freezePrototype"], true);
    assert_eq!(
        config["app"]["withGlobalTauri"], false,
        "no global IPC object"
    );
    assert!(
        security
            .get("dangerousDisableAssetCspModification")
            .is_none()
    );
    let csp = security["csp"].as_object().expect("a CSP is set");
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["object-src"], "'none'");
    for (directive, sources) in csp {
        let sources = sources.as_str().unwrap();
        for source in sources.split_whitespace() {
            assert!(
                !source.contains("unsafe"),
                "{directive} allows {source}: inline code or eval"
            );
            let remote = source.starts_with("http") || source.starts_with("ws") || source == "*";
            assert!(
                !remote || source == "http://ipc.localhost",
                "{directive} allows remote content from {source}"
            );
        }
    }
}

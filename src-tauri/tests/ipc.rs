//! The app shell through Tauri's mock runtime: each command as the window
//! calls it over IPC, on a fake machine (`tandem-testkit`). And the same
//! user action through the CLI and through the app's command, which must
//! leave the same stored state: both are translations of one core.

// A test that cannot build its machine should stop right there.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use tandem_app::windows::WindowId;
use tandem_app::{AppState, state, wire};
use tandem_locations::Locations;
use tandem_testkit::provider::OidcProvider;
use tauri::test::{
    INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets,
};
use tauri::webview::InvokeRequest;

fn invoke(
    webview: &tauri::WebviewWindow<MockRuntime>,
    cmd: &str,
) -> Result<serde_json::Value, serde_json::Value> {
    invoke_with(webview, cmd, serde_json::json!({}))
}

fn invoke_with(
    webview: &tauri::WebviewWindow<MockRuntime>,
    cmd: &str,
    args: serde_json::Value,
) -> Result<serde_json::Value, serde_json::Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: tauri::ipc::CallbackFn(0),
        error: tauri::ipc::CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: tauri::ipc::InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(webview, request).map(|body| body.deserialize().unwrap())
}

fn app_with(
    locations: Result<Locations, tandem_locations::LocationError>,
) -> tauri::App<MockRuntime> {
    app_answering(locations, false)
}

/// An app whose confirmation dialogs answer `answer`.
fn app_answering(
    locations: Result<Locations, tandem_locations::LocationError>,
    answer: bool,
) -> tauri::App<MockRuntime> {
    let mut state = AppState::new(locations);
    state.confirmer = tandem_app::state::Confirmer::Answer(answer);
    wire(mock_builder(), state)
        .build(mock_context(noop_assets()))
        .unwrap()
}

fn switcher(app: &tauri::App<MockRuntime>) -> tauri::WebviewWindow<MockRuntime> {
    tauri::WebviewWindowBuilder::new(app, WindowId::Switcher.label(), Default::default())
        .build()
        .unwrap()
}

#[test]
fn app_info_round_trips_through_ipc() {
    let machine = tempfile::tempdir().unwrap();
    let app = app_with(Ok(Locations::under(machine.path())));
    let response = invoke(&switcher(&app), "app_info").unwrap();
    assert_eq!(response["name"], "Tandem");
    assert_eq!(response["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        response["locations"]["log_dir"],
        machine
            .path()
            .join("home/user/.local/state/tandem/logs")
            .to_str()
            .unwrap()
    );
}

#[test]
fn broken_environment_is_a_coded_error_with_advice() {
    let app = app_with(Err(tandem_locations::LocationError::NoHome));
    let error = invoke(&switcher(&app), "app_info").unwrap_err();
    assert_eq!(error["code"], "locations_unavailable");
    assert!(
        error["message"].as_str().unwrap().contains("set HOME"),
        "{error}"
    );
}

#[test]
fn list_profiles_returns_the_latest_reading() {
    let machine = tempfile::tempdir().unwrap();
    let locations = Locations::under(machine.path());
    let edge = locations.user_roots().config_home.join("microsoft-edge");
    std::fs::create_dir_all(edge.join("Default")).unwrap();
    std::fs::write(
        edge.join("Local State"),
        r#"{"profile":{"info_cache":{"Default":{"name":"Work"}}}}"#,
    )
    .unwrap();
    std::fs::write(edge.join("Default/Preferences"), "{}").unwrap();
    let app = app_with(Ok(locations));
    let response = invoke(&switcher(&app), "list_profiles").unwrap();
    assert_eq!(response["profiles"][0]["browser"], "edge");
    assert_eq!(response["profiles"][0]["name"], "Work");
    assert_eq!(response["profiles"][0]["account"]["kind"], "none");
}

#[test]
fn open_profile_refuses_a_profile_tandem_did_not_find() {
    let machine = tempfile::tempdir().unwrap();
    let app = app_with(Ok(Locations::under(machine.path())));
    let error = invoke_with(
        &switcher(&app),
        "open_profile",
        serde_json::json!({"browser": "chrome", "userDataDir": "/tmp", "profileDir": "Default"}),
    )
    .unwrap_err();
    assert_eq!(error["code"], "profile_folder_missing", "{error}");
}

#[test]
fn open_profile_rejects_an_unknown_browser_id() {
    let machine = tempfile::tempdir().unwrap();
    let app = app_with(Ok(Locations::under(machine.path())));
    let result = invoke_with(
        &switcher(&app),
        "open_profile",
        serde_json::json!({"browser": "netscape", "userDataDir": "/tmp", "profileDir": "x"}),
    );
    assert!(result.is_err());
}

#[test]
fn unknown_commands_are_rejected() {
    let machine = tempfile::tempdir().unwrap();
    let app = app_with(Ok(Locations::under(machine.path())));
    assert!(invoke(&switcher(&app), "launch_missiles").is_err());
}

/// The workspace's fake machine with an Edge work profile and a
/// personal one beside it.
fn edge_machine() -> (tandem_testkit::Machine, Locations) {
    let machine = tandem_testkit::Machine::new();
    machine.edge_profiles("ada@contoso.com");
    let locations = machine.locations();
    (machine, locations)
}

#[test]
fn link_unlink_and_history_through_ipc() {
    let (_machine, locations) = edge_machine();
    let app = app_with(Ok(locations));
    let window = switcher(&app);
    let work = serde_json::json!("edge:Default");
    let link = invoke_with(
        &window,
        "link_profile",
        serde_json::json!({"work": work, "personalProfile": "edge:Profile 1"}),
    )
    .unwrap();
    assert_eq!(link["state"], "linked");
    assert_eq!(link["personal_account"]["email"], "alice@outlook.test");
    let status = invoke(&window, "link_status").unwrap();
    assert_eq!(status["links"].as_array().unwrap().len(), 1);
    let again = invoke_with(
        &window,
        "link_profile",
        serde_json::json!({"work": work, "personalProfile": "edge:Profile 1"}),
    )
    .unwrap_err();
    assert_eq!(again["code"], "already_linked");
    invoke_with(
        &window,
        "unlink_profile",
        serde_json::json!({"work": work, "beforeLeaving": true}),
    )
    .unwrap();
    let history = invoke(&window, "link_history").unwrap();
    assert_eq!(history[1]["event"], "unlinked-by-user");
    assert_eq!(history.as_array().unwrap().len(), 2);
}

#[test]
fn policy_refusals_are_coded_with_the_reason() {
    let (machine, locations) = edge_machine();
    machine.policy(
        "etc/tandem/policies/managed/p.json",
        Some(r#"{"LinkingEnabled": false}"#),
    );
    let app = app_with(Ok(locations));
    let window = switcher(&app);
    let status = invoke(&window, "link_status").unwrap();
    assert_eq!(status["linking_allowed"], false);
    let error = invoke_with(
        &window,
        "link_profile",
        serde_json::json!({"work": "edge:Default", "personalProfile": "edge:Profile 1"}),
    )
    .unwrap_err();
    assert_eq!(error["code"], "policy_forbids");
    assert!(
        error["message"].as_str().unwrap().contains("p.json"),
        "{error}"
    );
}

#[test]
fn irreversible_commands_do_nothing_without_the_native_confirmation() {
    let (_machine, locations) = edge_machine();
    let data = locations.data_dir().to_path_buf();
    let app = app_answering(Ok(locations.clone()), false);
    let window = switcher(&app);
    invoke_with(
        &window,
        "link_profile",
        serde_json::json!({"work": "edge:Default", "personalProfile": "edge:Profile 1"}),
    )
    .unwrap();
    // The web view asking is not enough: the dialog said no.
    for command in ["delete_personal_data", "remove_all_data"] {
        let error = invoke(&window, command).unwrap_err();
        assert_eq!(error["code"], "declined", "{command}: {error}");
    }
    assert!(data.join("personal/links.json").exists());
    assert_eq!(
        invoke(&window, "link_status").unwrap()["links"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Confirmed, the deletion happens.
    let app = app_answering(Ok(locations), true);
    let status = invoke(&switcher(&app), "delete_personal_data").unwrap();
    assert!(status["links"].as_array().unwrap().is_empty());
    assert!(!data.join("personal/links.json").exists());
}

#[test]
fn state_is_reachable_from_the_handle() {
    let app = app_with(Err(tandem_locations::LocationError::NoHome));
    assert!(state(app.handle()).locations().is_err());
}

// One core for both front ends.

/// The `tandem` binary of this build, built if the run has not yet.
fn tandem_cli() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/ipc-<hash> → target/<profile>/tandem
    let cli = exe.parent().unwrap().parent().unwrap().join("tandem");
    if !cli.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "tandem-cli"])
            .status()
            .unwrap();
        assert!(status.success(), "cannot build the tandem CLI");
    }
    cli
}

/// A machine for one front end: Edge with a work profile signed in as
/// dave and a personal profile, the provider's and the keyring's.
fn front_end_machine(op: &OidcProvider) -> tandem_testkit::Machine {
    let machine = tandem_testkit::Machine::new()
        .running(tandem_cli())
        .with_keyring_and_provider(op, "dave");
    machine.edge_profiles("dave@contoso.test");
    machine
}

/// Tandem's stored state, with what differs between any two runs (random
/// link ids, times) replaced by placeholders, for comparison.
fn stored_state(
    machine: &tandem_testkit::Machine,
) -> std::collections::BTreeMap<String, serde_json::Value> {
    fn normalize(value: &mut serde_json::Value, ids: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                let keys: Vec<String> = map.keys().cloned().collect();
                for key in keys {
                    let mut entry = map.remove(&key).unwrap();
                    // Link ids are keys of the personal half's map.
                    let key = if key.len() == 32 && key.chars().all(|c| c.is_ascii_hexdigit()) {
                        if !ids.contains(&key) {
                            ids.push(key.clone());
                        }
                        format!("<link {}>", ids.iter().position(|id| *id == key).unwrap())
                    } else {
                        key
                    };
                    match key.as_str() {
                        "since" | "time" | "expires_at" => entry = serde_json::json!("<time>"),
                        "id" => {
                            let id = entry.as_str().unwrap_or_default().to_owned();
                            if !ids.contains(&id) {
                                ids.push(id.clone());
                            }
                            entry = serde_json::json!(format!(
                                "<link {}>",
                                ids.iter().position(|known| *known == id).unwrap()
                            ));
                        }
                        _ => normalize(&mut entry, ids),
                    }
                    map.insert(key, entry);
                }
            }
            serde_json::Value::Array(items) => {
                items.iter_mut().for_each(|item| normalize(item, ids))
            }
            _ => {}
        }
    }
    let data = machine.data_dir();
    let mut ids = Vec::new();
    tandem_testkit::files_under(&data)
        .into_iter()
        .filter(|(path, _)| path.extension().is_some_and(|ext| ext == "json"))
        .map(|(path, bytes)| {
            let mut value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            normalize(&mut value, &mut ids);
            (
                path.strip_prefix(&data).unwrap().display().to_string(),
                value,
            )
        })
        .collect()
}

fn assert_same_state(what: &str, cli: &tandem_testkit::Machine, app: &tandem_testkit::Machine) {
    let (cli, app) = (stored_state(cli), stored_state(app));
    assert_eq!(
        cli, app,
        "{what}: the CLI and the app stored different states"
    );
}

const CHILD: &str = "TANDEM_IPC_CHILD";

/// The app's side of a sign-in, in a child process: the sign-in reads its
/// settings and stand-in browser from the environment, which a test cannot
/// change for itself.
#[test]
#[ignore = "run as a child process by the tests in this file"]
fn child() {
    let Ok(root) = std::env::var(CHILD) else {
        return;
    };
    let locations = Locations::under(Path::new(&root));
    let app = app_answering(Ok(locations), true);
    let link = invoke_with(
        &switcher(&app),
        "link_with_sign_in",
        serde_json::json!({"work": "edge:Default", "personalProfile": "edge:Profile 1"}),
    )
    .unwrap();
    assert_eq!(link["state"], "linked");
}

/// Runs [`child`] on `machine`, with its environment.
fn app_signs_in(machine: &tandem_testkit::Machine) {
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, machine.root.path())
        .env("HOME", &machine.home)
        .envs(machine.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_cli_and_the_app_store_the_same_state_for_each_action() {
    let op = OidcProvider::start();
    let cli = front_end_machine(&op);
    let app_machine = front_end_machine(&op);
    // Both sign in to the work account first: a link must record it.
    cli.ok(&["signin", "--work"]);
    app_machine.ok(&["signin", "--work"]);
    let app = app_answering(Ok(app_machine.locations()), true);
    let window = switcher(&app);

    // Link by profile.
    cli.ok(&[
        "link",
        "--work",
        "edge:Default",
        "--personal-profile",
        "edge:Profile 1",
    ]);
    invoke_with(
        &window,
        "link_profile",
        serde_json::json!({"work": "edge:Default", "personalProfile": "edge:Profile 1"}),
    )
    .unwrap();
    assert_same_state("link by profile", &cli, &app_machine);
    let work_links = &stored_state(&app_machine)["work/links.json"];
    assert!(
        work_links["data"]["links"][0]["work_account_key"]
            .as_str()
            .is_some_and(|key| key.starts_with("00000000-0000-0000-0000-00000000da7e.")),
        "a link made in the app records its work account: {work_links}"
    );

    // Unlink.
    cli.ok(&["unlink", "--work", "edge:Default"]);
    invoke_with(
        &window,
        "unlink_profile",
        serde_json::json!({"work": "edge:Default", "beforeLeaving": false}),
    )
    .unwrap();
    assert_same_state("unlink", &cli, &app_machine);

    // Link with a sign-in, against the local provider (carol, personal).
    let mut cli = cli;
    let mut app_machine = app_machine;
    cli.set_env("TANDEM_TEST_USER", "carol");
    app_machine.set_env("TANDEM_TEST_USER", "carol");
    cli.ok(&[
        "link",
        "--work",
        "edge:Default",
        "--signin",
        "--personal-profile",
        "edge:Profile 1",
    ]);
    app_signs_in(&app_machine);
    assert_same_state("link with sign-in", &cli, &app_machine);

    // Delete personal data.
    cli.ok(&["privacy", "delete", "--yes"]);
    invoke_with(&window, "delete_personal_data", serde_json::json!({})).unwrap();
    assert_same_state("delete personal data", &cli, &app_machine);
}

#[test]
fn a_link_made_in_the_app_ends_when_the_provider_says_the_work_account_is_gone() {
    let op = OidcProvider::start();
    let machine = tandem_testkit::Machine::new()
        .running(tandem_cli())
        .with_keyring_and_provider(&op, "bob");
    machine.edge_profiles("bob@contoso.test");
    machine.ok(&["signin", "--work"]);
    let app = app_answering(Ok(machine.locations()), true);
    invoke_with(
        &switcher(&app),
        "link_profile",
        serde_json::json!({"work": "edge:Default", "personalProfile": "edge:Profile 1"}),
    )
    .unwrap();
    op.delete_user("bob");
    let status = machine.json(&["status", "--json", "--check-accounts"]);
    assert!(status["links"].as_array().unwrap().is_empty(), "{status}");
    let history = machine.json(&["history", "--json"]);
    let last = history["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["event"], "account-gone", "{history}");
    assert!(
        tandem_testkit::said(&last["reason"]).contains("AADSTS50034"),
        "{last}"
    );
}

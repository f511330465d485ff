//! Tandem's desktop shell. It owns windows, the tray, IPC and process lifetime,
//! and calls the core crates for everything else.

use std::process::ExitCode;
use std::sync::Mutex;

use tandem_linking::Status;
use tandem_locations::{LocationError, Locations};
use tandem_logging::{FileLog, LogGuard, LogOptions};
use tandem_policy::PolicySet;
use tandem_policy::watch::PolicyWatcher;
use tandem_profiles::Snapshot;
use tandem_profiles::watch::{DEFAULT_DEBOUNCE, ProfileEvent, ProfileWatcher};
use tauri::{AppHandle, Emitter, Manager, RunEvent, Runtime};

pub mod bindings;
mod command_names;
pub mod commands;
pub mod confirm;
pub mod error;
pub mod links;
mod tray;
pub mod windows;

pub use command_names::COMMAND_NAMES;

use windows::WindowId;

/// The event the switcher listens to for live profile changes.
pub const PROFILES_CHANGED: &str = "profiles-changed";

/// State shared by every command.
#[derive(Debug)]
pub struct AppState {
    /// A broken environment (no `HOME`, a relative `TANDEM_SYSTEM_ROOT`) does not
    /// stop the app: the window explains the problem instead.
    pub locations: Result<Locations, LocationError>,
    /// The latest reading of the browser profiles.
    profiles: Mutex<Snapshot>,
    /// Kept alive for as long as the app runs.
    watcher: Mutex<Option<ProfileWatcher>>,
    /// The latest reading of the admin's policy.
    policy: Mutex<PolicySet>,
    policy_watcher: Mutex<Option<PolicyWatcher>>,
    /// The links as last reconciled.
    links: Mutex<Status>,
    /// What the identity provider last said about the linked work accounts.
    sign_ins: Mutex<links::SignIns>,
    /// Set while Tandem removes all its data: nothing may write any more.
    removing: std::sync::atomic::AtomicBool,
    /// Whether the profiles have been read once: until then a link's work
    /// profile would look deleted, so reconciling waits.
    profiles_read: std::sync::atomic::AtomicBool,
    /// Who confirms irreversible actions.
    pub confirmer: confirm::Confirmer,
}

impl AppState {
    pub fn new(locations: Result<Locations, LocationError>) -> Self {
        Self {
            locations,
            profiles: Mutex::new(Snapshot::default()),
            watcher: Mutex::new(None),
            policy: Mutex::new(PolicySet::default()),
            policy_watcher: Mutex::new(None),
            links: Mutex::new(Status::default()),
            sign_ins: Mutex::new(links::SignIns::new()),
            removing: std::sync::atomic::AtomicBool::new(false),
            profiles_read: std::sync::atomic::AtomicBool::new(false),
            confirmer: confirm::Confirmer::NativeDialog,
        }
    }

    /// Lets background work write again after a removal that failed.
    pub fn resume_writing(&self) {
        self.removing
            .store(false, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn profiles_read(&self) -> bool {
        self.profiles_read.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Stops every background write (reconciliation takes a lock file in
    /// the data folder), for good: the app quits after removing its data.
    pub fn stop_writing(&self) {
        self.removing
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn is_removing(&self) -> bool {
        self.removing.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn policy(&self) -> PolicySet {
        self.policy.lock().map(|p| p.clone()).unwrap_or_default()
    }

    pub fn set_policy(&self, policy: PolicySet) {
        if let Ok(mut current) = self.policy.lock() {
            *current = policy;
        }
    }

    fn keep_policy_watcher(&self, watcher: PolicyWatcher) {
        if let Ok(mut slot) = self.policy_watcher.lock() {
            *slot = Some(watcher);
        }
    }

    pub fn links(&self) -> Status {
        self.links
            .lock()
            .map(|status| status.clone())
            .unwrap_or_default()
    }

    pub fn set_links(&self, status: Status) {
        if let Ok(mut current) = self.links.lock() {
            *current = status;
        }
    }

    pub fn sign_ins(&self) -> links::SignIns {
        self.sign_ins.lock().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn set_sign_ins(&self, sign_ins: links::SignIns) {
        if let Ok(mut current) = self.sign_ins.lock() {
            *current = sign_ins;
        }
    }

    pub fn profiles(&self) -> Snapshot {
        self.profiles
            .lock()
            .map(|snapshot| snapshot.clone())
            .unwrap_or_default()
    }

    pub fn set_profiles(&self, snapshot: Snapshot) {
        if let Ok(mut current) = self.profiles.lock() {
            *current = snapshot;
        }
        self.profiles_read
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Reads the browser profiles and keeps watching them, telling the switcher
/// about every change.
fn watch_profiles<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let Ok(locations) = &state.locations else {
        return;
    };
    let handle = app.clone();
    let started = ProfileWatcher::start(
        locations.user_roots().clone(),
        DEFAULT_DEBOUNCE,
        move |event: ProfileEvent| {
            handle
                .state::<AppState>()
                .set_profiles(event.snapshot.clone());
            if let Err(error) = handle.emit_to(WindowId::Switcher.label(), PROFILES_CHANGED, &event)
            {
                tracing::debug!("cannot tell the switcher about a profile change: {error}");
            }
            // A deleted work profile, or one signed in to another account,
            // ends its link; a signed-out one marks it unavailable.
            if let Err(error) = links::reconcile(&handle) {
                tracing::error!("{error}");
            }
        },
    );
    match started {
        Ok(watcher) => {
            state.set_profiles(watcher.initial_snapshot().clone());
            if let Ok(mut slot) = state.watcher.lock() {
                *slot = Some(watcher);
            }
        }
        Err(error) => {
            // Without live updates the list is still right once.
            tracing::error!("{error}");
            state.set_profiles(tandem_profiles::discover(locations.user_roots()));
        }
    }
}

/// The wiring production and tests share: state and commands, no plugins,
/// no tray, no windows.
pub fn wire<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::list_profiles,
            commands::open_profile,
            commands::link_status,
            commands::link_history,
            commands::link_profile,
            commands::link_with_sign_in,
            commands::unlink_profile,
            commands::export_personal_data,
            commands::delete_personal_data,
            commands::restrict_personal_data,
            commands::remove_all_data
        ])
}

/// Runs the app until the user quits from the tray.
pub fn run() -> ExitCode {
    let locations = Locations::from_env();
    let log_guard = init_logging(locations.as_ref().ok());
    if let Err(error) = &locations {
        tracing::error!("{error}");
    }
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "Tandem starting");

    // Single instance comes first: a second launch must hand over before
    // anything else starts.
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            tracing::info!("second launch: showing the running Tandem");
            if let Err(error) = windows::show(app, WindowId::Switcher) {
                tracing::error!("{error}");
            }
        }))
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            links::watch_policy(app.handle());
            watch_profiles(app.handle());
            tray::install(app.handle())?;
            if let Err(error) = links::reconcile(app.handle()) {
                tracing::error!("{error}");
            }
            links::watch_state(app.handle());
            // Started at sign-in: wait in the tray until asked.
            let background =
                std::env::args().any(|arg| arg == tandem_footprint::autostart::BACKGROUND_FLAG);
            if !background {
                windows::show(app.handle(), WindowId::Switcher)?;
            }
            Ok(())
        });
    let app = match wire(builder, AppState::new(locations))
        .build(tauri::generate_context!("../tauri.conf.json"))
    {
        Ok(app) => app,
        Err(error) => {
            tracing::error!("Tandem cannot start: {error}");
            eprintln!("Tandem cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    let log_guard = Mutex::new(log_guard);
    app.run(move |_app, event| match event {
        // The last window closing must not end Tandem: it lives on in the tray.
        // Only an explicit exit (Quit, which sets a code) ends it.
        RunEvent::ExitRequested {
            code: None, api, ..
        } => {
            tracing::debug!("last window closed; staying in the tray");
            api.prevent_exit();
        }
        RunEvent::Exit => {
            tracing::info!("Tandem exiting");
            // Flushes queued log lines: the event loop exits the process
            // without unwinding main.
            drop(log_guard.lock().ok().and_then(|mut guard| guard.take()));
        }
        _ => {}
    });
    ExitCode::SUCCESS
}

fn init_logging(locations: Option<&Locations>) -> Option<LogGuard> {
    let options = LogOptions {
        default_filter: "info".into(),
        file: locations.map(|locations| FileLog {
            dir: locations.log_dir().to_path_buf(),
            program: "tandem-app".into(),
        }),
    };
    match tandem_logging::init(&options) {
        Ok(guard) => Some(guard),
        Err(error) => {
            eprintln!("Tandem: logging to stderr only: {error}");
            let _ = tandem_logging::init(&LogOptions {
                file: None,
                ..options
            });
            None
        }
    }
}

/// Lets tests reach the app's managed state the way commands do.
pub fn state<R: Runtime>(app: &tauri::AppHandle<R>) -> tauri::State<'_, AppState> {
    app.state::<AppState>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tauri::test::{INVOKE_KEY, get_ipc_response, mock_builder, mock_context, noop_assets};
    use tauri::webview::InvokeRequest;

    use tauri::test::MockRuntime;

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

    fn app_with(locations: Result<Locations, LocationError>) -> tauri::App<MockRuntime> {
        app_answering(locations, false)
    }

    /// An app whose confirmation dialogs answer `answer`.
    fn app_answering(
        locations: Result<Locations, LocationError>,
        answer: bool,
    ) -> tauri::App<MockRuntime> {
        let mut state = AppState::new(locations);
        state.confirmer = confirm::Confirmer::Answer(answer);
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
        let app = app_with(Err(LocationError::NoHome));
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
        let snapshot = tandem_profiles::discover(locations.user_roots());
        let app = app_with(Ok(locations));
        state(app.handle()).set_profiles(snapshot);
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
        assert_eq!(error["code"], "profile_missing", "{error}");
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

    fn edge_machine() -> (tempfile::TempDir, Locations) {
        let machine = tempfile::tempdir().unwrap();
        let locations = Locations::under(machine.path());
        let edge = locations.user_roots().config_home.join("microsoft-edge");
        for dir in ["Default", "Profile 1"] {
            std::fs::create_dir_all(edge.join(dir)).unwrap();
        }
        std::fs::write(
            edge.join("Local State"),
            r#"{"profile":{"info_cache":{"Default":{"name":"Work"},"Profile 1":{"name":"Home"}}}}"#,
        )
        .unwrap();
        std::fs::write(
            edge.join("Default/Preferences"),
            r#"{"account_info":[{"email":"ada@contoso.com","edge_account_tenant_id":"72f988bf-86f1-41af-91ab-2d7cd011db47"}]}"#,
        )
        .unwrap();
        std::fs::write(
            edge.join("Profile 1/Preferences"),
            r#"{"account_info":[{"email":"ada@outlook.com","edge_account_tenant_id":"9188040d-6c67-4c5b-b112-36a304b66dad"}]}"#,
        )
        .unwrap();
        (machine, locations)
    }

    #[test]
    fn link_unlink_and_history_through_ipc() {
        let (_machine, locations) = edge_machine();
        let snapshot = tandem_profiles::discover(locations.user_roots());
        let app = app_with(Ok(locations));
        state(app.handle()).set_profiles(snapshot);
        let window = switcher(&app);
        let work = serde_json::json!("edge:Default");
        let link = invoke_with(
            &window,
            "link_profile",
            serde_json::json!({"work": work, "personalProfile": "edge:Profile 1"}),
        )
        .unwrap();
        assert_eq!(link["state"], "linked");
        assert_eq!(link["personal_account"]["email"], "ada@outlook.com");
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
        let policy = machine.path().join("etc/tandem/policies/managed");
        std::fs::create_dir_all(&policy).unwrap();
        std::fs::write(policy.join("p.json"), r#"{"LinkingEnabled": false}"#).unwrap();
        let snapshot = tandem_profiles::discover(locations.user_roots());
        let policy = PolicySet::read_linux(&locations);
        let app = app_with(Ok(locations));
        state(app.handle()).set_profiles(snapshot);
        state(app.handle()).set_policy(policy);
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
        let snapshot = tandem_profiles::discover(locations.user_roots());
        let app = app_answering(Ok(locations.clone()), false);
        state(app.handle()).set_profiles(snapshot.clone());
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
        state(app.handle()).set_profiles(snapshot);
        let status = invoke(&switcher(&app), "delete_personal_data").unwrap();
        assert!(status["links"].as_array().unwrap().is_empty());
        assert!(!data.join("personal/links.json").exists());
    }

    #[test]
    fn state_is_reachable_from_the_handle() {
        let app = app_with(Err(LocationError::NoHome));
        assert!(state(app.handle()).locations.is_err());
    }
}

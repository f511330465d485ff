//! Tandem's desktop shell. It owns windows, the tray, IPC and process
//! lifetime; everything else is the core's (`tandem-api`).
//!
//! This root composes the modules; no module imports another that imports
//! it back (a test checks): `state` imports none, `commands`, `confirm` and
//! `tray` import `state` and `windows`, and only this root hands the core
//! watcher's updates to the window, the tray and the notifications alike.

use std::process::ExitCode;
use std::sync::Mutex;

use tandem_api::watch::{LinkWatcher, Update};
use tandem_locations::Locations;
use tandem_logging::{FileLog, LogGuard, LogOptions};
use tauri::{AppHandle, Emitter, Manager, RunEvent, Runtime};

pub mod bindings;
mod command_names;
pub mod commands;
pub mod confirm;
pub mod events;
mod notices;
pub mod state;
mod tray;
mod web_memory;
pub mod windows;

pub use command_names::COMMAND_NAMES;
pub use state::AppState;

use windows::WindowId;

/// Whether this process keeps the tray and lives on when its windows close.
/// On Linux a lean process of its own (`tandem-tray`, no web view) does
/// that, and this one is only the windows: started on demand, it ends with
/// its last window, so Tandem waiting in the tray costs little memory.
pub const OWN_TRAY: bool = !cfg!(target_os = "linux");

/// Hands one update of the core's watcher to every part of the shell: the
/// window hears it as events, the tray shows it, the person is told what was
/// done for them.
fn publish<R: Runtime>(app: &AppHandle<R>, update: &Update) {
    app.state::<AppState>().set_latest(update);
    // Every window shows profiles or links (the switcher, the settings, the
    // wizard, the picker), so every window hears.
    if let Some(change) = &update.profile_change {
        let event = tandem_profiles::watch::ProfileEvent {
            change: change.clone(),
            snapshot: update.profiles.clone(),
        };
        if let Err(error) = app.emit(events::PROFILES_CHANGED, &event) {
            tracing::debug!("cannot tell the windows about a profile change: {error}");
        }
    }
    if let Err(error) = app.emit(events::LINKS_CHANGED, &update.status) {
        tracing::debug!("cannot tell the windows about a link change: {error}");
    }
    if OWN_TRAY {
        tray::show(app, Some(update));
        notices::tell(app, update);
    }
}

/// What the process was started (or, through the single instance, asked)
/// to show: a link to ask about, the settings, or the switcher.
fn show_what_args_ask<R: Runtime>(app: &AppHandle<R>, args: &[String]) {
    if args.iter().any(|arg| arg == QUIT_FLAG) {
        tracing::info!("asked to quit");
        app.exit(0);
        return;
    }
    if let Some(url) = tandem_api::routing::handed_link(args) {
        tracing::info!("a link to ask about");
        ask_where(app, url);
        return;
    }
    let window = if args.iter().any(|arg| arg == SETTINGS_FLAG) {
        WindowId::Settings
    } else if first_run(app) {
        WindowId::Wizard
    } else {
        WindowId::Switcher
    };
    if let Err(error) = windows::show(app, window) {
        tracing::error!("{error}");
    }
}

/// Whether Tandem was never set up: the wizard was not finished (nor
/// skipped) and nothing is linked.
fn first_run<R: Runtime>(app: &AppHandle<R>) -> bool {
    let state = app.state::<AppState>();
    let Ok(locations) = state.locations() else {
        return false;
    };
    tandem_api::settings::wizard_pending(locations)
        && state
            .latest()
            .is_some_and(|update| update.status.links.is_empty())
}

/// Ends a running Tandem window process (the tray's "Quit").
pub const QUIT_FLAG: &str = "--quit";
/// Opens the settings window.
pub const SETTINGS_FLAG: &str = "--settings";

/// Starts the tray process if it is not running (it keeps one instance).
fn start_tray_process() {
    let tray = tandem_api::setup::tray_executable();
    let mut command = std::process::Command::new(&tray);
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    match command.spawn() {
        Ok(mut child) => {
            let _ = std::thread::Builder::new()
                .name("tandem-tray-start".into())
                .spawn(move || child.wait());
        }
        Err(error) => tracing::warn!("cannot start the tray ({}): {error}", tray.display()),
    }
}

/// Asks the person where `url` opens: queues it for the picker and shows
/// the picker.
fn ask_where<R: Runtime>(app: &AppHandle<R>, url: String) {
    let state = app.state::<AppState>();
    // A link Tandem would refuse (not a web link, a hostile one) opens no
    // window: the person is told why instead.
    if let Ok(locations) = state.locations()
        && let Err(error) = tandem_api::routing::pick_request(locations, &url, None)
    {
        tracing::warn!("a link handed over was refused: {}", error.code());
        let language = state.language();
        tandem_api::desktop::notify(
            language.text("notice.link_not_opened"),
            &error.localized(language),
        );
        return;
    }
    let first = state.wait_for_pick(url);
    if !first && app.get_webview_window(WindowId::Picker.label()).is_some() {
        // The picker shows the links one after the other.
        return;
    }
    if let Err(error) = windows::show(app, WindowId::Picker) {
        tracing::error!("cannot show the picker: {error}");
    }
}

/// Routes a link the OS handed to the app itself (macOS delivers links to
/// the app bundle as an event): opened by the rules, or asked about.
#[cfg_attr(not(any(target_os = "macos", target_os = "ios")), allow(dead_code))]
fn route_link<R: Runtime>(app: &AppHandle<R>, url: String) {
    let state = app.state::<AppState>();
    let routed = state.locations().and_then(|locations| {
        let router = tandem_api::routing::LinkRouter::load(locations)?;
        router.open_unless_ask(
            &url,
            tandem_api::routing::Start::Spawn,
            state.profiles().ok().as_ref(),
        )
    });
    match routed {
        Ok(tandem_api::routing::Opened::Browser) => {}
        Ok(tandem_api::routing::Opened::Picker) => ask_where(app, url),
        Err(error) => {
            tracing::warn!("a link could not be opened: {error}");
            let language = state.language();
            tandem_api::desktop::notify(
                language.text("notice.link_not_opened"),
                &error.to_string(),
            );
        }
    }
}

/// Starts the core's watcher; each update reaches [`publish`].
fn watch<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let Ok(locations) = state.locations() else {
        return;
    };
    let handle = app.clone();
    match LinkWatcher::start(locations, move |update| publish(&handle, update)) {
        Ok((watcher, first)) => {
            state.set_latest(&first);
            state.keep_watcher(watcher);
        }
        Err(error) => {
            tracing::error!("cannot watch the profiles, the policy and the links: {error}")
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
            commands::cancel_sign_in,
            commands::unlink_profile,
            commands::export_personal_data,
            commands::delete_personal_data,
            commands::restrict_personal_data,
            commands::remove_all_data,
            commands::routing_rules,
            commands::add_rule,
            commands::remove_rule,
            commands::set_fallback,
            commands::set_unwrap_before_opening,
            commands::test_route,
            commands::handler_status,
            commands::set_link_handler,
            commands::waiting_link,
            commands::open_link_in,
            commands::dismiss_link,
            commands::app_settings,
            commands::set_language,
            commands::set_autostart,
            commands::show_window,
            commands::close_window,
            commands::profile_picture,
            commands::wizard_sign_in,
            commands::wizard_finish,
            commands::wizard_cancel,
            commands::wizard_skip
        ])
}

/// Runs the app until the person quits from the tray.
pub fn run() -> ExitCode {
    web_memory::restart_with_window_env();
    let locations = Locations::from_env();
    let log_guard = init_logging(locations.as_ref().ok());
    if let Err(error) = &locations {
        tracing::error!("{error}");
    }
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "Tandem starting");

    // Started at sign-in where a tray process of its own waits: that is
    // all there is to do.
    if !OWN_TRAY && std::env::args().any(|arg| arg == tandem_footprint::autostart::BACKGROUND_FLAG)
    {
        start_tray_process();
        return ExitCode::SUCCESS;
    }

    // Tauri panics without a display; say what is missing instead. (Not by
    // starting GTK here: that costs 40–80 ms on every start, measured.)
    #[cfg(target_os = "linux")]
    if !display::may_have_one() {
        tracing::error!("no display");
        display::tell(&display::missing());
        return ExitCode::FAILURE;
    }

    // Single instance comes first: a second launch must hand over before
    // anything else starts.
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            tracing::info!("second launch: the running Tandem shows what it asks");
            show_what_args_ask(app, &argv);
        }))
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            // GTK is up, and no web view exists yet.
            web_memory::before_first_webview();
            app.state::<AppState>().announce_running();
            {
                let app = app.handle().clone();
                std::thread::spawn(move || {
                    loop {
                        std::thread::sleep(std::time::Duration::from_secs(2));
                        app.state::<AppState>().renew_running();
                    }
                });
            }
            // Before any wizard can start: a wizard killed last time may
            // have left a sign-in it never linked.
            if let Ok(locations) = app.state::<AppState>().locations()
                && let Err(error) = tandem_api::onboarding::take_back_interrupted_sign_in(locations)
            {
                tracing::warn!("cannot take back an interrupted wizard's sign-in: {error}");
            }
            watch(app.handle());
            if OWN_TRAY {
                tray::install(app.handle())?;
            } else {
                start_tray_process();
            }
            let args: Vec<String> = std::env::args().collect();
            // Started at sign-in: wait in the tray until asked.
            let background = args
                .iter()
                .any(|arg| arg == tandem_footprint::autostart::BACKGROUND_FLAG);
            if OWN_TRAY && background {
                return Ok(());
            }
            show_what_args_ask(app.handle(), &args);
            Ok(())
        });
    let built = display::unless_refused(|| {
        wire(builder, AppState::new(locations))
            .build(tauri::generate_context!("../tauri.conf.json"))
    });
    let app = match built {
        Ok(Ok(app)) => app,
        Err(refused) => {
            tracing::error!("the display refused: {refused}");
            display::tell(&display::missing());
            return ExitCode::FAILURE;
        }
        Ok(Err(error)) => {
            tracing::error!("Tandem cannot start: {error}");
            eprintln!("Tandem cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    let log_guard = Mutex::new(log_guard);
    app.run(move |app, event| match event {
        // macOS hands links to the app bundle as an event, not an argument;
        // elsewhere they arrive as the link handler's hand-off.
        #[cfg(any(target_os = "macos", target_os = "ios"))]
        RunEvent::Opened { urls } => {
            for url in urls {
                route_link(app, url.to_string());
            }
        }
        // Where this process keeps the tray, the last window closing must
        // not end it; only Quit (which sets a code) does. Elsewhere the tray
        // process lives on, and this one ends with its windows.
        RunEvent::ExitRequested {
            code: None, api, ..
        } if OWN_TRAY => {
            tracing::debug!("last window closed; staying in the tray");
            api.prevent_exit();
        }
        // Closing the wizard any way (its Cancel, the window's close button,
        // the window manager) leaves Tandem as it was: a personal account it
        // signed in to but did not link leaves the keyring. After Finish
        // there is nothing left to take back.
        RunEvent::WindowEvent {
            label,
            event: tauri::WindowEvent::Destroyed,
            ..
        } if label == WindowId::Wizard.label() => {
            let state = app.state::<AppState>();
            state.cancel_sign_in();
            if let Ok(locations) = state.locations() {
                let locations = locations.clone();
                if let Err(error) = state.with_onboarding(|wizard| wizard.cancel(&locations)) {
                    tracing::warn!("the wizard's sign-in could not be taken back: {error}");
                }
            }
        }
        RunEvent::Exit => {
            tracing::info!("Tandem exiting");
            let state = app.state::<AppState>();
            if state.was_removed()
                && let Ok(locations) = state.locations()
            {
                // The log folder is gone: this only reaches the console.
                if let Err(error) = tandem_api::setup::remove_webview_leftovers(locations) {
                    eprintln!("tandem: {error}");
                }
            }
            // Flushes queued log lines: the event loop exits the process
            // without unwinding main.
            drop(
                log_guard
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .take(),
            );
        }
        _ => {
            let _ = app;
        }
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

/// Whether there is a display to open the windows on, found without
/// starting GTK first.
mod display {
    /// What GTK itself would try: `WAYLAND_DISPLAY` (else `wayland-0` in
    /// the runtime folder) or `DISPLAY`.
    #[cfg(target_os = "linux")]
    pub fn may_have_one() -> bool {
        set("DISPLAY")
            || set("WAYLAND_DISPLAY")
            || std::env::var_os("XDG_RUNTIME_DIR")
                .is_some_and(|dir| std::path::Path::new(&dir).join("wayland-0").exists())
    }

    fn set(name: &str) -> bool {
        std::env::var_os(name).is_some_and(|value| !value.is_empty())
    }

    /// The panic tao raises when GTK finds no display.
    const REFUSED: &str = "Failed to initialize gtk backend";

    /// Runs `build`; a display that refuses (tao panics) comes back as
    /// `Err` with tao's words, quietly, and any other panic goes on as it
    /// was. The panic hook is the one before, once `build` returns.
    pub fn unless_refused<T>(build: impl FnOnce() -> T) -> Result<T, String> {
        use std::sync::Arc;
        let previous: Arc<dyn Fn(&std::panic::PanicHookInfo<'_>) + Send + Sync> =
            Arc::from(std::panic::take_hook());
        let during = Arc::clone(&previous);
        std::panic::set_hook(Box::new(move |info| {
            if !text_of(info.payload()).is_some_and(|text| text.contains(REFUSED)) {
                during(info);
            }
        }));
        let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(build));
        let _ = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| previous(info)));
        match built {
            Ok(value) => Ok(value),
            Err(payload) => match text_of(payload.as_ref()) {
                Some(text) if text.contains(REFUSED) => Err(text.to_owned()),
                _ => std::panic::resume_unwind(payload),
            },
        }
    }

    fn text_of(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
        payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
    }

    /// Why the windows cannot open, naming the display that refused.
    pub fn missing() -> String {
        let named = ["WAYLAND_DISPLAY", "DISPLAY"]
            .into_iter()
            .filter(|name| set(name))
            .filter_map(|name| std::env::var_os(name).map(|value| format!("{name}={value:?}")))
            .collect::<Vec<_>>();
        let what = if named.is_empty() {
            "no display is set (DISPLAY and WAYLAND_DISPLAY are empty)".to_owned()
        } else {
            format!("the display refused the connection ({})", named.join(", "))
        };
        let quit = if std::env::args().any(|arg| arg == "--quit") {
            " To quit a Tandem running on your desktop from here, run `tandem-tray --quit`."
        } else {
            ""
        };
        format!(
            "Tandem's windows need a graphical session, and {what}. Start Tandem from your \
             desktop; the `tandem` command works without one.{quit}"
        )
    }

    /// On stderr, without panicking when it cannot be written.
    pub fn tell(text: &str) {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "tandem-app: {text}");
    }
}

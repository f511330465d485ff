//! The tray process on Linux: D-Bus (one instance, `--quit`), the core's
//! watcher, notifications, and the StatusNotifierItem drawn by `ksni`.

use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

use dbus::blocking::Connection;
use dbus::channel::MatchingReceiver;
use dbus::message::MatchRule;
use ksni::blocking::TrayMethods;
use tandem_api::tray::{Effect, TrayAction, TrayEntry, TrayMenu};
use tandem_api::watch::{LinkWatcher, Update};
use tandem_locations::Locations;

/// The well-known name that keeps one tray per session.
pub const BUS_NAME: &str = "dev.tandem.Tandem.Tray";
const OBJECT_PATH: &str = "/dev/tandem/Tandem/Tray";
const INTERFACE: &str = "dev.tandem.Tandem.Tray";
/// The single-instance name of the window process (Tauri's plugin names it
/// after the app's identifier).
const WINDOW_PROCESS_NAME: &str = "dev.tandem.Tandem.SingleInstance";
/// How often the loop looks at the bus and the language setting.
const TICK: Duration = Duration::from_millis(500);

enum Event {
    Update(Box<Update>),
    Action(TrayAction),
    /// Quit, and end the window process too (`Quit`), or only this one
    /// (`Stop`: the window process removing all of Tandem's data).
    Quit {
        windows_too: bool,
    },
}

pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let locations = Locations::from_env();
    let asks_another = args.iter().any(|arg| arg == "--quit" || arg == "--stop");
    // Before anything is written (the log, the data folder): an uninstall
    // that looks now sees this tray.
    let running = match &locations {
        Ok(locations) if !asks_another => Some(tandem_api::setup::announce_running(
            locations,
            tandem_api::setup::Program::Tray,
        )),
        _ => None,
    };
    let _log = tandem_logging::init(&tandem_logging::LogOptions {
        default_filter: "info".into(),
        file: locations
            .as_ref()
            .ok()
            .map(|locations| tandem_logging::FileLog {
                dir: locations.log_dir().to_path_buf(),
                program: "tandem-tray".into(),
            }),
    });
    let bus = match Connection::new_session() {
        Ok(bus) => bus,
        Err(error) => {
            tracing::error!("no session bus ({error}); Tandem needs one for its tray");
            eprintln!("tandem-tray: no session bus ({error}); Tandem needs one for its tray");
            return ExitCode::FAILURE;
        }
    };
    if args.iter().any(|arg| arg == "--quit") {
        return ask_to_quit(&bus, "Quit");
    }
    if args.iter().any(|arg| arg == "--stop") {
        return ask_to_quit(&bus, "Stop");
    }
    let locations = match locations {
        Ok(locations) => locations,
        Err(error) => {
            tracing::error!("{error}");
            eprintln!("tandem-tray: {error}");
            return ExitCode::FAILURE;
        }
    };
    match bus.request_name(BUS_NAME, false, false, true) {
        Ok(dbus::blocking::stdintf::org_freedesktop_dbus::RequestNameReply::PrimaryOwner) => {}
        Ok(_) => {
            tracing::debug!("the tray is running already");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            tracing::error!("cannot own {BUS_NAME}: {error}");
            return ExitCode::FAILURE;
        }
    }
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        "Tandem's tray starting"
    );
    // Always there: without locations, or asked to quit or stop, this
    // process returned above.
    let Some(running) = running else {
        return ExitCode::FAILURE;
    };
    run(&bus, &locations, running);
    tracing::info!("Tandem's tray quits");
    ExitCode::SUCCESS
}

/// Asks the running tray to quit (`Quit`, the windows too) or to stop
/// (`Stop`, the tray alone); whether one was running.
fn ask_to_quit(bus: &Connection, method: &str) -> ExitCode {
    let proxy = bus.with_proxy(BUS_NAME, OBJECT_PATH, Duration::from_secs(5));
    match proxy.method_call::<(), _, _, _>(INTERFACE, method, ()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("tandem-tray: no tray was running ({error})");
            ExitCode::FAILURE
        }
    }
}

fn run(bus: &Connection, locations: &Locations, mut running: tandem_api::setup::Announced) {
    let (events, inbox) = mpsc::channel::<Event>();
    // `tandem-tray --quit`, and whoever else asks over the bus.
    {
        let events = events.clone();
        bus.start_receive(
            MatchRule::new_method_call().with_path(OBJECT_PATH),
            Box::new(move |message, bus| {
                let windows_too = match message.member().as_deref() {
                    Some("Quit") => true,
                    Some("Stop") => false,
                    _ => return true,
                };
                let _ = dbus::channel::Sender::send(bus, message.method_return());
                let _ = events.send(Event::Quit { windows_too });
                true
            }),
        );
    }
    let watched = {
        let events = events.clone();
        LinkWatcher::start(locations, move |update| {
            let _ = events.send(Event::Update(Box::new(update.clone())));
        })
    };
    let (watcher, mut latest) = match watched {
        Ok((watcher, first)) => (Some(watcher), Some(first)),
        Err(error) => {
            tracing::error!("cannot watch the profiles, the policy and the links: {error}");
            (None, None)
        }
    };
    let mut language = tandem_api::settings::language(locations);
    let menu = tandem_api::tray::menu(latest.as_ref(), language);
    let tray = TandemTray {
        menu,
        events: events.clone(),
    }
    // A desktop without a tray host yet (or ever) still gets the watchers
    // and notifications; the item appears when a host does.
    .assume_sni_available(true)
    .spawn();
    let tray = match tray {
        Ok(handle) => Some(handle),
        Err(error) => {
            tracing::warn!("no tray icon: {error}");
            None
        }
    };
    let redraw = |latest: Option<&Update>, language| {
        if let Some(tray) = &tray {
            let menu = tandem_api::tray::menu(latest, language);
            tray.update(|this: &mut TandemTray| this.menu = menu);
        }
    };
    let mut windows_too = true;
    loop {
        running.keep(locations);
        // The bus: `Quit`, and the end of the session.
        if let Err(error) = bus.process(Duration::ZERO) {
            tracing::info!("the session bus went away ({error})");
            break;
        }
        match inbox.recv_timeout(TICK) {
            Ok(Event::Update(update)) => {
                for (title, body) in tandem_api::tray::notices(&update, language) {
                    tracing::info!("{title}");
                    tandem_api::desktop::notify(&title, &body);
                }
                latest = Some(*update);
                redraw(latest.as_ref(), language);
            }
            Ok(Event::Action(action)) => {
                tracing::debug!(?action, "tray menu");
                match tandem_api::tray::perform(locations, latest.as_ref(), &action) {
                    Ok(Effect::Done) => {}
                    Ok(Effect::ShowSwitcher) => start_app(&[]),
                    Ok(Effect::ShowSettings) => start_app(&["--settings"]),
                    Ok(Effect::Quit) => break,
                    Err(error) => tracing::warn!("tray: {error}"),
                }
                if action == TrayAction::ToggleLinking
                    && let Some(watcher) = &watcher
                    && let Err(error) = watcher.refresh()
                {
                    tracing::warn!("{error}");
                }
            }
            Ok(Event::Quit { windows_too: all }) => {
                windows_too = all;
                break;
            }
            Err(RecvTimeoutError::Timeout) => {
                // The window's settings may have changed the language.
                let now = tandem_api::settings::language(locations);
                if now != language {
                    language = now;
                    redraw(latest.as_ref(), language);
                }
            }
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    // Quit means all of Tandem: the windows go too.
    if windows_too && window_process_runs(bus) {
        start_app(&["--quit"]);
    }
    if let Some(tray) = tray {
        tray.shutdown().wait();
    }
    drop(watcher);
}

fn window_process_runs(bus: &Connection) -> bool {
    let proxy = bus.with_proxy(
        "org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        Duration::from_secs(2),
    );
    proxy
        .method_call::<(bool,), _, _, _>(
            "org.freedesktop.DBus",
            "NameHasOwner",
            (WINDOW_PROCESS_NAME,),
        )
        .is_ok_and(|(owned,)| owned)
}

/// Starts the window process (or, through its single instance, tells the
/// running one) with `args`.
fn start_app(args: &[&str]) {
    let app = tandem_api::setup::app_executable();
    let mut command = std::process::Command::new(&app);
    tandem_locations::for_the_window_process(&mut command)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    // The desktop's focus token for the click, so the window comes forward.
    if let Some(token) = ksni::current_xdg_activation_token() {
        command.env("XDG_ACTIVATION_TOKEN", token);
    }
    match command.spawn() {
        Ok(mut child) => {
            let _ = std::thread::Builder::new()
                .name("tandem-app-start".into())
                .spawn(move || child.wait());
        }
        Err(error) => tracing::warn!("cannot start {}: {error}", app.display()),
    }
}

struct TandemTray {
    menu: TrayMenu,
    events: Sender<Event>,
}

/// A label as dbusmenu shows it: a single `_` would be taken for an access
/// key and disappear.
fn label(text: &str) -> String {
    text.replace('_', "__")
}

impl ksni::Tray for TandemTray {
    fn id(&self) -> String {
        tandem_locations::APP_ID.into()
    }

    fn title(&self) -> String {
        "Tandem".into()
    }

    fn category(&self) -> ksni::Category {
        ksni::Category::ApplicationStatus
    }

    fn icon_pixmap(&self) -> Vec<ksni::Icon> {
        crate::linux::icon(self.menu.linked)
    }

    fn tool_tip(&self) -> ksni::ToolTip {
        ksni::ToolTip {
            title: self.menu.tooltip.clone(),
            ..Default::default()
        }
    }

    fn menu(&self) -> Vec<ksni::MenuItem<Self>> {
        use ksni::menu::{CheckmarkItem, StandardItem};
        self.menu
            .entries
            .iter()
            .map(|entry| match entry {
                TrayEntry::Switch {
                    label: text,
                    checked,
                    enabled,
                    action,
                } => {
                    let action = action.clone();
                    CheckmarkItem {
                        label: label(text),
                        checked: *checked,
                        enabled: *enabled,
                        activate: Box::new(move |this: &mut Self| {
                            let _ = this.events.send(Event::Action(action.clone()));
                        }),
                        ..Default::default()
                    }
                    .into()
                }
                TrayEntry::Item {
                    label: text,
                    action,
                } => {
                    let action = action.clone();
                    StandardItem {
                        label: label(text),
                        activate: Box::new(move |this: &mut Self| {
                            let _ = this.events.send(Event::Action(action.clone()));
                        }),
                        ..Default::default()
                    }
                    .into()
                }
                TrayEntry::Heading(text) => StandardItem {
                    label: label(text),
                    enabled: false,
                    ..Default::default()
                }
                .into(),
                TrayEntry::Separator => ksni::MenuItem::Separator,
            })
            .collect()
    }
}

/// Tandem's icon as the tray draws it (ARGB32), with a dot while a personal
/// account is linked.
pub fn icon(linked: bool) -> Vec<ksni::Icon> {
    static PLAIN: std::sync::OnceLock<Option<ksni::Icon>> = std::sync::OnceLock::new();
    static LINKED: std::sync::OnceLock<Option<ksni::Icon>> = std::sync::OnceLock::new();
    let cell = if linked { &LINKED } else { &PLAIN };
    cell.get_or_init(|| decode(include_bytes!("../../../icons/32x32.png"), linked))
        .clone()
        .into_iter()
        .collect()
}

fn decode(png_bytes: &[u8], dot: bool) -> Option<ksni::Icon> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().ok()?;
    let mut rgba = vec![0; reader.output_buffer_size()?];
    let info = reader.next_frame(&mut rgba).ok()?;
    if info.color_type != png::ColorType::Rgba {
        return None;
    }
    let (width, height) = (info.width as usize, info.height as usize);
    let mut argb = Vec::with_capacity(width * height * 4);
    for (index, pixel) in rgba[..width * height * 4].chunks_exact(4).enumerate() {
        let (x, y) = (index % width, index / width);
        // A green dot in the lower right corner: "linked".
        let (dx, dy) = (
            x as i64 - (width as i64 * 3 / 4),
            y as i64 - (height as i64 * 3 / 4),
        );
        let radius = width as i64 / 5;
        if dot && dx * dx + dy * dy <= radius * radius {
            argb.extend_from_slice(&[255, 0x1f, 0xa3, 0x4a]);
        } else {
            argb.extend_from_slice(&[pixel[3], pixel[0], pixel[1], pixel[2]]);
        }
    }
    Some(ksni::Icon {
        width: width as i32,
        height: height as i32,
        data: argb,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_icon_decodes_and_the_linked_one_differs() {
        let plain = icon(false);
        let linked = icon(true);
        assert_eq!(plain.len(), 1);
        assert_eq!(
            plain[0].data.len(),
            (plain[0].width * plain[0].height * 4) as usize
        );
        assert_ne!(plain[0].data, linked[0].data);
    }

    #[test]
    fn underscores_are_shown_as_underscores() {
        assert_eq!(label("my_profile"), "my__profile");
    }
}

//! `tandem-tray`: Tandem waiting in the tray, on Linux.
//!
//! Tandem spends almost all its life here, so this process is small: no web
//! view, no GTK. It keeps the links in line with the machine (the core's
//! `LinkWatcher`), tells the person what was done for them (notifications),
//! and shows the tray menu (a StatusNotifierItem with its menu over D-Bus,
//! which desktops' trays read). The menu and what its items do are the
//! core's (`tandem_api::tray`); this process only draws and forwards. The
//! windows are another process (`tandem-app`), started when asked for and
//! ended when its last window closes.
//!
//! One runs per session: it owns `dev.tandem.Tandem.Tray` on the session
//! bus, and a second start exits at once. `tandem-tray --quit` asks the
//! running one to quit, with the windows; `--stop` stops the tray alone
//! (the window process does, before it removes all of Tandem's data). It
//! ends with its session bus.

#[cfg(target_os = "linux")]
mod linux;

fn main() -> std::process::ExitCode {
    #[cfg(target_os = "linux")]
    {
        linux::main()
    }
    #[cfg(not(target_os = "linux"))]
    {
        // Elsewhere the app keeps its own tray.
        eprintln!("tandem-tray runs on Linux only; the app keeps its own tray here");
        std::process::ExitCode::FAILURE
    }
}

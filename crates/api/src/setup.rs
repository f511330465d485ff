//! What Tandem leaves on the machine outside its folders, and removing
//! everything it left.

use std::path::PathBuf;

pub use tandem_footprint::running::{Announced, Program, Running};
use tandem_footprint::uninstall::Plan;
use tandem_locations::Locations;

use crate::Error;

/// Who asks for the removal: the CLI must not run beside the app, which
/// would write its files again; the app removes its own data, then quits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remover {
    Cli,
    TheApp,
}

/// What removing would remove, without removing anything.
pub fn uninstall_plan(locations: &Locations) -> Plan {
    tandem_footprint::uninstall::plan(locations)
}

/// Says that `program` runs for these folders, for as long as the result
/// lives; keep it for the life of the process and call
/// [`Announced::keep`] now and then. The uninstaller waits for it.
pub fn announce_running(locations: &Locations, program: Program) -> Announced {
    Announced::claim(locations, program)
}

/// Whether Tandem's app or tray runs for these folders.
pub fn running(locations: &Locations) -> Running {
    tandem_footprint::running::any(locations)
}

/// Refuses while Tandem's app or tray runs for these folders, or while
/// that cannot be told: they would write their files again.
pub fn ensure_not_running(locations: &Locations) -> Result<(), Error> {
    match running(locations) {
        Running::No => Ok(()),
        Running::Yes(Program::App) => Err(Error::AppRunning),
        Running::Yes(Program::Tray) => Err(Error::TrayRunning),
        Running::Unknown { path, why } => Err(cannot_tell(&path, why)),
    }
}

fn cannot_tell(path: &std::path::Path, why: String) -> Error {
    Error::RunningUnknown {
        path: path.display().to_string(),
        detail: why,
    }
}

/// Stops the tray process (Linux) and waits, at most 10 s, for it to end:
/// before the app removes all of Tandem's data, nothing else may write it.
/// The tray is asked even when none seems to run (that is harmless); one
/// still there after the wait is an error, and nothing may be removed.
pub fn stop_tray(locations: &Locations) -> Result<(), Error> {
    use tandem_footprint::running::check;
    if !cfg!(target_os = "linux") {
        return Ok(());
    }
    let stopped = std::process::Command::new(tray_executable())
        .arg("--stop")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    if let Err(error) = stopped {
        tracing::warn!("cannot ask the tray to stop: {error}");
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match check(locations, Program::Tray) {
            Running::No => return Ok(()),
            _ if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Running::Unknown { path, why } => return Err(cannot_tell(&path, why)),
            Running::Yes(_) => return Err(Error::TrayStillRunning),
        }
    }
}

/// Removes everything Tandem left for this user, and nothing else.
pub fn uninstall(locations: &Locations, remover: Remover) -> Result<Plan, Error> {
    if remover == Remover::Cli {
        ensure_not_running(locations)?;
    }
    Ok(tandem_footprint::uninstall::uninstall(locations)?)
}

/// After `uninstall` by the app: removes what its web view wrote while it
/// shut down.
pub fn remove_webview_leftovers(locations: &Locations) -> Result<(), Error> {
    Ok(tandem_footprint::uninstall::remove_webview_leftovers(
        locations,
    )?)
}

/// Whether Tandem starts (in the tray) when the person signs in.
pub fn autostart_enabled(locations: &Locations) -> bool {
    tandem_footprint::autostart::is_enabled(locations)
}

/// Starts Tandem at sign-in from now on, or stops doing so.
pub fn set_autostart(locations: &Locations, on: bool) -> Result<(), Error> {
    if on {
        // Where a tray process of its own waits (Linux), that is what starts.
        let program = if cfg!(target_os = "linux") {
            tray_executable()
        } else {
            app_executable()
        };
        tandem_footprint::autostart::enable(locations, &program)?;
    } else {
        tandem_footprint::autostart::disable(locations)?;
    }
    Ok(())
}

/// The variable that names the tray process's executable (tests, packagers).
pub const TRAY_VAR: &str = "TANDEM_TRAY";

/// The tray process (Linux): `$TANDEM_TRAY`, else beside this program, else
/// by name.
pub fn tray_executable() -> PathBuf {
    sibling(
        TRAY_VAR,
        if cfg!(windows) {
            "tandem-tray.exe"
        } else {
            "tandem-tray"
        },
    )
}

fn sibling(variable: &str, name: &str) -> PathBuf {
    if let Some(path) = std::env::var_os(variable).map(PathBuf::from)
        && path.is_absolute()
    {
        return path;
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(name)))
        .filter(|path| path.exists())
        .unwrap_or_else(|| PathBuf::from(name))
}

/// The variable that names the app's executable, for packagers that put it
/// elsewhere (and tests, which give a stand-in).
pub const APP_VAR: &str = "TANDEM_APP";

/// The app's executable: `$TANDEM_APP`, else beside this program when
/// installed together, else by name.
pub fn app_executable() -> PathBuf {
    sibling(
        APP_VAR,
        if cfg!(windows) {
            "tandem-app.exe"
        } else {
            "tandem-app"
        },
    )
}

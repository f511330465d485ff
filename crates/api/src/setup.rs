//! What Tandem leaves on the machine outside its folders, and removing
//! everything it left.

use std::path::PathBuf;

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

/// Whether Tandem's app runs for this user (checked on Linux).
pub fn app_is_running() -> bool {
    tandem_footprint::uninstall::app_is_running()
}

/// Removes everything Tandem left for this user, and nothing else.
pub fn uninstall(locations: &Locations, remover: Remover) -> Result<Plan, Error> {
    if remover == Remover::Cli && tandem_footprint::uninstall::app_is_running() {
        return Err(Error::AppRunning);
    }
    Ok(tandem_footprint::uninstall::uninstall(locations)?)
}

/// Whether Tandem starts (in the tray) when the person signs in.
pub fn autostart_enabled(locations: &Locations) -> bool {
    tandem_footprint::autostart::is_enabled(locations)
}

/// Starts Tandem at sign-in from now on, or stops doing so.
pub fn set_autostart(locations: &Locations, on: bool) -> Result<(), Error> {
    if on {
        tandem_footprint::autostart::enable(locations, &app_executable())?;
    } else {
        tandem_footprint::autostart::disable(locations)?;
    }
    Ok(())
}

/// The variable that names the app's executable, for packagers that put it
/// elsewhere (and tests, which give a stand-in).
pub const APP_VAR: &str = "TANDEM_APP";

/// The app's executable: `$TANDEM_APP`, else beside this program when
/// installed together, else by name.
pub fn app_executable() -> PathBuf {
    if let Some(app) = std::env::var_os(APP_VAR).map(PathBuf::from)
        && app.is_absolute()
    {
        return app;
    }
    let name = if cfg!(windows) {
        "tandem-app.exe"
    } else {
        "tandem-app"
    };
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(name)))
        .filter(|path| path.exists())
        .unwrap_or_else(|| PathBuf::from(name))
}

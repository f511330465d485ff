//! Every file-system location Tandem reads or writes comes from this crate.
//!
//! User locations follow `HOME` and the XDG base-directory variables (through the
//! `directories` crate, so macOS and Windows get their native folders). System
//! locations, such as policy folders, sit under `TANDEM_SYSTEM_ROOT`, which
//! defaults to `/`. A test can therefore build a whole fake machine in a temporary
//! folder ([`Locations::under`]) or point a child process at one through the
//! environment, and never touch the real one.

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

/// The variable that moves every system location under another folder.
pub const SYSTEM_ROOT_VAR: &str = "TANDEM_SYSTEM_ROOT";

/// Reverse-DNS parts of Tandem's identity. They must agree with `identifier` in
/// `tauri.conf.json`, so that the OS sees one application, not two.
const QUALIFIER: &str = "dev";
const ORGANIZATION: &str = "Tandem";
const APPLICATION: &str = "Tandem";
/// The desktop id: `identifier` in `tauri.conf.json`.
pub const APP_ID: &str = "dev.tandem.Tandem";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LocationError {
    #[error(
        "cannot find your home folder: set HOME to an absolute path (Tandem keeps its settings and logs there)"
    )]
    NoHome,
    #[error("{SYSTEM_ROOT_VAR} must be an absolute path, but it is {0:?}")]
    RelativeSystemRoot(PathBuf),
    #[error(
        "{0:?} is not an absolute system path without '..' (a bug in Tandem: please report it)"
    )]
    InvalidSystemPath(String),
}

/// The operating systems Tandem knows the file layouts of. Code that maps a
/// layout takes the platform as a value, so every OS's table is tested on
/// every OS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Linux,
    MacOs,
    Windows,
}

impl Platform {
    /// The platform this build runs on. BSDs use the Linux (XDG) layout.
    pub const fn current() -> Self {
        if cfg!(target_os = "macos") {
            Platform::MacOs
        } else if cfg!(windows) {
            Platform::Windows
        } else {
            Platform::Linux
        }
    }
}

/// The user folders other programs (browsers) keep their files under, as the
/// OS defines them. Browsers' own layouts are mapped onto these by the core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRoots {
    pub platform: Platform,
    pub home: PathBuf,
    /// Linux: `$XDG_CONFIG_HOME` or `~/.config`.
    pub config_home: PathBuf,
    /// Linux: `$XDG_DATA_HOME` or `~/.local/share` (desktop entries live there).
    pub data_home: PathBuf,
    /// Linux: `$CHROME_CONFIG_HOME`, which Chrome and Chromium prefer to `config_home`.
    pub chrome_config_home: Option<PathBuf>,
    /// macOS: `~/Library/Application Support`.
    pub application_support: PathBuf,
    /// Windows: `%LOCALAPPDATA%`.
    pub local_app_data: PathBuf,
    /// Windows: `%APPDATA%` (roaming).
    pub roaming_app_data: PathBuf,
}

impl UserRoots {
    /// The conventional folders of `platform` for a user whose home is `home`,
    /// with no variables overriding them. Tests use it to lay out any OS.
    pub fn conventional(platform: Platform, home: &Path) -> Self {
        Self {
            platform,
            home: home.to_path_buf(),
            config_home: home.join(".config"),
            data_home: home.join(".local/share"),
            chrome_config_home: None,
            application_support: home.join("Library/Application Support"),
            local_app_data: home.join("AppData/Local"),
            roaming_app_data: home.join("AppData/Roaming"),
        }
    }
}

/// Where Tandem keeps its own files, and where the system-wide files it reads live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Locations {
    /// The user's home folder.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    home: PathBuf,
    /// Settings the user chose.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    config_dir: PathBuf,
    /// Data Tandem must keep (links, account index), never secrets.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    data_dir: PathBuf,
    /// Data Tandem can rebuild at any time.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    cache_dir: PathBuf,
    /// Rolling log files.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    log_dir: PathBuf,
    /// The folder every system location is resolved under; `/` on a real machine.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    system_root: PathBuf,
    /// Other programs' user folders, for reading browser files.
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    user_roots: UserRoots,
    /// Windows: `%ProgramFiles%` and `%ProgramFiles(x86)%`, where browsers install.
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    program_dirs: Vec<PathBuf>,
    /// Where the app saves what the user asks it to export: the user's
    /// downloads folder, or home. Not Tandem's: uninstalling leaves exports.
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    export_dir: PathBuf,
    /// Linux: `$XDG_DATA_DIRS` and `$XDG_CONFIG_DIRS`, system paths resolved
    /// under the system root (desktop entries and default applications).
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    system_data_dirs: Vec<PathBuf>,
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    system_config_dirs: Vec<PathBuf>,
}

/// `$XDG_DATA_DIRS`-style lists: absolute entries only, each resolved under
/// the system root; `default` when the variable is unset or empty.
fn system_dirs(system_root: &Path, value: Option<OsString>, default: &str) -> Vec<PathBuf> {
    let value = value
        .filter(|value| !value.is_empty())
        .unwrap_or_else(|| default.into());
    std::env::split_paths(&value)
        .filter(|dir| dir.is_absolute())
        .filter_map(|dir| resolve_under(system_root, &dir.to_string_lossy()))
        .collect()
}

fn resolve_under(system_root: &Path, absolute: &str) -> Option<PathBuf> {
    let path = Path::new(absolute);
    if !path.has_root() {
        return None;
    }
    let mut resolved = system_root.to_path_buf();
    for component in path.components() {
        match component {
            Component::Normal(part) => resolved.push(part),
            Component::RootDir | Component::CurDir => {}
            Component::Prefix(_) | Component::ParentDir => return None,
        }
    }
    Some(resolved)
}

const DEFAULT_DATA_DIRS: &str = "/usr/local/share:/usr/share";
const DEFAULT_CONFIG_DIRS: &str = "/etc/xdg";

impl Locations {
    /// The locations of the current user, from `HOME`, the XDG variables and
    /// `TANDEM_SYSTEM_ROOT`.
    pub fn from_env() -> Result<Self, LocationError> {
        let system_root = parse_system_root(std::env::var_os(SYSTEM_ROOT_VAR))?;
        let base = directories::BaseDirs::new().ok_or(LocationError::NoHome)?;
        let project = directories::ProjectDirs::from(QUALIFIER, ORGANIZATION, APPLICATION)
            .ok_or(LocationError::NoHome)?;
        let home = base.home_dir().to_path_buf();
        if !home.is_absolute() {
            return Err(LocationError::NoHome);
        }
        let log_dir = native_log_dir(&home, &project);
        let user_roots = UserRoots {
            platform: Platform::current(),
            home: home.clone(),
            config_home: base.config_dir().to_path_buf(),
            data_home: base.data_dir().to_path_buf(),
            chrome_config_home: std::env::var_os("CHROME_CONFIG_HOME")
                .map(PathBuf::from)
                .filter(|path| path.is_absolute()),
            application_support: base.data_dir().to_path_buf(),
            local_app_data: base.data_local_dir().to_path_buf(),
            roaming_app_data: base.config_dir().to_path_buf(),
        };
        let program_dirs = if cfg!(windows) {
            ["ProgramFiles", "ProgramFiles(x86)"]
                .into_iter()
                .filter_map(std::env::var_os)
                .map(PathBuf::from)
                .collect()
        } else {
            Vec::new()
        };
        let export_dir = directories::UserDirs::new()
            .and_then(|dirs| dirs.download_dir().map(Path::to_path_buf))
            .filter(|dir| dir.is_dir())
            .unwrap_or_else(|| home.clone());
        let system_data_dirs = system_dirs(
            &system_root,
            std::env::var_os("XDG_DATA_DIRS"),
            DEFAULT_DATA_DIRS,
        );
        let system_config_dirs = system_dirs(
            &system_root,
            std::env::var_os("XDG_CONFIG_DIRS"),
            DEFAULT_CONFIG_DIRS,
        );
        Ok(Self {
            user_roots,
            program_dirs,
            export_dir,
            system_data_dirs,
            system_config_dirs,
            config_dir: project.config_dir().to_path_buf(),
            data_dir: project.data_dir().to_path_buf(),
            cache_dir: project.cache_dir().to_path_buf(),
            log_dir,
            home,
            system_root,
        })
    }

    /// A whole machine under `root`, laid out as a Linux desktop with the XDG
    /// defaults: the home folder is `root/home/user` and system paths are under
    /// `root`. Tests use it to work on a fake machine in a temporary folder.
    pub fn under(root: &Path) -> Self {
        let home = root.join("home").join("user");
        Self {
            user_roots: UserRoots::conventional(Platform::Linux, &home),
            program_dirs: Vec::new(),
            export_dir: home.clone(),
            system_data_dirs: system_dirs(root, None, DEFAULT_DATA_DIRS),
            system_config_dirs: system_dirs(root, None, DEFAULT_CONFIG_DIRS),
            config_dir: home.join(".config").join("tandem"),
            data_dir: home.join(".local/share").join("tandem"),
            cache_dir: home.join(".cache").join("tandem"),
            log_dir: home.join(".local/state").join("tandem").join("logs"),
            home,
            system_root: root.to_path_buf(),
        }
    }

    pub fn home(&self) -> &Path {
        &self.home
    }

    pub fn config_dir(&self) -> &Path {
        &self.config_dir
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn cache_dir(&self) -> &Path {
        &self.cache_dir
    }

    pub fn log_dir(&self) -> &Path {
        &self.log_dir
    }

    pub fn system_root(&self) -> &Path {
        &self.system_root
    }

    /// Other programs' user folders (where browsers keep their profiles).
    pub fn user_roots(&self) -> &UserRoots {
        &self.user_roots
    }

    /// Where exports the user asks for are saved.
    pub fn export_dir(&self) -> &Path {
        &self.export_dir
    }

    /// Windows' program folders, where browsers install; empty elsewhere.
    pub fn program_dirs(&self) -> &[PathBuf] {
        &self.program_dirs
    }

    /// Resolves an absolute system path (as the OS documents it, such as
    /// `/etc/opt/edge/policies/managed`) under the system root.
    pub fn system_path(&self, absolute: &str) -> Result<PathBuf, LocationError> {
        resolve_under(&self.system_root, absolute)
            .ok_or_else(|| LocationError::InvalidSystemPath(absolute.to_owned()))
    }

    /// Linux: the folders desktop entries are looked up in, the user's
    /// first (`$XDG_DATA_HOME/applications`, then each of `$XDG_DATA_DIRS`).
    pub fn desktop_entry_dirs(&self) -> Vec<PathBuf> {
        std::iter::once(self.user_roots.data_home.join("applications"))
            .chain(
                self.system_data_dirs
                    .iter()
                    .map(|dir| dir.join("applications")),
            )
            .collect()
    }

    /// Linux: every `mimeapps.list` that may name a default application, in
    /// the order the XDG specification consults them; the user's own
    /// ([`Locations::mimeapps_list`]) first, the legacy `defaults.list` last.
    pub fn mimeapps_lists(&self) -> Vec<PathBuf> {
        let mut lists = vec![self.mimeapps_list()];
        lists.extend(
            self.system_config_dirs
                .iter()
                .map(|dir| dir.join("mimeapps.list")),
        );
        lists.push(self.user_roots.data_home.join("applications/mimeapps.list"));
        lists.extend(
            self.system_data_dirs
                .iter()
                .map(|dir| dir.join("applications/mimeapps.list")),
        );
        lists.extend(
            self.system_data_dirs
                .iter()
                .map(|dir| dir.join("applications/defaults.list")),
        );
        lists
    }

    /// The file that starts Tandem when the user signs in: an XDG autostart
    /// entry on Linux, a launch agent on macOS. `None` on Windows, where it
    /// is a registry value.
    pub fn autostart_file(&self) -> Option<PathBuf> {
        let roots = &self.user_roots;
        match roots.platform {
            Platform::Linux => Some(
                roots
                    .config_home
                    .join("autostart")
                    .join(format!("{}.desktop", APP_ID)),
            ),
            Platform::MacOs => Some(
                roots
                    .home
                    .join("Library/LaunchAgents")
                    .join(format!("{APP_ID}.plist")),
            ),
            Platform::Windows => None,
        }
    }

    /// Linux: the desktop entry that makes Tandem a link handler.
    pub fn handler_desktop_file(&self) -> PathBuf {
        self.user_roots
            .data_home
            .join("applications")
            .join(format!("{APP_ID}.desktop"))
    }

    /// Linux: the user's default applications (`$XDG_CONFIG_HOME/mimeapps.list`).
    pub fn mimeapps_list(&self) -> PathBuf {
        self.user_roots.config_home.join("mimeapps.list")
    }

    /// The folders the app's web view (WebKitGTK, WKWebView, WebView2) keeps
    /// its storage and caches in, named after the app's identifier. They are
    /// Tandem's traces too, though the web engine writes them.
    pub fn webview_dirs(&self) -> Vec<PathBuf> {
        let roots = &self.user_roots;
        match roots.platform {
            Platform::Linux => vec![
                roots.data_home.join(APP_ID),
                self.cache_dir
                    .parent()
                    .map_or_else(|| roots.home.join(".cache"), Path::to_path_buf)
                    .join(APP_ID),
            ],
            Platform::MacOs => vec![
                roots.home.join("Library/WebKit").join(APP_ID),
                roots.home.join("Library/Caches").join(APP_ID),
            ],
            Platform::Windows => vec![roots.local_app_data.join(APP_ID)],
        }
    }

    /// Every folder Tandem itself may create for this user: what "remove all my
    /// data" and the uninstaller must clean, and nothing else.
    pub fn owned_dirs(&self) -> [&Path; 4] {
        [
            &self.config_dir,
            &self.data_dir,
            &self.cache_dir,
            &self.log_dir,
        ]
    }
}

fn parse_system_root(value: Option<OsString>) -> Result<PathBuf, LocationError> {
    match value {
        None => Ok(PathBuf::from("/")),
        Some(value) if value.is_empty() => Ok(PathBuf::from("/")),
        Some(value) => {
            let path = PathBuf::from(value);
            if path.is_absolute() {
                Ok(path)
            } else {
                Err(LocationError::RelativeSystemRoot(path))
            }
        }
    }
}

/// Logs are state, not data: XDG puts them under `XDG_STATE_HOME`, macOS under
/// `~/Library/Logs`, and Windows beside the local (non-roaming) data.
fn native_log_dir(home: &Path, project: &directories::ProjectDirs) -> PathBuf {
    if cfg!(target_os = "macos") {
        home.join("Library/Logs").join(APPLICATION)
    } else if let Some(state) = project.state_dir() {
        state.join("logs")
    } else {
        project.data_local_dir().join("logs")
    }
}

/// What Tandem adds to the window process's environment before WebKit starts
/// (see [`window_process_env`]) is listed in this variable, so that the
/// programs it starts for the person (browsers, the sign-in page's opener)
/// get the environment the person had.
pub const ADDED_ENV: &str = "TANDEM_ADDED_ENV";

/// The variables the app may add; nothing else listed in [`ADDED_ENV`] is
/// ever removed.
pub const ADDABLE_ENV: [&str; 6] = [
    "WEBKIT_DISABLE_COMPOSITING_MODE",
    "GDK_GL",
    "WEBKIT_DISABLE_DMABUF_RENDERER",
    "WEBKIT_WEB_RENDER_DEVICE_FILE",
    "JSC_useJIT",
    "MALLOC_ARENA_MAX",
];

/// What Tandem's window process needs in its environment to stay small: to
/// draw a page of text without the GPU, and so without loading the GL driver
/// (Mesa's, with LLVM, is ~17 MiB a process) in that process at all, to run
/// its script without a JIT, and to keep one malloc arena (Linux; elsewhere
/// nothing):
///
/// - no accelerated compositing (the web process paints into shared
///   memory, which the window process shows as a picture);
/// - GTK uses no GL for its own windows;
/// - no DMA-BUF renderer, and a render device named up front: otherwise the
///   window process opens an EGL display only to find the GPU's device file
///   for the web process (which still opens its own, and needs it);
/// - no JavaScript JIT: the pages run a few hundred kilobytes of Tandem's
///   own script, which the interpreter runs in time, while the JIT's
///   compilers and its writable, executable memory cost ~7 MiB over the
///   window and web processes (and are attack surface a page of buttons
///   does not need);
/// - one malloc arena: glibc gives each thread that allocates an arena of
///   its own (up to eight a core), each keeping its own free pages; the
///   window process's threads allocate little and seldom at once
///   (−1 MiB).
///
/// WebKit, JavaScriptCore, GTK and glibc read these only from the
/// environment before their first use, so the app restarts itself with them,
/// and the tray starts it with them (see [`for_the_window_process`]).
pub fn window_process_env() -> Vec<(&'static str, String)> {
    if !cfg!(target_os = "linux") {
        return Vec::new();
    }
    let render_device = std::fs::read_dir("/dev/dri")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with("renderD"))
        })
        .min()
        // The web process falls back to its own display when the device
        // cannot be opened; an empty name is read as "ask EGL".
        .map_or_else(|| "/dev/null".to_owned(), |path| path.display().to_string());
    vec![
        ("WEBKIT_DISABLE_COMPOSITING_MODE", "1".to_owned()),
        ("GDK_GL", "disable".to_owned()),
        ("WEBKIT_DISABLE_DMABUF_RENDERER", "1".to_owned()),
        ("WEBKIT_WEB_RENDER_DEVICE_FILE", render_device),
        ("JSC_useJIT", "false".to_owned()),
        ("MALLOC_ARENA_MAX", "1".to_owned()),
    ]
}

/// The variables of [`window_process_env`] that `get` (an environment)
/// lacks: what Tandem adds. A variable the person set is left as it is.
pub fn window_env_missing(
    get: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> Vec<(&'static str, String)> {
    window_process_env()
        .into_iter()
        .filter(|(name, _)| get(name).is_none())
        .collect()
}

/// The variables `get` (an environment) names in [`ADDED_ENV`], whether
/// it still has them or not. Only [`ADDABLE_ENV`] counts.
pub fn named_as_added(get: impl Fn(&str) -> Option<std::ffi::OsString>) -> Vec<&'static str> {
    let Some(listed) = get(ADDED_ENV) else {
        return Vec::new();
    };
    let listed = listed.to_string_lossy();
    ADDABLE_ENV
        .into_iter()
        .filter(|name| listed.split(',').any(|listed| listed == *name))
        .collect()
}

/// Whether a window process with the environment `get` should start itself
/// again with [`window_process_env`]: something is missing that was not
/// added before. A variable named as added yet gone again was cleared by
/// the loader (it clears `MALLOC_ARENA_MAX` for a setuid or setcap
/// program), and starting again would only loop.
pub fn window_env_restart_needed(get: impl Fn(&str) -> Option<std::ffi::OsString>) -> bool {
    let named = named_as_added(&get);
    window_env_missing(&get)
        .iter()
        .any(|(name, _)| !named.contains(name))
}

/// The variables `get` names in [`ADDED_ENV`] and still has: what Tandem
/// added to it earlier.
fn listed_as_added(get: impl Fn(&str) -> Option<std::ffi::OsString>) -> Vec<&'static str> {
    named_as_added(&get)
        .into_iter()
        .filter(|name| get(name).is_some())
        .collect()
}

/// [`ADDED_ENV`] for an environment `get` to which `missing` is added: what
/// was added before stays listed. A tray from an older version lists fewer
/// variables than this app adds, and the app then adds the rest; the list
/// must keep the tray's, or the browsers would get them.
fn added_list(
    get: impl Fn(&str) -> Option<std::ffi::OsString>,
    missing: &[(&'static str, String)],
) -> String {
    let mut added = listed_as_added(get);
    added.extend(missing.iter().map(|(name, _)| *name));
    added.join(",")
}

/// Gives `command`, which starts the window process, what that process
/// needs (see [`window_process_env`]) and this one lacks, listed in
/// [`ADDED_ENV`] so that the browsers it starts get the person's own. The
/// tray starts the app so: otherwise every "Open Tandem" would start it
/// twice, once to add them (≈ 50–80 ms).
pub fn for_the_window_process(command: &mut std::process::Command) -> &mut std::process::Command {
    let get = |name: &str| std::env::var_os(name);
    let missing = window_env_missing(get);
    if !missing.is_empty() {
        command
            .env(ADDED_ENV, added_list(get, &missing))
            .envs(missing);
    }
    command
}

/// Gives `command` the person's own environment: without what Tandem's app
/// added to its own (see [`ADDED_ENV`]).
pub fn as_the_person(command: &mut std::process::Command) -> &mut std::process::Command {
    for name in named_as_added(|name| std::env::var_os(name)) {
        command.env_remove(name);
    }
    command.env_remove(ADDED_ENV)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_window_process_is_given_is_taken_back_for_the_browsers() {
        for (name, _) in window_process_env() {
            assert!(
                ADDABLE_ENV.contains(&name),
                "{name} would reach the browsers Tandem starts"
            );
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn only_what_is_missing_is_added_and_a_persons_own_value_stays() {
        let none = window_env_missing(|_| None);
        assert_eq!(none.len(), ADDABLE_ENV.len(), "{none:?}");
        let set = window_env_missing(|name| (name == "GDK_GL").then(|| "gl".into()));
        assert_eq!(set.len(), ADDABLE_ENV.len() - 1);
        assert!(set.iter().all(|(name, _)| *name != "GDK_GL"));
        let all = window_env_missing(|_| Some("x".into()));
        assert!(all.is_empty());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn what_an_older_tray_added_stays_listed_beside_what_the_app_adds() {
        let older_tray = |name: &str| -> Option<std::ffi::OsString> {
            match name {
                ADDED_ENV => Some("GDK_GL,WEBKIT_DISABLE_COMPOSITING_MODE,HOME,PATH".into()),
                "GDK_GL" | "WEBKIT_DISABLE_COMPOSITING_MODE" | "HOME" | "PATH" => Some("x".into()),
                _ => None,
            }
        };
        // Listed but not addable (HOME, PATH) is never Tandem's to take back.
        assert_eq!(
            listed_as_added(older_tray),
            ["WEBKIT_DISABLE_COMPOSITING_MODE", "GDK_GL"]
        );
        let missing = window_env_missing(older_tray);
        let list = added_list(older_tray, &missing);
        let listed: Vec<&str> = list.split(',').collect();
        assert_eq!(listed.len(), ADDABLE_ENV.len(), "{list}");
        for name in ADDABLE_ENV {
            assert!(listed.contains(&name), "{name} missing from {list}");
        }
        // Named, yet gone (the loader clears some variables for a setuid
        // program): named, so the app does not start again for it, but no
        // longer listed as added.
        let cleared = |name: &str| -> Option<std::ffi::OsString> {
            (name == ADDED_ENV).then(|| "MALLOC_ARENA_MAX".into())
        };
        assert_eq!(named_as_added(cleared), ["MALLOC_ARENA_MAX"]);
        assert!(listed_as_added(cleared).is_empty());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_app_starts_again_once_for_what_is_missing_and_never_for_what_the_loader_cleared() {
        // Started by a tray from an older version: two are missing.
        let older_tray = |name: &str| -> Option<std::ffi::OsString> {
            (!["JSC_useJIT", "MALLOC_ARENA_MAX"].contains(&name)).then(|| {
                if name == ADDED_ENV {
                    ADDABLE_ENV[..4].join(",").into()
                } else {
                    "x".into()
                }
            })
        };
        assert!(window_env_restart_needed(older_tray));
        // Started again with all of them: nothing to do.
        assert!(!window_env_restart_needed(|_| Some("x".into())));
        // Started again, and the loader cleared one that was added.
        let cleared = |name: &str| -> Option<std::ffi::OsString> {
            match name {
                ADDED_ENV => Some(ADDABLE_ENV.join(",").into()),
                "MALLOC_ARENA_MAX" => None,
                _ => Some("x".into()),
            }
        };
        assert!(!window_env_restart_needed(cleared));
    }

    #[test]
    fn system_root_defaults_to_slash() {
        assert_eq!(parse_system_root(None).unwrap(), PathBuf::from("/"));
        assert_eq!(
            parse_system_root(Some(OsString::new())).unwrap(),
            PathBuf::from("/")
        );
    }

    #[test]
    fn xdg_system_folders_resolve_under_the_root() {
        let dirs = system_dirs(
            Path::new("/fake"),
            Some("/usr/share:relative:/opt/../x:/var/lib/flatpak/exports/share".into()),
            DEFAULT_DATA_DIRS,
        );
        assert_eq!(
            dirs,
            [
                PathBuf::from("/fake/usr/share"),
                PathBuf::from("/fake/var/lib/flatpak/exports/share")
            ]
        );
        let locations = Locations::under(Path::new("/m"));
        assert_eq!(
            locations.desktop_entry_dirs(),
            [
                PathBuf::from("/m/home/user/.local/share/applications"),
                PathBuf::from("/m/usr/local/share/applications"),
                PathBuf::from("/m/usr/share/applications"),
            ]
        );
        assert_eq!(
            locations.mimeapps_lists()[..2],
            [
                PathBuf::from("/m/home/user/.config/mimeapps.list"),
                PathBuf::from("/m/etc/xdg/mimeapps.list")
            ]
        );
    }

    #[test]
    fn system_root_must_be_absolute() {
        assert_eq!(
            parse_system_root(Some("fake/root".into())),
            Err(LocationError::RelativeSystemRoot("fake/root".into()))
        );
        assert_eq!(
            parse_system_root(Some("/tmp/machine".into())).unwrap(),
            PathBuf::from("/tmp/machine")
        );
    }

    #[test]
    fn system_paths_resolve_under_the_root() {
        let root = tempfile::tempdir().unwrap();
        let locations = Locations::under(root.path());
        assert_eq!(
            locations
                .system_path("/etc/opt/edge/policies/managed")
                .unwrap(),
            root.path().join("etc/opt/edge/policies/managed")
        );
    }

    #[test]
    fn system_paths_cannot_escape_the_root() {
        let locations = Locations::under(Path::new("/fake"));
        for bad in ["/etc/../../outside", "relative/path", ""] {
            assert_eq!(
                locations.system_path(bad),
                Err(LocationError::InvalidSystemPath(bad.to_owned())),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_fake_machine_keeps_everything_inside_its_root() {
        let root = tempfile::tempdir().unwrap();
        let locations = Locations::under(root.path());
        assert!(locations.home().starts_with(root.path()));
        for dir in locations.owned_dirs() {
            assert!(dir.starts_with(locations.home()), "{dir:?}");
            assert!(dir.to_string_lossy().contains("tandem"), "{dir:?}");
        }
    }

    #[test]
    fn from_env_gives_absolute_owned_folders() {
        // The process environment is whatever the test runner has; the CLI's
        // integration tests pin HOME and the XDG variables precisely.
        let locations = Locations::from_env().unwrap();
        for dir in locations.owned_dirs() {
            assert!(dir.is_absolute(), "{dir:?}");
        }
    }

    #[test]
    fn serialises_with_snake_case_paths() {
        let json = serde_json::to_value(Locations::under(Path::new("/m"))).unwrap();
        assert_eq!(json["log_dir"], "/m/home/user/.local/state/tandem/logs");
        assert_eq!(json["system_root"], "/m");
    }
}

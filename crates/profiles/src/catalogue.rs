//! The browsers Tandem knows, as data: where each keeps its profiles on Linux,
//! macOS and Windows, which executables start it, and how to open a profile.
//! Every platform's table is plain data taking the platform as a value, so all
//! three are tested on every OS.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tandem_locations::{Platform, UserRoots};

/// Stable browser ids, as the CLI's JSON and the UI show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum BrowserId {
    Edge,
    EdgeBeta,
    EdgeDev,
    EdgeCanary,
    Chrome,
    ChromeBeta,
    ChromeDev,
    ChromeCanary,
    Chromium,
    Brave,
    Vivaldi,
    Opera,
    Firefox,
}

impl BrowserId {
    pub const ALL: [BrowserId; 13] = [
        BrowserId::Edge,
        BrowserId::EdgeBeta,
        BrowserId::EdgeDev,
        BrowserId::EdgeCanary,
        BrowserId::Chrome,
        BrowserId::ChromeBeta,
        BrowserId::ChromeDev,
        BrowserId::ChromeCanary,
        BrowserId::Chromium,
        BrowserId::Brave,
        BrowserId::Vivaldi,
        BrowserId::Opera,
        BrowserId::Firefox,
    ];

    /// The id as text, e.g. `edge-beta`.
    pub fn as_str(self) -> &'static str {
        spec(self).id_text
    }

    pub fn spec(self) -> &'static BrowserSpec {
        spec(self)
    }
}

impl std::fmt::Display for BrowserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a browser stores its profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `Local State` plus one folder with `Preferences` per profile.
    Chromium,
    /// Opera: the user data folder is itself the one profile.
    ChromiumSingleProfile,
    /// `profiles.ini` and `installs.ini`.
    Firefox,
}

/// A user data folder, relative to one of the OS's user roots. Paths use `/`
/// and are split into components when resolved, so a Windows path resolves the
/// same on any OS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataDir {
    /// Linux: under `$XDG_CONFIG_HOME` (or `$CHROME_CONFIG_HOME` for the browsers that honour it).
    Config(&'static str),
    /// Linux: under the home folder (snap and flatpak installs, Firefox's legacy folder).
    Home(&'static str),
    /// macOS: under `~/Library/Application Support`.
    ApplicationSupport(&'static str),
    /// Windows: under `%LOCALAPPDATA%`.
    LocalAppData(&'static str),
    /// Windows: under `%APPDATA%`.
    RoamingAppData(&'static str),
}

/// How to start a browser in one of its profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaunchStyle {
    /// `--profile-directory=<dir>` (Chromium family).
    ProfileDirectory,
    /// Only the default profile can be chosen: no profile switch.
    WholeUserData,
    /// `--profile <path>` (Firefox).
    ProfilePath,
}

#[derive(Debug)]
pub struct BrowserSpec {
    pub id: BrowserId,
    id_text: &'static str,
    pub name: &'static str,
    pub family: Family,
    pub launch: LaunchStyle,
    /// Whether `$CHROME_CONFIG_HOME` replaces `$XDG_CONFIG_HOME` for it.
    pub honours_chrome_config_home: bool,
    pub linux: &'static [DataDir],
    pub macos: &'static [DataDir],
    pub windows: &'static [DataDir],
    /// Absolute paths first, then commands looked up on `PATH`.
    pub linux_executables: &'static [&'static str],
    pub macos_executables: &'static [&'static str],
    /// Relative to `%PROGRAMFILES%`, `%PROGRAMFILES(X86)%` and `%LOCALAPPDATA%`.
    pub windows_executables: &'static [&'static str],
}

impl BrowserSpec {
    pub fn data_dirs_for(&self, platform: Platform) -> &'static [DataDir] {
        match platform {
            Platform::Linux => self.linux,
            Platform::MacOs => self.macos,
            Platform::Windows => self.windows,
        }
    }

    /// Every folder where this browser may keep its user data on this machine,
    /// most likely first. None of them needs to exist.
    pub fn user_data_dirs(&self, roots: &UserRoots) -> Vec<PathBuf> {
        self.data_dirs_for(roots.platform)
            .iter()
            .map(|dir| self.resolve(*dir, roots))
            .collect()
    }

    fn resolve(&self, dir: DataDir, roots: &UserRoots) -> PathBuf {
        let (base, relative) = match dir {
            DataDir::Config(relative) => {
                let base = match (&roots.chrome_config_home, self.honours_chrome_config_home) {
                    (Some(chrome), true) => chrome,
                    _ => &roots.config_home,
                };
                (base, relative)
            }
            DataDir::Home(relative) => (&roots.home, relative),
            DataDir::ApplicationSupport(relative) => (&roots.application_support, relative),
            DataDir::LocalAppData(relative) => (&roots.local_app_data, relative),
            DataDir::RoamingAppData(relative) => (&roots.roaming_app_data, relative),
        };
        join_components(base, relative)
    }

    pub fn executables_for(&self, platform: Platform) -> &'static [&'static str] {
        match platform {
            Platform::Linux => self.linux_executables,
            Platform::MacOs => self.macos_executables,
            Platform::Windows => self.windows_executables,
        }
    }
}

impl BrowserId {
    /// The Linux desktop entries (`*.desktop`) that start this browser, from
    /// its packages, snap and flatpak: how a default handler named in
    /// `mimeapps.list` is known as this browser.
    pub fn desktop_ids(self) -> &'static [&'static str] {
        match self {
            BrowserId::Edge => &["microsoft-edge.desktop", "com.microsoft.Edge.desktop"],
            BrowserId::EdgeBeta => &["microsoft-edge-beta.desktop"],
            BrowserId::EdgeDev => &["microsoft-edge-dev.desktop"],
            BrowserId::EdgeCanary => &[],
            BrowserId::Chrome => &["google-chrome.desktop", "com.google.Chrome.desktop"],
            BrowserId::ChromeBeta => &["google-chrome-beta.desktop"],
            BrowserId::ChromeDev => &["google-chrome-unstable.desktop"],
            BrowserId::ChromeCanary => &["google-chrome-canary.desktop"],
            BrowserId::Chromium => &[
                "chromium.desktop",
                "chromium-browser.desktop",
                "chromium_chromium.desktop",
                "org.chromium.Chromium.desktop",
            ],
            BrowserId::Brave => &["brave-browser.desktop", "com.brave.Browser.desktop"],
            BrowserId::Vivaldi => &["vivaldi-stable.desktop", "vivaldi.desktop"],
            BrowserId::Opera => &["opera.desktop"],
            BrowserId::Firefox => &[
                "firefox.desktop",
                "firefox-esr.desktop",
                "firefox_firefox.desktop",
                "org.mozilla.firefox.desktop",
            ],
        }
    }

    /// The browser a desktop entry id starts, if Tandem knows it.
    pub fn of_desktop_id(id: &str) -> Option<BrowserId> {
        BrowserId::ALL
            .into_iter()
            .find(|browser| browser.desktop_ids().contains(&id))
    }
}

fn join_components(base: &Path, relative: &str) -> PathBuf {
    let mut path = base.to_path_buf();
    path.extend(relative.split('/').filter(|part| !part.is_empty()));
    path
}

/// The whole catalogue, in the order the UI lists browsers.
pub fn catalogue() -> &'static [BrowserSpec] {
    &CATALOGUE
}

fn spec(id: BrowserId) -> &'static BrowserSpec {
    // The table is ordered like `BrowserId::ALL`; a test keeps it so.
    &CATALOGUE[id as usize]
}

use DataDir::{
    ApplicationSupport as Mac, Config, Home, LocalAppData as Local, RoamingAppData as Roaming,
};

macro_rules! chromium {
    ($id:ident, $text:literal, $name:literal, chrome_config_home: $cch:literal,
     linux: [$($linux:expr),*], macos: [$($macos:expr),*], windows: [$($windows:expr),*],
     linux_exe: [$($lx:literal),*], macos_exe: [$($mx:literal),*], windows_exe: [$($wx:literal),*]) => {
        BrowserSpec {
            id: BrowserId::$id,
            id_text: $text,
            name: $name,
            family: Family::Chromium,
            launch: LaunchStyle::ProfileDirectory,
            honours_chrome_config_home: $cch,
            linux: &[$($linux),*],
            macos: &[$($macos),*],
            windows: &[$($windows),*],
            linux_executables: &[$($lx),*],
            macos_executables: &[$($mx),*],
            windows_executables: &[$($wx),*],
        }
    };
}

static CATALOGUE: [BrowserSpec; 13] = [
    chromium!(Edge, "edge", "Microsoft Edge", chrome_config_home: false,
        linux: [Config("microsoft-edge"), Home(".var/app/com.microsoft.Edge/config/microsoft-edge")],
        macos: [Mac("Microsoft Edge")],
        windows: [Local("Microsoft/Edge/User Data")],
        linux_exe: ["/opt/microsoft/msedge/msedge", "microsoft-edge", "microsoft-edge-stable"],
        macos_exe: ["/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge"],
        windows_exe: ["Microsoft/Edge/Application/msedge.exe"]),
    chromium!(EdgeBeta, "edge-beta", "Microsoft Edge Beta", chrome_config_home: false,
        linux: [Config("microsoft-edge-beta")],
        macos: [Mac("Microsoft Edge Beta")],
        windows: [Local("Microsoft/Edge Beta/User Data")],
        linux_exe: ["/opt/microsoft/msedge-beta/msedge", "microsoft-edge-beta"],
        macos_exe: ["/Applications/Microsoft Edge Beta.app/Contents/MacOS/Microsoft Edge Beta"],
        windows_exe: ["Microsoft/Edge Beta/Application/msedge.exe"]),
    chromium!(EdgeDev, "edge-dev", "Microsoft Edge Dev", chrome_config_home: false,
        linux: [Config("microsoft-edge-dev")],
        macos: [Mac("Microsoft Edge Dev")],
        windows: [Local("Microsoft/Edge Dev/User Data")],
        linux_exe: ["/opt/microsoft/msedge-dev/msedge", "microsoft-edge-dev"],
        macos_exe: ["/Applications/Microsoft Edge Dev.app/Contents/MacOS/Microsoft Edge Dev"],
        windows_exe: ["Microsoft/Edge Dev/Application/msedge.exe"]),
    // Edge Canary is not shipped for Linux.
    chromium!(EdgeCanary, "edge-canary", "Microsoft Edge Canary", chrome_config_home: false,
        linux: [],
        macos: [Mac("Microsoft Edge Canary")],
        windows: [Local("Microsoft/Edge SxS/User Data")],
        linux_exe: [],
        macos_exe: ["/Applications/Microsoft Edge Canary.app/Contents/MacOS/Microsoft Edge Canary"],
        windows_exe: ["Microsoft/Edge SxS/Application/msedge.exe"]),
    chromium!(Chrome, "chrome", "Google Chrome", chrome_config_home: true,
        linux: [Config("google-chrome"), Home(".var/app/com.google.Chrome/config/google-chrome")],
        macos: [Mac("Google/Chrome")],
        windows: [Local("Google/Chrome/User Data")],
        linux_exe: ["/opt/google/chrome/chrome", "google-chrome", "google-chrome-stable"],
        macos_exe: ["/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"],
        windows_exe: ["Google/Chrome/Application/chrome.exe"]),
    chromium!(ChromeBeta, "chrome-beta", "Google Chrome Beta", chrome_config_home: true,
        linux: [Config("google-chrome-beta")],
        macos: [Mac("Google/Chrome Beta")],
        windows: [Local("Google/Chrome Beta/User Data")],
        linux_exe: ["/opt/google/chrome-beta/chrome", "google-chrome-beta"],
        macos_exe: ["/Applications/Google Chrome Beta.app/Contents/MacOS/Google Chrome Beta"],
        windows_exe: ["Google/Chrome Beta/Application/chrome.exe"]),
    chromium!(ChromeDev, "chrome-dev", "Google Chrome Dev", chrome_config_home: true,
        linux: [Config("google-chrome-unstable")],
        macos: [Mac("Google/Chrome Dev")],
        windows: [Local("Google/Chrome Dev/User Data")],
        linux_exe: ["/opt/google/chrome-unstable/chrome", "google-chrome-unstable"],
        macos_exe: ["/Applications/Google Chrome Dev.app/Contents/MacOS/Google Chrome Dev"],
        windows_exe: ["Google/Chrome Dev/Application/chrome.exe"]),
    chromium!(ChromeCanary, "chrome-canary", "Google Chrome Canary", chrome_config_home: true,
        linux: [Config("google-chrome-canary")],
        macos: [Mac("Google/Chrome Canary")],
        windows: [Local("Google/Chrome SxS/User Data")],
        linux_exe: ["/opt/google/chrome-canary/chrome", "google-chrome-canary"],
        macos_exe: ["/Applications/Google Chrome Canary.app/Contents/MacOS/Google Chrome Canary"],
        windows_exe: ["Google/Chrome SxS/Application/chrome.exe"]),
    chromium!(Chromium, "chromium", "Chromium", chrome_config_home: true,
        linux: [Config("chromium"), Home("snap/chromium/common/chromium"),
                Home(".var/app/org.chromium.Chromium/config/chromium")],
        macos: [Mac("Chromium")],
        windows: [Local("Chromium/User Data")],
        linux_exe: ["/usr/bin/chromium", "chromium", "chromium-browser"],
        macos_exe: ["/Applications/Chromium.app/Contents/MacOS/Chromium"],
        windows_exe: ["Chromium/Application/chrome.exe"]),
    chromium!(Brave, "brave", "Brave", chrome_config_home: false,
        linux: [Config("BraveSoftware/Brave-Browser"),
                Home(".var/app/com.brave.Browser/config/BraveSoftware/Brave-Browser")],
        macos: [Mac("BraveSoftware/Brave-Browser")],
        windows: [Local("BraveSoftware/Brave-Browser/User Data")],
        linux_exe: ["/opt/brave.com/brave/brave", "brave-browser", "brave"],
        macos_exe: ["/Applications/Brave Browser.app/Contents/MacOS/Brave Browser"],
        windows_exe: ["BraveSoftware/Brave-Browser/Application/brave.exe"]),
    chromium!(Vivaldi, "vivaldi", "Vivaldi", chrome_config_home: false,
        linux: [Config("vivaldi")],
        macos: [Mac("Vivaldi")],
        windows: [Local("Vivaldi/User Data")],
        linux_exe: ["/opt/vivaldi/vivaldi", "vivaldi", "vivaldi-stable"],
        macos_exe: ["/Applications/Vivaldi.app/Contents/MacOS/Vivaldi"],
        windows_exe: ["Vivaldi/Application/vivaldi.exe"]),
    BrowserSpec {
        id: BrowserId::Opera,
        id_text: "opera",
        name: "Opera",
        family: Family::ChromiumSingleProfile,
        launch: LaunchStyle::WholeUserData,
        honours_chrome_config_home: false,
        linux: &[Config("opera")],
        macos: &[Mac("com.operasoftware.Opera")],
        windows: &[Roaming("Opera Software/Opera Stable")],
        linux_executables: &["/usr/lib/x86_64-linux-gnu/opera/opera", "opera"],
        macos_executables: &["/Applications/Opera.app/Contents/MacOS/Opera"],
        windows_executables: &["Programs/Opera/opera.exe"],
    },
    BrowserSpec {
        id: BrowserId::Firefox,
        id_text: "firefox",
        name: "Firefox",
        family: Family::Firefox,
        launch: LaunchStyle::ProfilePath,
        honours_chrome_config_home: false,
        // Firefox 143+ prefers the XDG folder when ~/.mozilla does not exist.
        linux: &[
            Home(".mozilla/firefox"),
            Config("mozilla/firefox"),
            Home("snap/firefox/common/.mozilla/firefox"),
            Home(".var/app/org.mozilla.firefox/.mozilla/firefox"),
        ],
        macos: &[Mac("Firefox")],
        windows: &[Roaming("Mozilla/Firefox")],
        linux_executables: &["/usr/bin/firefox", "firefox", "firefox-esr"],
        macos_executables: &["/Applications/Firefox.app/Contents/MacOS/firefox"],
        windows_executables: &["Mozilla Firefox/firefox.exe"],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn dirs(id: BrowserId, platform: Platform) -> Vec<PathBuf> {
        let roots = UserRoots::conventional(platform, Path::new("/u"));
        id.spec().user_data_dirs(&roots)
    }

    fn path(parts: &[&str]) -> PathBuf {
        parts.iter().collect()
    }

    #[test]
    fn table_is_in_id_order_with_matching_texts() {
        for (index, id) in BrowserId::ALL.iter().enumerate() {
            assert_eq!(CATALOGUE[index].id, *id);
            let json = serde_json::to_value(id).unwrap();
            assert_eq!(json, id.as_str(), "serde and as_str agree");
        }
        let texts: Vec<_> = BrowserId::ALL.iter().map(|id| id.as_str()).collect();
        assert_eq!(
            texts,
            [
                "edge",
                "edge-beta",
                "edge-dev",
                "edge-canary",
                "chrome",
                "chrome-beta",
                "chrome-dev",
                "chrome-canary",
                "chromium",
                "brave",
                "vivaldi",
                "opera",
                "firefox"
            ]
        );
    }

    #[test]
    fn linux_locations() {
        assert_eq!(
            dirs(BrowserId::Edge, Platform::Linux)[0],
            path(&["/u", ".config", "microsoft-edge"])
        );
        assert_eq!(
            dirs(BrowserId::ChromeDev, Platform::Linux),
            [path(&["/u", ".config", "google-chrome-unstable"])]
        );
        assert!(dirs(BrowserId::EdgeCanary, Platform::Linux).is_empty());
        assert!(
            dirs(BrowserId::Chromium, Platform::Linux)
                .contains(&path(&["/u", "snap", "chromium", "common", "chromium"]))
        );
        assert_eq!(
            dirs(BrowserId::Firefox, Platform::Linux)[..2],
            [
                path(&["/u", ".mozilla", "firefox"]),
                path(&["/u", ".config", "mozilla", "firefox"])
            ]
        );
    }

    #[test]
    fn macos_locations() {
        let support = ["/u", "Library", "Application Support"];
        let under = |rest: &[&str]| path(&[&support[..], rest].concat());
        assert_eq!(
            dirs(BrowserId::Edge, Platform::MacOs),
            [under(&["Microsoft Edge"])]
        );
        assert_eq!(
            dirs(BrowserId::ChromeCanary, Platform::MacOs),
            [under(&["Google", "Chrome Canary"])]
        );
        assert_eq!(
            dirs(BrowserId::Opera, Platform::MacOs),
            [under(&["com.operasoftware.Opera"])]
        );
        assert_eq!(
            dirs(BrowserId::Firefox, Platform::MacOs),
            [under(&["Firefox"])]
        );
    }

    #[test]
    fn windows_locations() {
        let local = |rest: &[&str]| path(&[&["/u", "AppData", "Local"][..], rest].concat());
        let roaming = |rest: &[&str]| path(&[&["/u", "AppData", "Roaming"][..], rest].concat());
        assert_eq!(
            dirs(BrowserId::EdgeCanary, Platform::Windows),
            [local(&["Microsoft", "Edge SxS", "User Data"])]
        );
        assert_eq!(
            dirs(BrowserId::Brave, Platform::Windows),
            [local(&["BraveSoftware", "Brave-Browser", "User Data"])]
        );
        assert_eq!(
            dirs(BrowserId::Opera, Platform::Windows),
            [roaming(&["Opera Software", "Opera Stable"])]
        );
        assert_eq!(
            dirs(BrowserId::Firefox, Platform::Windows),
            [roaming(&["Mozilla", "Firefox"])]
        );
    }

    #[test]
    fn chrome_config_home_moves_only_chrome_and_chromium() {
        let mut roots = UserRoots::conventional(Platform::Linux, Path::new("/u"));
        roots.chrome_config_home = Some(PathBuf::from("/cch"));
        assert_eq!(
            BrowserId::Chrome.spec().user_data_dirs(&roots)[0],
            path(&["/cch", "google-chrome"])
        );
        assert_eq!(
            BrowserId::Chromium.spec().user_data_dirs(&roots)[0],
            path(&["/cch", "chromium"])
        );
        assert_eq!(
            BrowserId::Edge.spec().user_data_dirs(&roots)[0],
            path(&["/u", ".config", "microsoft-edge"])
        );
    }

    #[test]
    fn xdg_config_home_moves_config_folders() {
        let mut roots = UserRoots::conventional(Platform::Linux, Path::new("/u"));
        roots.config_home = PathBuf::from("/xdg");
        assert_eq!(
            BrowserId::Vivaldi.spec().user_data_dirs(&roots),
            [path(&["/xdg", "vivaldi"])]
        );
    }

    #[test]
    fn every_browser_has_a_home_on_macos_and_windows_and_an_executable() {
        for spec in catalogue() {
            for platform in [Platform::MacOs, Platform::Windows] {
                assert!(
                    !spec.data_dirs_for(platform).is_empty(),
                    "{} {platform:?}",
                    spec.name
                );
                assert!(
                    !spec.executables_for(platform).is_empty(),
                    "{} {platform:?}",
                    spec.name
                );
            }
        }
    }
}

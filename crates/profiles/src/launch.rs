//! Opening a browser in one of its profiles, optionally at a URL.
//!
//! The command line is built so that no link can become a switch: a link
//! must start with `http://` or `https://` and hold no whitespace or
//! control character, and it goes after the browser's end of switches
//! (`--` for the Chromium family, `--single-argument` on Windows, where
//! Chromium otherwise re-parses its command line) or as the parameter of
//! Firefox's `-url`, which has no end-of-switches marker.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tandem_locations::{Locations, Platform, UserRoots};

use crate::catalogue::{BrowserId, LaunchStyle};
use crate::model::Profile;
use crate::profile_ref::ProfileRef;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LaunchError {
    #[error(
        "the profile \"{name}\" no longer exists in {browser_name} (its folder {folder:?} is gone); it may have been deleted in the browser",
        browser_name = browser.spec().name
    )]
    ProfileMissing {
        browser: BrowserId,
        name: String,
        folder: PathBuf,
    },
    #[error(
        "{browser_name} does not seem to be installed: Tandem looked in the usual places. Install it, then try again",
        browser_name = browser.spec().name
    )]
    BrowserNotFound { browser: BrowserId, tried: String },
    #[error("only web links (http or https) can be opened in a profile")]
    NotAWebLink,
    #[error("cannot start {browser_name}: {reason}", browser_name = browser.spec().name)]
    Spawn { browser: BrowserId, reason: String },
}

/// One profile folder of one browser install: what a launch needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchTarget {
    pub browser: BrowserId,
    pub user_data_dir: PathBuf,
    /// The folder name (`Profile 1`), or Firefox's profile path.
    pub profile_dir: String,
    /// The name people know the profile by, for messages.
    pub name: String,
}

impl LaunchTarget {
    pub fn of(profile: &Profile) -> Self {
        Self {
            browser: profile.browser,
            user_data_dir: profile.user_data_dir.clone(),
            profile_dir: profile.profile_dir.clone(),
            name: profile.name.clone(),
        }
    }

    /// The profile `profile` names, found without reading any browser file:
    /// the first of the browser's user data folders that holds its folder.
    /// Chromium silently creates a profile that is missing, so a missing
    /// folder is an error here, never a launch.
    pub fn locate(profile: &ProfileRef, roots: &UserRoots) -> Result<Self, LaunchError> {
        let spec = profile.browser.spec();
        let dirs = spec.user_data_dirs(roots);
        let found = dirs.iter().find(|dir| {
            let target = Self {
                browser: profile.browser,
                user_data_dir: (*dir).clone(),
                profile_dir: profile.profile_dir.clone(),
                name: profile.profile_dir.clone(),
            };
            target.is_valid_name() && target.folder().is_dir()
        });
        let user_data_dir = found
            .or(dirs.first())
            .cloned()
            .unwrap_or_else(|| roots.home.clone());
        let target = Self {
            browser: profile.browser,
            user_data_dir,
            profile_dir: profile.profile_dir.clone(),
            name: profile.profile_dir.clone(),
        };
        if found.is_none() {
            return Err(LaunchError::ProfileMissing {
                browser: profile.browser,
                name: profile.profile_dir.clone(),
                folder: target.folder(),
            });
        }
        Ok(target)
    }

    /// The folder that must exist for the launch to open this profile.
    pub fn folder(&self) -> PathBuf {
        match self.browser.spec().launch {
            LaunchStyle::ProfileDirectory => self.user_data_dir.join(&self.profile_dir),
            LaunchStyle::WholeUserData => self.user_data_dir.clone(),
            LaunchStyle::ProfilePath => PathBuf::from(&self.profile_dir),
        }
    }

    /// A Chromium profile folder is one name inside the user data folder,
    /// never a path that climbs out of it; a Firefox profile is an
    /// absolute path.
    fn is_valid_name(&self) -> bool {
        match self.browser.spec().launch {
            LaunchStyle::ProfileDirectory | LaunchStyle::WholeUserData => {
                let dir = self.profile_dir.as_str();
                !dir.is_empty()
                    && dir != "."
                    && dir != ".."
                    && !dir.contains(['/', '\\', '\0'])
                    && !dir.starts_with('-')
            }
            LaunchStyle::ProfilePath => Path::new(&self.profile_dir).is_absolute(),
        }
    }
}

/// The exact command that opens a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchPlan {
    pub browser: BrowserId,
    pub program: PathBuf,
    pub args: Vec<OsString>,
}

impl LaunchPlan {
    /// The whole command line, program first, as text (for `tandem route`).
    pub fn argv(&self) -> Vec<String> {
        std::iter::once(self.program.as_os_str())
            .chain(self.args.iter().map(OsString::as_os_str))
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect()
    }
}

/// Works out how to open `profile` (at `url`, if given), after checking that
/// the profile still exists: Chromium browsers silently create a missing
/// profile instead of failing.
pub fn plan(
    profile: &Profile,
    locations: &Locations,
    url: Option<&str>,
) -> Result<LaunchPlan, LaunchError> {
    plan_for(&LaunchTarget::of(profile), locations, url)
}

/// [`plan`] for a profile named by its folder.
pub fn plan_for(
    target: &LaunchTarget,
    locations: &Locations,
    url: Option<&str>,
) -> Result<LaunchPlan, LaunchError> {
    if !target.is_valid_name() || !target.folder().is_dir() {
        return Err(LaunchError::ProfileMissing {
            browser: target.browser,
            name: target.name.clone(),
            folder: target.folder(),
        });
    }
    if let Some(url) = url {
        check_web_link(url)?;
    }
    let program = find_executable(target.browser, locations)?;
    let roots = locations.user_roots();
    let usual = target
        .browser
        .spec()
        .user_data_dirs(roots)
        .into_iter()
        .next();
    let in_usual_folder = usual.as_deref() == Some(target.user_data_dir.as_path());
    Ok(LaunchPlan {
        browser: target.browser,
        program,
        args: arguments(target, roots.platform, in_usual_folder, url),
    })
}

/// The arguments after the program: the profile switches, then the link
/// where the browser cannot take it for a switch.
pub fn arguments(
    target: &LaunchTarget,
    platform: Platform,
    in_usual_folder: bool,
    url: Option<&str>,
) -> Vec<OsString> {
    let spec = target.browser.spec();
    let mut args: Vec<OsString> = Vec::new();
    match spec.launch {
        LaunchStyle::ProfileDirectory | LaunchStyle::WholeUserData => {
            // A profile outside the browser's usual folder (snap, flatpak,
            // CHROME_CONFIG_HOME) needs its folder named explicitly.
            if !in_usual_folder {
                let mut arg = OsString::from("--user-data-dir=");
                arg.push(&target.user_data_dir);
                args.push(arg);
            }
            if spec.launch == LaunchStyle::ProfileDirectory {
                args.push(format!("--profile-directory={}", target.profile_dir).into());
            }
            if let Some(url) = url {
                // On Windows Chromium re-reads its raw command line, where
                // `--` does not protect; `--single-argument` takes the rest
                // of it as one argument, as Chromium's own registration does.
                args.push(match platform {
                    Platform::Windows => "--single-argument".into(),
                    Platform::Linux | Platform::MacOs => "--".into(),
                });
                args.push(url.into());
            }
        }
        LaunchStyle::ProfilePath => {
            args.push("--profile".into());
            args.push(target.folder().into_os_string());
            if let Some(url) = url {
                args.push("-url".into());
                args.push(url.into());
            }
        }
    }
    args
}

/// Starts the browser and returns without waiting for it.
pub fn launch(
    profile: &Profile,
    locations: &Locations,
    url: Option<&str>,
) -> Result<(), LaunchError> {
    spawn(&plan(profile, locations, url)?)
}

/// Starts a planned command and returns without waiting for it.
pub fn spawn(plan: &LaunchPlan) -> Result<(), LaunchError> {
    tracing::info!(browser = %plan.browser, "opening profile");
    let mut child = tandem_locations::as_the_person(&mut Command::new(&plan.program))
        .args(&plan.args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| LaunchError::Spawn {
            browser: plan.browser,
            reason: error.to_string(),
        })?;
    // Reap the launcher process when it exits (browsers usually hand over to a
    // running instance and exit at once), so no zombie is left behind.
    let _ = std::thread::Builder::new()
        .name("tandem-browser-launch".into())
        .spawn(move || child.wait());
    Ok(())
}

/// A link Tandem hands to a browser: an `http:` or `https:` link (as
/// browsers read them, `https:example.com` and `https:\\example.com` too),
/// no blank at either end, no control character: nothing a browser could
/// read as a switch or a second argument. The routing checks links more
/// closely; this is the last check before a command line.
pub fn check_web_link(url: &str) -> Result<(), LaunchError> {
    let lower = url.get(..6).unwrap_or(url).to_ascii_lowercase();
    let is_web = lower.starts_with("https:") || lower.starts_with("http:");
    let blank_ends = url.starts_with(char::is_whitespace) || url.ends_with(char::is_whitespace);
    if !is_web || blank_ends || url.chars().any(char::is_control) {
        return Err(LaunchError::NotAWebLink);
    }
    Ok(())
}

fn find_executable(browser: BrowserId, locations: &Locations) -> Result<PathBuf, LaunchError> {
    let platform = locations.user_roots().platform;
    let candidates = browser.spec().executables_for(platform);
    let mut tried = Vec::new();
    for candidate in candidates {
        let found = match platform {
            Platform::Windows => {
                let roots = std::iter::once(&locations.user_roots().local_app_data)
                    .chain(locations.program_dirs());
                roots
                    .map(|root| join_relative(root, candidate))
                    .inspect(|path| tried.push(path.display().to_string()))
                    .find(|path| path.is_file())
            }
            _ if candidate.starts_with('/') => locations
                .system_path(candidate)
                .ok()
                .inspect(|path| tried.push(path.display().to_string()))
                .filter(|path| path.is_file()),
            _ => {
                tried.push(format!("{candidate} on PATH"));
                search_path(candidate)
            }
        };
        if let Some(found) = found {
            return Ok(found);
        }
    }
    let tried = tried.join(", ");
    tracing::debug!(%browser, %tried, "browser executable not found");
    Err(LaunchError::BrowserNotFound { browser, tried })
}

/// Whether `browser` can be started on this machine.
pub fn is_installed(browser: BrowserId, locations: &Locations) -> bool {
    find_executable(browser, locations).is_ok()
}

fn join_relative(root: &Path, relative: &str) -> PathBuf {
    let mut path = root.to_path_buf();
    path.extend(relative.split('/'));
    path
}

/// `command` looked up on `PATH`, as a shell would.
pub fn search_path(command: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join(command))
        .find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_links_are_accepted() {
        assert_eq!(check_web_link("https://contoso.sharepoint.com/x"), Ok(()));
        assert_eq!(check_web_link("HTTP://example.test"), Ok(()));
        assert_eq!(check_web_link("https://a.example/a b"), Ok(()));
        assert_eq!(check_web_link("http:a.example/x"), Ok(()));
        for bad in [
            "--remote-debugging-port=9222",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "https://a\nb",
            " https://a",
            "https://a ",
            "https://a\u{85}",
            "httpx://a",
            "",
        ] {
            assert_eq!(check_web_link(bad), Err(LaunchError::NotAWebLink), "{bad}");
        }
    }

    fn target(browser: BrowserId, dir: &str) -> LaunchTarget {
        LaunchTarget {
            browser,
            user_data_dir: PathBuf::from("/home/u/.config/x"),
            profile_dir: dir.into(),
            name: dir.into(),
        }
    }

    fn args(target: &LaunchTarget, platform: Platform, usual: bool) -> Vec<String> {
        arguments(target, platform, usual, Some("https://example.com/a"))
            .into_iter()
            .map(|arg| arg.into_string().unwrap())
            .collect()
    }

    #[test]
    fn every_browser_gets_the_link_after_its_end_of_switches() {
        for browser in BrowserId::ALL {
            for platform in [Platform::Linux, Platform::MacOs, Platform::Windows] {
                let dir = if browser == BrowserId::Firefox {
                    "/home/u/.mozilla/firefox/abc.default"
                } else {
                    "Profile 1"
                };
                let got = args(&target(browser, dir), platform, true);
                let expected: Vec<&str> = match (browser, platform) {
                    (BrowserId::Firefox, _) => vec![
                        "--profile",
                        "/home/u/.mozilla/firefox/abc.default",
                        "-url",
                        "https://example.com/a",
                    ],
                    (BrowserId::Opera, Platform::Windows) => {
                        vec!["--single-argument", "https://example.com/a"]
                    }
                    (BrowserId::Opera, _) => vec!["--", "https://example.com/a"],
                    (_, Platform::Windows) => vec![
                        "--profile-directory=Profile 1",
                        "--single-argument",
                        "https://example.com/a",
                    ],
                    _ => vec![
                        "--profile-directory=Profile 1",
                        "--",
                        "https://example.com/a",
                    ],
                };
                assert_eq!(got, expected, "{browser} on {platform:?}");
                assert_eq!(got.last().unwrap(), "https://example.com/a");
            }
        }
    }

    #[test]
    fn a_profile_outside_the_usual_folder_names_its_user_data_folder() {
        let got = args(
            &target(BrowserId::Chromium, "Default"),
            Platform::Linux,
            false,
        );
        assert_eq!(
            got,
            [
                "--user-data-dir=/home/u/.config/x",
                "--profile-directory=Default",
                "--",
                "https://example.com/a"
            ]
        );
        let without_link = arguments(
            &target(BrowserId::Edge, "Default"),
            Platform::Linux,
            true,
            None,
        );
        assert_eq!(
            without_link,
            [OsString::from("--profile-directory=Default")]
        );
    }

    #[test]
    fn a_profile_folder_never_climbs_out_of_its_user_data_folder() {
        for bad in ["..", ".", "", "a/b", "..\\x", "-x"] {
            assert!(!target(BrowserId::Edge, bad).is_valid_name(), "{bad:?}");
        }
        assert!(target(BrowserId::Edge, "Profile 3").is_valid_name());
        assert!(!target(BrowserId::Firefox, "relative/path").is_valid_name());
    }

    #[test]
    fn locating_a_profile_needs_its_folder() {
        let root = tempfile::tempdir().unwrap();
        let roots = UserRoots::conventional(Platform::Linux, root.path());
        let edge = BrowserId::Edge.spec().user_data_dirs(&roots).remove(0);
        std::fs::create_dir_all(edge.join("Profile 2")).unwrap();
        let found =
            LaunchTarget::locate(&ProfileRef::new(BrowserId::Edge, "Profile 2"), &roots).unwrap();
        assert_eq!(found.user_data_dir, edge);
        let missing = LaunchTarget::locate(&ProfileRef::new(BrowserId::Edge, "Profile 9"), &roots);
        assert!(matches!(missing, Err(LaunchError::ProfileMissing { .. })));
        let climbing = LaunchTarget::locate(&ProfileRef::new(BrowserId::Edge, ".."), &roots);
        assert!(matches!(climbing, Err(LaunchError::ProfileMissing { .. })));
    }
}

//! Opening a browser in one of its profiles, optionally at a URL.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tandem_locations::{Locations, Platform};

use crate::catalogue::{BrowserId, LaunchStyle};
use crate::model::Profile;

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

/// The exact command that opens a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchPlan {
    pub program: PathBuf,
    pub args: Vec<OsString>,
}

/// Works out how to open `profile` (at `url`, if given), after checking that
/// the profile still exists: Chromium browsers silently create a missing
/// profile instead of failing.
pub fn plan(
    profile: &Profile,
    locations: &Locations,
    url: Option<&str>,
) -> Result<LaunchPlan, LaunchError> {
    let spec = profile.browser.spec();
    let folder = match spec.launch {
        LaunchStyle::ProfileDirectory => profile.user_data_dir.join(&profile.profile_dir),
        LaunchStyle::WholeUserData => profile.user_data_dir.clone(),
        LaunchStyle::ProfilePath => PathBuf::from(&profile.profile_dir),
    };
    if !folder.is_dir() {
        return Err(LaunchError::ProfileMissing {
            browser: profile.browser,
            name: profile.name.clone(),
            folder,
        });
    }
    if let Some(url) = url {
        check_web_link(url)?;
    }
    let program = find_executable(profile.browser, locations)?;
    let mut args: Vec<OsString> = Vec::new();
    match spec.launch {
        LaunchStyle::ProfileDirectory => {
            // A profile outside the browser's usual folder (snap, flatpak,
            // CHROME_CONFIG_HOME) needs its folder named explicitly.
            let usual = spec
                .user_data_dirs(locations.user_roots())
                .into_iter()
                .next();
            if usual.as_deref() != Some(profile.user_data_dir.as_path()) {
                let mut arg = OsString::from("--user-data-dir=");
                arg.push(&profile.user_data_dir);
                args.push(arg);
            }
            args.push(format!("--profile-directory={}", profile.profile_dir).into());
        }
        LaunchStyle::WholeUserData => {}
        LaunchStyle::ProfilePath => {
            args.push("--profile".into());
            args.push(folder.into_os_string());
        }
    }
    args.extend(url.map(OsString::from));
    Ok(LaunchPlan { program, args })
}

/// Starts the browser and returns without waiting for it.
pub fn launch(
    profile: &Profile,
    locations: &Locations,
    url: Option<&str>,
) -> Result<(), LaunchError> {
    let plan = plan(profile, locations, url)?;
    tracing::info!(browser = %profile.browser, profile = %profile.profile_dir, "opening profile");
    let mut child = Command::new(&plan.program)
        .args(&plan.args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| LaunchError::Spawn {
            browser: profile.browser,
            reason: error.to_string(),
        })?;
    // Reap the launcher process when it exits (browsers usually hand over to a
    // running instance and exit at once), so no zombie is left behind.
    let _ = std::thread::Builder::new()
        .name("tandem-browser-launch".into())
        .spawn(move || child.wait());
    Ok(())
}

fn check_web_link(url: &str) -> Result<(), LaunchError> {
    let lower = url.trim_start().to_ascii_lowercase();
    let is_web = lower.starts_with("https://") || lower.starts_with("http://");
    // A link must never be mistaken for a command-line switch.
    if !is_web || url.starts_with('-') || url.contains(['\0', '\n', '\r']) {
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

fn join_relative(root: &Path, relative: &str) -> PathBuf {
    let mut path = root.to_path_buf();
    path.extend(relative.split('/'));
    path
}

fn search_path(command: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
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
        for bad in [
            "--remote-debugging-port=9222",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "https://a\nb",
            "",
        ] {
            assert_eq!(check_web_link(bad), Err(LaunchError::NotAWebLink), "{bad}");
        }
    }
}

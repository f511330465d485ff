//! Discovery against profiles written by the real Chromium (Debian's
//! `chromium`, which `scripts/bootstrap` installs), run headless in a
//! temporary HOME.

// A test that cannot run the browser should stop right there.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tandem_locations::{Platform, UserRoots};
use tandem_profiles::{AccountKind, BrowserId, discover_browser};

fn chromium_binary() -> PathBuf {
    let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|path| path.exists())
        .expect("Debian's chromium is not installed: run scripts/bootstrap test")
}

/// Starts Chromium in one profile, waits until it has written that profile,
/// and shuts it down the way a user closing it would (SIGTERM).
fn run_chromium(home: &Path, user_data: &Path, profile: &str) {
    let mut child = Command::new(chromium_binary())
        .env_clear()
        .env("HOME", home)
        .env("PATH", "/usr/bin:/bin")
        .args([
            &format!("--user-data-dir={}", user_data.display()),
            &format!("--profile-directory={profile}"),
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // Never touch a keyring the test session may offer.
            "--password-store=basic",
            "about:blank",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let preferences = user_data.join(profile).join("Preferences");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !preferences.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    // Give it a moment to record the profile in Local State, then close it.
    std::thread::sleep(Duration::from_secs(2));
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(
        preferences.exists(),
        "chromium wrote no {preferences:?} (exit {status})"
    );
}

#[test]
fn finds_profiles_the_real_chromium_created() {
    let machine = tempfile::tempdir().unwrap();
    let home = machine.path().join("home");
    let roots = UserRoots::conventional(Platform::Linux, &home);
    let user_data = roots.config_home.join("chromium");
    std::fs::create_dir_all(&user_data).unwrap();

    run_chromium(&home, &user_data, "Default");
    run_chromium(&home, &user_data, "Profile 1");

    let local_state = std::fs::read_to_string(user_data.join("Local State")).unwrap();
    let local_state: serde_json::Value = serde_json::from_str(&local_state).unwrap();
    let info_cache = local_state["profile"]["info_cache"].as_object().unwrap();

    let profiles = discover_browser(BrowserId::Chromium, &roots);
    let dirs: Vec<_> = profiles.iter().map(|p| p.profile_dir.as_str()).collect();
    assert_eq!(dirs, ["Default", "Profile 1"], "{profiles:#?}");
    for profile in &profiles {
        assert_eq!(profile.unreadable, None, "{profile:?}");
        assert_eq!(profile.account.kind, AccountKind::None);
        assert_eq!(profile.user_data_dir, user_data);
        // The name is the one Chromium shows, from its own Local State.
        let expected = info_cache[&profile.profile_dir]["name"].as_str().unwrap();
        assert_eq!(profile.name, expected);
        assert!(!profile.name.is_empty());
    }
    let last_used = local_state["profile"]["last_used"].as_str().unwrap();
    let default: Vec<_> = profiles.iter().filter(|p| p.is_default).collect();
    assert_eq!(default.len(), 1);
    assert_eq!(default[0].profile_dir, last_used);
}

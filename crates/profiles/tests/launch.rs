//! Opening a profile on a fake machine whose "browser" is a script that
//! records the command line it was given.

// A test that cannot build its own fixtures should stop right there.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tandem_locations::Locations;
use tandem_profiles::launch::{LaunchError, launch, plan};
use tandem_profiles::{BrowserId, discover_browser};

struct Machine {
    _root: tempfile::TempDir,
    locations: Locations,
}

fn machine() -> Machine {
    let root = tempfile::tempdir().unwrap();
    let locations = Locations::under(root.path());
    Machine {
        _root: root,
        locations,
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A stand-in browser at the path Debian installs Chromium to.
fn install_recording_browser(locations: &Locations) -> PathBuf {
    let program = locations.system_path("/usr/bin/chromium").unwrap();
    let record = program.with_file_name("args.txt");
    write(
        &program,
        &format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}.tmp'\nmv '{0}.tmp' '{0}'\n",
            record.display()
        ),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    record
}

fn chromium_profiles(user_data: &Path) {
    write(
        &user_data.join("Local State"),
        r#"{"profile":{"info_cache":{"Default":{"name":"Main"},"Profile 1":{"name":"Work"}}}}"#,
    );
    write(&user_data.join("Default/Preferences"), "{}");
    write(&user_data.join("Profile 1/Preferences"), "{}");
}

fn recorded_args(record: &Path) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !record.exists() {
        assert!(Instant::now() < deadline, "the browser was not started");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::fs::read_to_string(record)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn opens_the_chosen_chromium_profile_at_a_link() {
    let machine = machine();
    let record = install_recording_browser(&machine.locations);
    chromium_profiles(&machine.locations.user_roots().config_home.join("chromium"));
    let profiles = discover_browser(BrowserId::Chromium, machine.locations.user_roots());
    let work = profiles.iter().find(|p| p.name == "Work").unwrap();
    launch(
        work,
        &machine.locations,
        Some("https://contoso.example/doc"),
    )
    .unwrap();
    assert_eq!(
        recorded_args(&record),
        [
            "--profile-directory=Profile 1",
            "--",
            "https://contoso.example/doc"
        ]
    );
}

#[test]
fn a_missing_profile_is_never_created_by_launching() {
    let machine = machine();
    let record = install_recording_browser(&machine.locations);
    let user_data = machine.locations.user_roots().config_home.join("chromium");
    chromium_profiles(&user_data);
    let profiles = discover_browser(BrowserId::Chromium, machine.locations.user_roots());
    let work = profiles.iter().find(|p| p.name == "Work").unwrap();
    std::fs::remove_dir_all(user_data.join("Profile 1")).unwrap();
    let error = launch(work, &machine.locations, None).unwrap_err();
    assert!(
        matches!(error, LaunchError::ProfileMissing { .. }),
        "{error}"
    );
    assert!(
        error.to_string().contains("\"Work\" no longer exists"),
        "{error}"
    );
    std::thread::sleep(Duration::from_millis(200));
    assert!(!record.exists(), "the browser was started anyway");
    assert!(!user_data.join("Profile 1").exists());
}

#[test]
fn a_profile_outside_the_usual_folder_names_its_folder() {
    let machine = machine();
    install_recording_browser(&machine.locations);
    let snap = machine
        .locations
        .home()
        .join("snap/chromium/common/chromium");
    chromium_profiles(&snap);
    let profiles = discover_browser(BrowserId::Chromium, machine.locations.user_roots());
    let main = profiles.iter().find(|p| p.name == "Main").unwrap();
    let plan = plan(main, &machine.locations, None).unwrap();
    assert_eq!(
        plan.args,
        [
            format!("--user-data-dir={}", snap.display()),
            "--profile-directory=Default".to_owned()
        ]
        .map(std::ffi::OsString::from)
    );
}

#[test]
fn firefox_profiles_open_by_path() {
    let machine = machine();
    let firefox = machine.locations.system_path("/usr/bin/firefox").unwrap();
    write(&firefox, "#!/bin/sh\n");
    let root = machine.locations.home().join(".mozilla/firefox");
    write(
        &root.join("profiles.ini"),
        "[Profile0]\nName=work\nIsRelative=1\nPath=ab.work\n",
    );
    std::fs::create_dir_all(root.join("ab.work")).unwrap();
    let profiles = discover_browser(BrowserId::Firefox, machine.locations.user_roots());
    let plan = plan(
        &profiles[0],
        &machine.locations,
        Some("https://example.test"),
    )
    .unwrap();
    assert_eq!(plan.program, firefox);
    assert_eq!(
        plan.args,
        [
            "--profile".into(),
            root.join("ab.work").into_os_string(),
            "-url".into(),
            "https://example.test".into()
        ]
    );
}

#[test]
fn a_browser_that_is_not_installed_says_where_it_looked() {
    let machine = machine();
    let edge = machine
        .locations
        .user_roots()
        .config_home
        .join("microsoft-edge");
    chromium_profiles(&edge);
    let profiles = discover_browser(BrowserId::Edge, machine.locations.user_roots());
    let error = plan(&profiles[0], &machine.locations, None).unwrap_err();
    let LaunchError::BrowserNotFound { tried, .. } = &error else {
        panic!("{error}");
    };
    assert!(tried.contains("/opt/microsoft/msedge/msedge"), "{tried}");
    assert!(
        error
            .to_string()
            .starts_with("Microsoft Edge does not seem to be installed"),
        "{error}"
    );
}

#[test]
fn hostile_links_are_refused_before_anything_starts() {
    let machine = machine();
    let record = install_recording_browser(&machine.locations);
    chromium_profiles(&machine.locations.user_roots().config_home.join("chromium"));
    let profiles = discover_browser(BrowserId::Chromium, machine.locations.user_roots());
    let error = launch(
        &profiles[0],
        &machine.locations,
        Some("--load-extension=/tmp/evil"),
    )
    .unwrap_err();
    assert_eq!(error, LaunchError::NotAWebLink);
    assert!(!record.exists());
}

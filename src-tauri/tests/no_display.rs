//! Started where there is no display (over SSH, from a cron job), the app
//! says what is missing and exits, instead of panicking inside Tauri.

#![allow(clippy::unwrap_used)]

use std::process::Command;

#[cfg(target_os = "linux")]
#[test]
fn without_a_display_the_app_says_so_and_exits() {
    let machine = tempfile::tempdir().unwrap();
    let home = machine.path().join("home");
    std::fs::create_dir(&home).unwrap();
    for display in [None, Some(":97")] {
        let mut app = Command::new(env!("CARGO_BIN_EXE_tandem-app"));
        app.env_clear()
            .env("HOME", &home)
            .env("TANDEM_SYSTEM_ROOT", machine.path())
            .env("PATH", "/usr/bin:/bin");
        if let Some(display) = display {
            // A display nobody serves.
            app.env("DISPLAY", display);
        }
        let output = app.output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{display:?}: {stderr}");
        assert!(stderr.contains("need a graphical session"), "{stderr}");
        match display {
            None => assert!(stderr.contains("no display is set"), "{stderr}"),
            Some(display) => assert!(stderr.contains(display), "{stderr}"),
        }
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

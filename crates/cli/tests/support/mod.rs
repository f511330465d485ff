//! The fake machine the CLI's tests run `tandem` on: a temporary HOME laid
//! out as `Locations::under(root)`, policy under a temporary system root,
//! Edge-shaped profiles, and, where a test asks, the real OpenID Connect
//! test provider and the real keyring of the test session.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

#[path = "../../../identity/tests/support/provider.rs"]
pub mod provider;

pub const WORK_TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
pub const ALICE_KEY: &str =
    "00000000-0000-0000-0000-00000000a11c.9188040d-6c67-4c5b-b112-36a304b66dad";
pub const CAROL_KEY: &str =
    "00000000-0000-0000-0000-0000000ca401.9188040d-6c67-4c5b-b112-36a304b66dad";
pub const BOB_KEY: &str =
    "00000000-0000-0000-0000-000000000b0b.72f988bf-86f1-41af-91ab-2d7cd011db47";

/// A fake machine laid out as `Locations::under(root)`: home in `root/home/user`,
/// system paths under `root`.
pub struct Machine {
    pub root: tempfile::TempDir,
    pub home: PathBuf,
    pub system: PathBuf,
    pub env: Vec<(String, String)>,
}

impl Machine {
    pub fn new() -> Self {
        let root = tempfile::tempdir().unwrap();
        // The layout of `Locations::under(root)`, so tests can also call the core.
        let home = root.path().join("home/user");
        let system = root.path().to_path_buf();
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(&system).unwrap();
        let env = vec![
            ("TANDEM_SYSTEM_ROOT".into(), system.display().to_string()),
            ("PATH".into(), "/usr/local/bin:/usr/bin:/bin".into()),
        ];
        Self {
            root,
            home,
            system,
            env,
        }
    }

    pub fn with_keyring_and_provider(mut self, op: &provider::OidcProvider, user: &str) -> Self {
        let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS")
            .expect("run through scripts/with-keyring, which provides a Secret Service");
        let browser = format!(
            "node {}",
            provider::support_dir().join("browser-login.mjs").display()
        );
        self.env.extend([
            ("DBUS_SESSION_BUS_ADDRESS".into(), bus),
            ("BROWSER".into(), browser),
            ("TANDEM_TEST_USER".into(), user.into()),
            ("TANDEM_AUTHORITY".into(), op.issuer.clone()),
            ("TANDEM_CLIENT_ID".into(), "tandem-test".into()),
        ]);
        self
    }

    pub fn set_user(&mut self, user: &str) {
        for (key, value) in &mut self.env {
            if key == "TANDEM_TEST_USER" {
                *value = user.into();
            }
        }
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_tandem"))
            .args(args)
            .env_clear()
            .env("HOME", &self.home)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .output()
            .unwrap()
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "tandem {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    pub fn fails(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(!output.status.success(), "tandem {args:?} should fail");
        String::from_utf8(output.stderr).unwrap()
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    pub fn policy(&self, path: &str, text: Option<&str>) {
        let path = self.system.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        match text {
            Some(text) => std::fs::write(path, text).unwrap(),
            None => std::fs::remove_file(path).unwrap(),
        }
    }

    /// Edge with a work profile (`Default`) and a personal one (`Profile 1`),
    /// shaped like Edge's own files.
    pub fn edge_profiles(&self, work_email: &str) {
        let edge = self.home.join(".config/microsoft-edge");
        std::fs::create_dir_all(edge.join("Default")).unwrap();
        std::fs::create_dir_all(edge.join("Profile 1")).unwrap();
        std::fs::write(
            edge.join("Local State"),
            r#"{"profile":{"info_cache":{
                "Default":{"name":"Profile 1","is_using_default_name":true,"user_name":"work"},
                "Profile 1":{"name":"Personal","is_using_default_name":false}},
                "last_used":"Default"}}"#,
        )
        .unwrap();
        self.edge_work_account(work_email);
        std::fs::write(
            edge.join("Profile 1/Preferences"),
            r#"{"account_info":[{"email":"alice@outlook.test","full_name":"Alice Personal",
                "edge_account_tenant_id":"9188040d-6c67-4c5b-b112-36a304b66dad"}]}"#,
        )
        .unwrap();
    }

    pub fn edge_work_account(&self, email: &str) {
        let preferences = self.home.join(".config/microsoft-edge/Default/Preferences");
        let text = if email.is_empty() {
            r#"{"account_info":[]}"#.to_owned()
        } else {
            format!(
                r#"{{"account_info":[{{"email":"{email}","full_name":"Bob Work",
                "edge_account_tenant_id":"{WORK_TENANT}"}}]}}"#
            )
        };
        std::fs::write(preferences, text).unwrap();
    }
}

pub fn keyring_has(service: &str, key: &str) -> bool {
    Command::new("secret-tool")
        .args(["lookup", "service", service, "username", key])
        .output()
        .unwrap()
        .status
        .success()
}

impl Machine {
    /// Runs `tandem`, killing it if it has not finished within `limit`:
    /// a command that hangs fails the test instead of the whole run.
    pub fn run_within(&self, args: &[&str], limit: Duration) -> (Output, Duration) {
        let started = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_tandem"))
            .args(args)
            .env_clear()
            .env("HOME", &self.home)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        loop {
            if child.try_wait().unwrap().is_some() {
                let output = child.wait_with_output().unwrap();
                return (output, started.elapsed());
            }
            if started.elapsed() > limit {
                let _ = child.kill();
                let output = child.wait_with_output().unwrap();
                panic!(
                    "tandem {args:?} was still running after {limit:?}: {}",
                    String::from_utf8_lossy(&output.stderr)
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn edge_dir(&self) -> PathBuf {
        self.home.join(".config/microsoft-edge")
    }

    pub fn data_dir(&self) -> PathBuf {
        self.home.join(".local/share/tandem")
    }

    /// Links the Edge work profile to the personal profile beside it.
    pub fn link_edge(&self) {
        self.ok(&[
            "link",
            "--work",
            "edge:Default",
            "--personal-profile",
            "edge:Profile 1",
        ]);
    }
}

/// Makes a FIFO at `path`.
pub fn mkfifo(path: &std::path::Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {path:?}");
}

/// Every file below `dir`, with its bytes (links are not followed).
pub fn files_under(dir: &std::path::Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let entry = entry.unwrap();
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            out.extend(files_under(&entry.path()));
        } else if kind.is_file() {
            out.push((entry.path(), std::fs::read(entry.path()).unwrap()));
        }
    }
    out
}

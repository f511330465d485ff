//! One test kit for the whole workspace: every crate's tests and benches
//! build their fake machines, start the local OpenID Connect provider and
//! reach the private keyring through it, and nowhere else.
//!
//! - [`Machine`]: a whole machine in a temporary folder, laid out as
//!   `Locations::under(root)`: a home in `root/home/user`, system paths
//!   under `root`, Edge-shaped profiles, policy files, and a program (the
//!   `tandem` binary, say) to run on it with only its own environment.
//! - [`bench`]: the 8 browsers × 25 profiles machine the benches measure.
//! - [`profiles`]: profile values for tests that need no files.
//! - [`provider`]: `ui/test-support/oidc-provider.mjs` on 127.0.0.1.
//! - [`keyring`]: what the test session's Secret Service holds.
//! - [`stand_in`]: programs that record how Tandem started them.
//! - `bus`, `notifications`, `tray_host`: a private session bus, a
//!   notification daemon on it, and a desktop's tray host reading (and
//!   clicking) a tray's menu over it.
//!
//! Only integration tests and benches use it: a crate's own unit tests are
//! compiled apart from the crate this kit links, so their values would not
//! be the same types.

// A test that cannot build its machine should stop right there.
#![allow(clippy::unwrap_used)]

pub mod bench;
#[cfg(target_os = "linux")]
pub mod bus;
pub mod keyring;
#[cfg(target_os = "linux")]
pub mod notifications;
pub mod profiles;
pub mod provider;
pub mod stand_in;
#[cfg(target_os = "linux")]
pub mod tray_host;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use tandem_locations::{Locations, UserRoots};

/// The Entra tenant of the test work accounts.
pub const WORK_TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
pub use tandem_microsoft::CONSUMER_TENANT_ID;

/// The keyring keys of the test provider's users.
pub const ALICE_KEY: &str =
    "00000000-0000-0000-0000-00000000a11c.9188040d-6c67-4c5b-b112-36a304b66dad";
pub const BOB_KEY: &str =
    "00000000-0000-0000-0000-000000000b0b.72f988bf-86f1-41af-91ab-2d7cd011db47";
pub const CAROL_KEY: &str =
    "00000000-0000-0000-0000-0000000ca401.9188040d-6c67-4c5b-b112-36a304b66dad";

/// A fake machine laid out as `Locations::under(root)`.
#[derive(Debug)]
pub struct Machine {
    pub root: tempfile::TempDir,
    pub home: PathBuf,
    pub system: PathBuf,
    /// The environment a program run on this machine gets (beside `HOME`).
    pub env: Vec<(String, String)>,
    program: Option<PathBuf>,
}

impl Default for Machine {
    fn default() -> Self {
        Self::new()
    }
}

impl Machine {
    pub fn new() -> Self {
        let root = tempfile::tempdir().unwrap();
        let home = root.path().join("home/user");
        let system = root.path().to_path_buf();
        std::fs::create_dir_all(&home).unwrap();
        let env = vec![
            ("TANDEM_SYSTEM_ROOT".into(), system.display().to_string()),
            ("PATH".into(), "/usr/local/bin:/usr/bin:/bin".into()),
        ];
        Self {
            root,
            home,
            system,
            env,
            program: None,
        }
    }

    /// The program `run`, `ok`, `fails` and `json` start (the `tandem`
    /// binary: `env!("CARGO_BIN_EXE_tandem")` in the CLI's tests).
    pub fn running(mut self, program: impl Into<PathBuf>) -> Self {
        self.program = Some(program.into());
        self
    }

    pub fn locations(&self) -> Locations {
        Locations::under(self.root.path())
    }

    pub fn roots(&self) -> UserRoots {
        self.locations().user_roots().clone()
    }

    pub fn edge_dir(&self) -> PathBuf {
        self.home.join(".config/microsoft-edge")
    }

    pub fn data_dir(&self) -> PathBuf {
        self.locations().data_dir().to_path_buf()
    }

    /// Sets (or replaces) one variable of the programs' environment.
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.retain(|(name, _)| name != key);
        self.env.push((key.into(), value.into()));
    }

    /// This machine's programs reach the test session's keyring, and sign
    /// in to `provider` as `user` through the stand-in browser.
    pub fn with_keyring_and_provider(
        mut self,
        provider: &provider::OidcProvider,
        user: &str,
    ) -> Self {
        let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS")
            .expect("run through scripts/with-keyring, which provides a Secret Service");
        let browser = format!(
            "node {}",
            provider::support_dir().join("browser-login.mjs").display()
        );
        self.set_env("DBUS_SESSION_BUS_ADDRESS", &bus);
        self.set_env("BROWSER", &browser);
        self.set_env("TANDEM_TEST_USER", user);
        self.set_env("TANDEM_AUTHORITY", &provider.issuer);
        self.set_env("TANDEM_CLIENT_ID", "tandem-test");
        self
    }

    pub fn write(&self, path: &Path, bytes: impl AsRef<[u8]>) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    pub fn write_json(&self, path: &Path, value: &serde_json::Value) {
        self.write(path, serde_json::to_vec_pretty(value).unwrap());
    }

    /// Writes (`Some`) or removes (`None`) a policy file, `path` relative to
    /// the system root (`etc/opt/edge/policies/managed/linking.json`).
    pub fn policy(&self, path: &str, text: Option<&str>) {
        let path = self.system.join(path);
        match text {
            Some(text) => self.write(&path, text),
            None => std::fs::remove_file(path).unwrap(),
        }
    }

    /// Edge with a work profile (`Default`, signed in as `work_email`) and a
    /// personal one (`Profile 1`, alice@outlook.test), shaped like Edge's
    /// own files.
    pub fn edge_profiles(&self, work_email: &str) {
        let edge = self.edge_dir();
        self.write(
            &edge.join("Local State"),
            r#"{"profile":{"info_cache":{
                "Default":{"name":"Profile 1","is_using_default_name":true,"user_name":"work"},
                "Profile 1":{"name":"Personal","is_using_default_name":false}},
                "last_used":"Default"}}"#,
        );
        self.edge_work_account(work_email);
        self.write(
            &edge.join("Profile 1/Preferences"),
            r#"{"account_info":[{"email":"alice@outlook.test","full_name":"Alice Personal",
                "edge_account_tenant_id":"9188040d-6c67-4c5b-b112-36a304b66dad"}]}"#,
        );
    }

    /// A stand-in program at `path` under the system root
    /// (`opt/microsoft/msedge/msedge`), recording each run.
    pub fn stand_in(&self, path: &str) -> stand_in::StandIn {
        stand_in::StandIn::install(&self.system.join(path))
    }

    /// Signs the Edge work profile in to `email` (nobody, when empty).
    pub fn edge_work_account(&self, email: &str) {
        let text = if email.is_empty() {
            r#"{"account_info":[]}"#.to_owned()
        } else {
            serde_json::json!({"account_info": [{
                "email": email,
                "full_name": "Bob Work",
                "edge_account_tenant_id": WORK_TENANT,
            }]})
            .to_string()
        };
        self.write(&self.edge_dir().join("Default/Preferences"), text);
    }

    fn command(&self, args: &[&str]) -> Command {
        let program = self
            .program
            .as_ref()
            .expect("say which program runs on this machine: Machine::running");
        let mut command = Command::new(program);
        command
            .args(args)
            .env_clear()
            .env("HOME", &self.home)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        command
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// Runs the program, killing it if it has not finished within `limit`:
    /// a command that hangs fails the test instead of the whole run.
    pub fn run_within(&self, args: &[&str], limit: Duration) -> (Output, Duration) {
        let started = Instant::now();
        let mut child = self
            .command(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        loop {
            if child.try_wait().unwrap().is_some() {
                return (child.wait_with_output().unwrap(), started.elapsed());
            }
            if started.elapsed() > limit {
                let _ = child.kill();
                let output = child.wait_with_output().unwrap();
                panic!(
                    "{args:?} was still running after {limit:?}: {}",
                    String::from_utf8_lossy(&output.stderr)
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Runs the program, which must succeed; its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// Runs the program, which must fail; its stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(!output.status.success(), "{args:?} should fail");
        String::from_utf8(output.stderr).unwrap()
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    /// Runs `args` (which include `--json`), which must fail with status 1
    /// within a minute; the `error` object it prints on stdout.
    pub fn json_error(&self, args: &[&str]) -> serde_json::Value {
        let (output, _) = self.run_within(args, Duration::from_secs(60));
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let printed: serde_json::Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|error| panic!("{args:?} printed no JSON: {error}"));
        printed["error"].clone()
    }
}

/// Every file below `dir` with its bytes (links are not followed).
/// Fails unless `program` links no part of the GUI stack the windows need
/// (GTK, GDK, WebKit, JavaScriptCore, libsoup, appindicator): for the
/// programs that must start fast and stay small (`tandem`, `tandem-tray`).
pub fn assert_links_no_gui(program: &Path) {
    let output = std::process::Command::new("ldd")
        .arg(program)
        .output()
        .expect("ldd runs");
    let libraries = String::from_utf8_lossy(&output.stdout).to_lowercase();
    assert!(libraries.contains("libc.so"), "ldd output: {libraries}");
    for gui in [
        "gtk",
        "webkit",
        "gdk",
        "javascriptcore",
        "soup",
        "appindicator",
    ] {
        assert!(
            !libraries.contains(gui),
            "{} links {gui}: {libraries}",
            program.display()
        );
    }
}

pub fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
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

/// Every file below `dir` with its bytes, to prove nothing changed.
pub fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files_under(dir).into_iter().collect()
}

/// Makes a FIFO at `path`.
pub fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {path:?}");
}

/// A sentence the core sent as `{key, params}` (a reason, a note), in
/// English; panics when `value` is no such sentence.
pub fn said(value: &serde_json::Value) -> String {
    serde_json::from_value::<tandem_i18n::Said>(value.clone())
        .unwrap_or_else(|error| panic!("{value} is not a sentence: {error}"))
        .to_string()
}

//! The local OpenID Connect provider (`ui/test-support/oidc-provider.mjs`):
//! started on 127.0.0.1, stopped when dropped.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use tandem_identity::flow::Provider;
use tandem_identity::{IdentitySettings, MicrosoftAccountKind};

/// The UI's test support scripts: the provider and the stand-in browser.
pub fn support_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/test-support")
}

/// The provider process; killed when dropped.
#[derive(Debug)]
pub struct OidcProvider {
    child: Child,
    pub issuer: String,
}

impl OidcProvider {
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// Starts the provider with its test client registered under these
    /// redirect URIs (the README's registration when empty).
    pub fn start_with(redirect_uris: &[&str]) -> Self {
        let mut command = Command::new("node");
        if !redirect_uris.is_empty() {
            command.env("TANDEM_TEST_REDIRECT_URIS", redirect_uris.join(","));
        }
        let mut child = command
            .arg(support_dir().join("oidc-provider.mjs"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs (scripts/bootstrap installs the UI's npm packages)");
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut line).unwrap();
        // Keep reading: a provider writing to a closed pipe would die of EPIPE.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let issuer = line
            .strip_prefix("listening ")
            .unwrap_or_else(|| panic!("the provider did not start: {line:?}"))
            .trim()
            .to_owned();
        Self { child, issuer }
    }

    pub fn settings(&self) -> IdentitySettings {
        IdentitySettings {
            client_id: "tandem-test".into(),
            authority: Some(self.issuer.clone()),
        }
    }

    pub fn provider(&self, kind: MicrosoftAccountKind) -> Provider {
        Provider::discover(&self.settings(), kind).unwrap()
    }

    pub fn delete_user(&self, user: &str) {
        let status = Command::new("curl")
            .args([
                "-sf",
                "-X",
                "POST",
                &format!("{}/test/users/{user}/delete", self.issuer),
            ])
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

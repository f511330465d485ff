//! Starts the test OpenID Connect provider (ui/test-support/oidc-provider.mjs)
//! on 127.0.0.1 and stops it when dropped. Shared by the identity and CLI tests.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use tandem_identity::flow::Provider;
use tandem_identity::{AccountKind, IdentitySettings};

pub fn support_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/test-support")
}

/// The provider process; killed when dropped.
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

    #[allow(dead_code)]
    pub fn settings(&self) -> IdentitySettings {
        IdentitySettings {
            client_id: "tandem-test".into(),
            authority: Some(self.issuer.clone()),
        }
    }

    #[allow(dead_code)]
    pub fn provider(&self, kind: AccountKind) -> Provider {
        Provider::discover(&self.settings(), kind).unwrap()
    }

    #[allow(dead_code)]
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

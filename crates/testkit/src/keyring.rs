//! What the test session's Secret Service holds (`scripts/with-keyring`
//! runs a private gnome-keyring on a private bus).

use std::process::Command;

/// Whether the keyring holds an entry for `key` under `service`.
pub fn has(service: &str, key: &str) -> bool {
    lookup(service, key).is_some()
}

/// The secret stored for `key` under `service`, if any.
pub fn lookup(service: &str, key: &str) -> Option<String> {
    let output = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", key])
        .output()
        .unwrap();
    output
        .status
        .success()
        .then(|| String::from_utf8(output.stdout).unwrap())
}

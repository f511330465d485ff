//! The token vault against a real Secret Service: run under
//! `scripts/with-keyring` (the test command does), which starts
//! gnome-keyring-daemon on a private session bus.

// A test that cannot reach its keyring should stop right there.
#![allow(clippy::unwrap_used)]

use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use tandem_identity::{
    Account, CONSUMER_TENANT_ID, MicrosoftAccountKind, Secret, TokenSet, Vault, VaultError,
};
use tandem_locations::Locations;

const WORK_TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

fn require_session_bus() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "keyring tests need a session bus with a Secret Service: run them through scripts/with-keyring"
    );
}

/// An account no other test (or earlier run) uses.
fn account(kind: MicrosoftAccountKind, label: &str) -> Account {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    Account {
        kind,
        tenant_id: match kind {
            MicrosoftAccountKind::Personal => CONSUMER_TENANT_ID.into(),
            MicrosoftAccountKind::Work => WORK_TENANT.into(),
        },
        object_id: format!("{label}-{}-{nanos}", std::process::id()),
        username: Some(format!("{label}@example.test")),
        name: Some(label.into()),
    }
}

fn tokens(seed: &str) -> TokenSet {
    TokenSet {
        access_token: Secret::new(format!("access-{seed}-Zx81")),
        refresh_token: Some(Secret::new(format!("refresh-{seed}-Qp27"))),
        id_token: Some(Secret::new(format!("eyJ.id-{seed}.sig"))),
        expires_at: Some(jiff::Timestamp::from_second(1_900_000_000).unwrap()),
    }
}

/// Every byte under `dir`, to look for secrets in.
fn all_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                bytes.extend(all_bytes(&path));
            } else {
                bytes.extend(std::fs::read(&path).unwrap());
            }
        }
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[test]
fn store_read_list_and_delete() {
    require_session_bus();
    let machine = tempfile::tempdir().unwrap();
    let locations = Locations::under(machine.path());
    let vault = Vault::new(&locations);
    let personal = account(MicrosoftAccountKind::Personal, "ada");
    let work = account(MicrosoftAccountKind::Work, "ada-work");
    vault.store(&personal, &tokens("p")).unwrap();
    vault.store(&work, &tokens("w")).unwrap();

    // A fresh vault reads them back from the keyring.
    let again = Vault::new(&locations);
    assert_eq!(again.tokens(&personal).unwrap(), Some(tokens("p")));
    assert_eq!(again.tokens(&work).unwrap(), Some(tokens("w")));
    assert_eq!(again.accounts().unwrap(), [personal.clone(), work.clone()]);
    assert_eq!(again.find("ADA-WORK@example.test").unwrap(), work);

    // Personal and work accounts are indexed apart, and no file holds a token.
    let data = locations.data_dir();
    assert!(data.join("personal/accounts.json").is_file());
    assert!(data.join("work/accounts.json").is_file());
    let files = all_bytes(machine.path());
    for secret in ["access-p-Zx81", "refresh-w-Qp27", "eyJ.id-p.sig"] {
        assert!(!contains(&files, secret), "{secret} was written to a file");
    }

    again.remove(&work).unwrap();
    assert_eq!(again.tokens(&work).unwrap(), None);
    assert_eq!(again.accounts().unwrap(), std::slice::from_ref(&personal));
    assert!(matches!(
        again.find("ada-work@example.test"),
        Err(VaultError::NotFound(_))
    ));
    again.remove(&personal).unwrap();
    assert_eq!(again.tokens(&personal).unwrap(), None);
    // Removing twice is harmless.
    again.remove(&personal).unwrap();
}

#[test]
fn the_secret_service_really_holds_the_tokens() {
    require_session_bus();
    let machine = tempfile::tempdir().unwrap();
    let vault = Vault::new(&Locations::under(machine.path()));
    let work = account(MicrosoftAccountKind::Work, "grace");
    vault.store(&work, &tokens("g")).unwrap();
    let output = Command::new("secret-tool")
        .args([
            "lookup",
            "service",
            "Tandem work account",
            "username",
            work.key().as_str(),
        ])
        .output()
        .expect("secret-tool (libsecret-tools) is installed");
    let stored = String::from_utf8_lossy(&output.stdout);
    assert!(
        stored.contains("refresh-g-Qp27"),
        "secret-tool found: {stored:?}"
    );
    vault.remove(&work).unwrap();
}

#[test]
fn storing_again_replaces_the_tokens() {
    require_session_bus();
    let machine = tempfile::tempdir().unwrap();
    let vault = Vault::new(&Locations::under(machine.path()));
    let personal = account(MicrosoftAccountKind::Personal, "lin");
    vault.store(&personal, &tokens("old")).unwrap();
    vault.store(&personal, &tokens("new")).unwrap();
    assert_eq!(vault.tokens(&personal).unwrap(), Some(tokens("new")));
    assert_eq!(vault.accounts().unwrap().len(), 1);
    vault.remove(&personal).unwrap();
}

/// Without a session bus there is no keyring: Tandem refuses to store and
/// says why, and writes nothing. Runs in a child process so that its
/// environment can differ.
#[test]
fn no_keyring_means_nothing_is_stored() {
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "refuses_without_a_keyring",
            "--ignored",
            "--nocapture",
        ])
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/tandem-test-bus",
        )
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        text.contains("1 passed"),
        "the inner test did not run: {text}"
    );
}

#[test]
#[ignore = "run by no_keyring_means_nothing_is_stored, with no session bus"]
fn refuses_without_a_keyring() {
    let machine = tempfile::tempdir().unwrap();
    let locations = Locations::under(machine.path());
    let vault = Vault::new(&locations);
    let error = vault
        .store(&account(MicrosoftAccountKind::Work, "nobus"), &tokens("n"))
        .unwrap_err();
    assert!(matches!(error, VaultError::NoKeyring { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains("no system keyring is available"),
        "{message}"
    );
    assert!(message.contains("nothing was stored"), "{message}");
    assert!(
        !locations.data_dir().exists(),
        "the index was written anyway"
    );
}

//! The user's rights over their personal data: see all of it (export),
//! erase it (delete), and pause its processing (restrict, in [`LinkBook`]).
//! The CLI and the app both call these.

use std::path::Path;

pub use tandem_files::export::Existing;
use tandem_files::export::ExportError;
use tandem_identity::{MicrosoftAccountKind, Vault, VaultError};
use tandem_locations::Locations;

use crate::book::{LinkBook, LinkError};
use crate::model::HistoryEntry;

#[derive(Debug, thiserror::Error)]
pub enum PrivacyError {
    #[error(transparent)]
    Link(#[from] LinkError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error("cannot encode the export: {0}")]
    Encode(#[from] serde_json::Error),
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error("your personal data was deleted, but Tandem's logs could not be cleaned of it: {0}")]
    Logs(tandem_files::OwnedError),
}

/// Everything Tandem holds about the personal account, without any token.
pub fn personal_data(locations: &Locations) -> Result<serde_json::Value, PrivacyError> {
    let book = LinkBook::new(locations);
    let accounts: Vec<_> = Vault::new(locations)
        .accounts()?
        .into_iter()
        .filter(|account| account.kind == MicrosoftAccountKind::Personal)
        .collect();
    Ok(serde_json::json!({
        "exported_at": jiff::Timestamp::now().as_second(),
        "about": "Everything Tandem holds about your personal Microsoft account. Sign-in secrets are never exported.",
        "personal_accounts": accounts,
        "links": book.personal_export()?,
        "personal_data_restricted": book.is_restricted()?,
    }))
}

/// Writes [`personal_data`] to `file` (readable by the user only). An
/// existing file is replaced only when `existing` says so, and only if it is
/// a regular file.
pub fn export(locations: &Locations, file: &Path, existing: Existing) -> Result<(), PrivacyError> {
    let mut bytes = tandem_text::json::to_vec_pretty(&personal_data(locations)?)?;
    bytes.push(b'\n');
    tandem_files::export::write_new(file, &bytes, existing)?;
    Ok(())
}

/// What [`delete`] removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deleted {
    pub sign_ins: usize,
    pub unlinked: Vec<HistoryEntry>,
}

/// Deletes the personal sign-ins (keyring and index), the personal half of
/// every link, and the links that need it.
pub fn delete(locations: &Locations) -> Result<Deleted, PrivacyError> {
    let vault = Vault::new(locations);
    let book = LinkBook::new(locations);
    // What names the person in a log line, gathered before it is deleted:
    // from the personal half if it can be read, and from damaged copies of
    // it, which can hold what no readable file does any more.
    let mut names: Vec<String> = Vec::new();
    for link in book.personal_export().unwrap_or_default() {
        let account = &link["personal_account"];
        for field in ["email", "name", "account_key"] {
            names.extend(account[field].as_str().map(str::to_owned));
        }
    }
    for copy in book.damaged_personal_copies() {
        names.extend(quoted_values(&copy, &["email", "name", "account_key"]));
    }
    let mut sign_ins = 0;
    for account in vault.accounts()? {
        if account.kind == MicrosoftAccountKind::Personal {
            names.extend(account.username.clone());
            names.extend(account.name.clone());
            names.push(account.key().to_string());
            vault.remove(&account)?;
            sign_ins += 1;
        }
    }
    let unlinked = book.delete_personal(jiff::Timestamp::now())?;
    tandem_logging::scrub(locations.log_dir(), &names).map_err(PrivacyError::Logs)?;
    Ok(Deleted { sign_ins, unlinked })
}

/// The string values of `keys` in JSON that may be cut short: a damaged
/// copy cannot be parsed, but what it names can still be found.
fn quoted_values(bytes: &[u8], keys: &[&str]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut found = Vec::new();
    for key in keys {
        let pattern = format!("\"{key}\"");
        let mut rest: &str = &text;
        while let Some(at) = rest.find(&pattern) {
            rest = &rest[at + pattern.len()..];
            let Some(value) = rest.trim_start().strip_prefix(':') else {
                continue;
            };
            let Some(value) = value.trim_start().strip_prefix('"') else {
                continue;
            };
            // A JSON string up to its closing quote; escapes are rare in
            // emails and names, and a partial value is still worth scrubbing.
            let end = value.find('"').unwrap_or(value.len());
            if let Ok(decoded) = serde_json::from_str::<String>(&format!("\"{}\"", &value[..end])) {
                found.push(decoded);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_found_in_a_copy_cut_short() {
        let copy = br#"{"schema":"tandem.personal-links","data":{"links":{"a":{"personal_account":{"email": "alice@outlook.test","name":"Alice P"#;
        assert_eq!(
            quoted_values(copy, &["email", "name"]),
            ["alice@outlook.test", "Alice P"]
        );
    }
}

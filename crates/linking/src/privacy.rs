//! The user's rights over their personal data: see all of it (export),
//! erase it (delete), and pause its processing (restrict, in [`LinkBook`]).
//! The CLI and the app both call these.

use std::path::Path;

use tandem_identity::{AccountKind, Vault, VaultError};
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
}

/// Everything Tandem holds about the personal account, without any token.
pub fn personal_data(locations: &Locations) -> Result<serde_json::Value, PrivacyError> {
    let book = LinkBook::new(locations);
    let accounts: Vec<_> = Vault::new(locations)
        .accounts()?
        .into_iter()
        .filter(|account| account.kind == AccountKind::Personal)
        .collect();
    Ok(serde_json::json!({
        "exported_at": crate::model::now(),
        "about": "Everything Tandem holds about your personal Microsoft account. Sign-in secrets are never exported.",
        "personal_accounts": accounts,
        "links": book.personal_export()?,
        "personal_data_restricted": book.is_restricted()?,
    }))
}

/// Writes [`personal_data`] to `file` (readable by the user only).
pub fn export(locations: &Locations, file: &Path) -> Result<(), PrivacyError> {
    let mut bytes = serde_json::to_vec_pretty(&personal_data(locations)?)?;
    bytes.push(b'\n');
    tandem_store::write_atomically(file, &bytes).map_err(LinkError::from)?;
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
    let mut sign_ins = 0;
    for account in vault.accounts()? {
        if account.kind == AccountKind::Personal {
            vault.remove(&account)?;
            sign_ins += 1;
        }
    }
    let unlinked = LinkBook::new(locations).delete_personal(crate::model::now())?;
    Ok(Deleted { sign_ins, unlinked })
}

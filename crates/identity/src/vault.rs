//! Tokens live only in the OS keyring: Secret Service on Linux, Keychain on
//! macOS, Credential Manager on Windows. The keyring cannot list its entries,
//! so Tandem keeps an index of accounts beside its data, with no secret in it.
//! Personal and work accounts are kept apart: separate keyring services and
//! separate index files.
//!
//! When no keyring is available, Tandem says so and stores nothing. It never
//! falls back to a file.

use serde::{Deserialize, Serialize};
use tandem_locations::Locations;
use tandem_store::{Document, LOCK_WAIT, OwnedDir, StateFile};

use crate::account::{Account, MicrosoftAccountKind};
use crate::secret::Secret;

/// What a sign-in leaves to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSet {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    pub id_token: Option<Secret>,
    pub expires_at: Option<jiff::Timestamp>,
}

/// The keyring entry's contents. Only ever serialised straight into the keyring.
#[derive(Serialize, Deserialize)]
struct StoredTokens {
    access_token: String,
    refresh_token: Option<String>,
    id_token: Option<String>,
    #[serde(default, with = "jiff::fmt::serde::timestamp::second::optional")]
    expires_at: Option<jiff::Timestamp>,
}

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error(
        "no system keyring is available ({detail}). Tandem keeps sign-in tokens only in the keyring, \
         so nothing was stored: start your desktop's keyring (GNOME Keyring, KWallet) and try again"
    )]
    NoKeyring { detail: String },
    #[error("the system keyring refused the request: {0}")]
    Keyring(String),
    #[error(transparent)]
    State(#[from] tandem_store::StoreError),
    #[error("no stored account matches {0:?}; `tandem accounts` lists them")]
    NotFound(String),
    #[error("{0:?} matches more than one account; use its id from `tandem accounts --json`")]
    Ambiguous(String),
}

/// The secret-free list of one kind's accounts whose tokens are in the keyring.
#[derive(Debug, Default, Serialize, Deserialize)]
struct AccountIndex {
    accounts: Vec<Account>,
}

impl Document for AccountIndex {
    const SCHEMA: &'static str = "tandem.accounts";
    const VERSION: u32 = 1;

    // The first index was a bare list of accounts.
    fn unversioned(value: serde_json::Value) -> Option<serde_json::Value> {
        value
            .is_array()
            .then(|| serde_json::json!({ "accounts": value }))
    }
}

/// Where tokens and the account index live.
#[derive(Debug, Clone)]
pub struct Vault {
    data: OwnedDir,
}

impl Vault {
    pub fn new(locations: &Locations) -> Self {
        Self {
            data: OwnedDir::new(locations.data_dir()),
        }
    }

    fn service(kind: MicrosoftAccountKind) -> &'static str {
        match kind {
            MicrosoftAccountKind::Personal => "Tandem personal account",
            MicrosoftAccountKind::Work => "Tandem work account",
        }
    }

    fn index(&self, kind: MicrosoftAccountKind) -> StateFile<AccountIndex> {
        StateFile::new(&self.data, &format!("{}/accounts.json", kind.as_str()))
    }

    fn entry(account: &Account) -> Result<keyring::Entry, VaultError> {
        keyring::Entry::new(Self::service(account.kind), account.key().as_str())
            .map_err(keyring_error)
    }

    /// Stores the account's tokens in the keyring, then records the account
    /// in the index. If the keyring fails, the index is left as it was.
    pub fn store(&self, account: &Account, tokens: &TokenSet) -> Result<(), VaultError> {
        let stored = StoredTokens {
            access_token: tokens.access_token.expose().to_owned(),
            refresh_token: tokens.refresh_token.as_ref().map(|t| t.expose().to_owned()),
            id_token: tokens.id_token.as_ref().map(|t| t.expose().to_owned()),
            expires_at: tokens.expires_at,
        };
        let json = Secret::new(
            serde_json::to_string(&stored)
                .map_err(|error| VaultError::Keyring(error.to_string()))?,
        );
        drop(stored);
        Self::entry(account)?
            .set_password(json.expose())
            .map_err(keyring_error)?;
        self.update_index(account.kind, |accounts| {
            accounts.retain(|known| known.key() != account.key());
            accounts.push(account.clone());
        })?;
        tracing::info!(kind = account.kind.as_str(), "account stored");
        tracing::debug!(username = ?account.username, "account stored");
        Ok(())
    }

    /// The account's tokens, or `None` if the keyring has none for it.
    pub fn tokens(&self, account: &Account) -> Result<Option<TokenSet>, VaultError> {
        let json = match Self::entry(account)?.get_password() {
            Ok(json) => Secret::new(json),
            Err(keyring::Error::NoEntry) => return Ok(None),
            Err(error) => return Err(keyring_error(error)),
        };
        let stored: StoredTokens = serde_json::from_str(json.expose()).map_err(|_| {
            VaultError::Keyring("the stored tokens are damaged; sign in again".into())
        })?;
        Ok(Some(TokenSet {
            access_token: Secret::new(stored.access_token),
            refresh_token: stored.refresh_token.map(Secret::new),
            id_token: stored.id_token.map(Secret::new),
            expires_at: stored.expires_at,
        }))
    }

    /// The stored accounts, personal first, from the index. A damaged index
    /// is set aside and its last good copy used, so that signing out,
    /// deleting personal data and uninstalling still work.
    pub fn accounts(&self) -> Result<Vec<Account>, VaultError> {
        let lock = self
            .data
            .lock(LOCK_WAIT)
            .map_err(tandem_store::StoreError::from)?;
        let mut all = Vec::new();
        for kind in MicrosoftAccountKind::ALL {
            all.extend(self.read_index(kind, &lock)?);
        }
        Ok(all)
    }

    /// The one stored account `query` names (its id or its username).
    pub fn find(&self, query: &str) -> Result<Account, VaultError> {
        let mut matches: Vec<Account> = self
            .accounts()?
            .into_iter()
            .filter(|account| account.matches(query))
            .collect();
        match matches.len() {
            0 => Err(VaultError::NotFound(query.to_owned())),
            1 => Ok(matches.remove(0)),
            _ => Err(VaultError::Ambiguous(query.to_owned())),
        }
    }

    /// Deletes the account's tokens from the keyring and the account from the
    /// index. A keyring entry that is already gone is not an error.
    pub fn remove(&self, account: &Account) -> Result<(), VaultError> {
        match Self::entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => {}
            Err(error) => return Err(keyring_error(error)),
        }
        self.update_index(account.kind, |accounts| {
            accounts.retain(|known| known.key() != account.key());
        })?;
        tracing::info!(kind = account.kind.as_str(), "account removed");
        Ok(())
    }

    fn read_index(
        &self,
        kind: MicrosoftAccountKind,
        lock: &tandem_store::DirLock,
    ) -> Result<Vec<Account>, VaultError> {
        let loaded = self.index(kind).load(lock)?;
        if let Some(recovery) = loaded.recovery {
            tracing::warn!(
                "account index of {} accounts: {}",
                kind.as_str(),
                recovery.message()
            );
        }
        Ok(loaded.value.accounts)
    }

    /// Changes the index under the state lock of the data folder, so that
    /// the app and the CLI signing in at once both keep their account.
    fn update_index(
        &self,
        kind: MicrosoftAccountKind,
        change: impl FnOnce(&mut Vec<Account>),
    ) -> Result<(), VaultError> {
        let lock = self
            .data
            .lock(LOCK_WAIT)
            .map_err(tandem_store::StoreError::from)?;
        let mut accounts = self.read_index(kind, &lock)?;
        change(&mut accounts);
        self.index(kind).save(&lock, &AccountIndex { accounts })?;
        Ok(())
    }
}

fn keyring_error(error: keyring::Error) -> VaultError {
    match error {
        keyring::Error::NoStorageAccess(inner) => VaultError::NoKeyring {
            detail: inner.to_string(),
        },
        keyring::Error::PlatformFailure(inner) => VaultError::NoKeyring {
            detail: inner.to_string(),
        },
        other => VaultError::Keyring(other.to_string()),
    }
}

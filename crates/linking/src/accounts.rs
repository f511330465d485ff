//! Asking the identity provider whether the linked work accounts still exist:
//! each work account Tandem signed in to is refreshed, and the answer becomes
//! a [`WorkSignIn`] for reconciliation. A temporary failure (offline, the
//! service down) says nothing about the account, so it is left out.

use std::collections::BTreeMap;

use tandem_identity::refresh::TokenFailure;
use tandem_identity::{
    AccountKey, ConfigError, IdentitySettings, MicrosoftAccountKind, Provider, Vault,
};
use tandem_locations::Locations;

use crate::book::{LinkBook, LinkError};
use crate::engine::WorkSignIn;

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Link(#[from] LinkError),
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// Checks every work account the links on this machine rely on.
pub fn check_linked_work_accounts(
    locations: &Locations,
) -> Result<BTreeMap<AccountKey, WorkSignIn>, CheckError> {
    let keys = LinkBook::new(locations).work_account_keys()?;
    if keys.is_empty() {
        return Ok(BTreeMap::new());
    }
    let settings = IdentitySettings::from_env(locations)?;
    Ok(check_work_accounts(
        &Vault::new(locations),
        &settings,
        &keys,
    ))
}

/// Refreshes each of `keys` (work accounts in the vault) once.
pub fn check_work_accounts(
    vault: &Vault,
    settings: &IdentitySettings,
    keys: &[AccountKey],
) -> BTreeMap<AccountKey, WorkSignIn> {
    let mut results = BTreeMap::new();
    if keys.is_empty() {
        return results;
    }
    let provider = match Provider::discover(settings, MicrosoftAccountKind::Work) {
        Ok(provider) => provider,
        Err(error) => {
            tracing::info!(%error, "cannot reach the identity provider; work accounts not checked");
            return results;
        }
    };
    for key in keys {
        let Ok(account) = vault.find(key.as_str()) else {
            results.insert(
                key.clone(),
                WorkSignIn::SignInAgain {
                    detail: "Tandem no longer holds its sign-in".into(),
                },
            );
            continue;
        };
        let refresh_token = match vault.tokens(&account) {
            Ok(Some(tokens)) => tokens.refresh_token,
            Ok(None) => None,
            Err(error) => {
                tracing::warn!(%error, "cannot read the work account's tokens");
                continue;
            }
        };
        let Some(refresh_token) = refresh_token else {
            results.insert(
                key.clone(),
                WorkSignIn::SignInAgain {
                    detail: "no refresh token".into(),
                },
            );
            continue;
        };
        let outcome = match provider.refresh(&refresh_token, 2) {
            Ok(tokens) => {
                if let Err(error) = vault.store(&account, &tokens) {
                    tracing::warn!(%error, "cannot keep the refreshed tokens");
                }
                WorkSignIn::Usable
            }
            Err(TokenFailure::AccountGone { code }) => WorkSignIn::Gone {
                detail: code.map_or("the provider said so".into(), |code| {
                    format!("AADSTS{code}")
                }),
            },
            Err(TokenFailure::SignInAgain { code }) => WorkSignIn::SignInAgain {
                detail: code.map_or("the sign-in expired".into(), |code| format!("AADSTS{code}")),
            },
            Err(TokenFailure::TemporarilyUnavailable { detail }) => {
                tracing::info!(%detail, "work account not checked for now");
                continue;
            }
            Err(TokenFailure::Other { error }) => WorkSignIn::SignInAgain { detail: error },
        };
        results.insert(key.clone(), outcome);
    }
    results
}

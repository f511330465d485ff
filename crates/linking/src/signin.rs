//! Proving the personal account of a link with a real sign-in: the browser
//! flow against the personal (consumer) authority, the tokens into the
//! keyring, and the account as a link records it. The CLI and the app both
//! link through this.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use tandem_identity::{
    AccountKind, ConfigError, IdentitySettings, Provider, SignInError, Vault, VaultError,
};
use tandem_locations::Locations;

use crate::model::{PersonalAccount, PersonalProof};

#[derive(Debug, thiserror::Error)]
pub enum PersonalSignInError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    SignIn(#[from] SignInError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(
        "that sign-in was a work or school account, not a personal Microsoft account; nothing was linked"
    )]
    NotPersonal,
}

/// Signs in to a personal Microsoft account in the system browser, keeps its
/// tokens in the keyring, and returns the account for the link.
pub fn sign_in_personal(
    locations: &Locations,
    timeout: Duration,
    cancel: &Arc<AtomicBool>,
) -> Result<PersonalAccount, PersonalSignInError> {
    let settings = IdentitySettings::from_env(locations)?;
    let provider = Provider::discover(&settings, AccountKind::Personal)?;
    let signed_in = provider.sign_in_with_browser(
        AccountKind::Personal,
        tandem_identity::open_in_browser,
        timeout,
        cancel,
    )?;
    if signed_in.account.kind != AccountKind::Personal {
        return Err(PersonalSignInError::NotPersonal);
    }
    Vault::new(locations).store(&signed_in.account, &signed_in.tokens)?;
    Ok(PersonalAccount {
        account_key: Some(signed_in.account.key()),
        email: signed_in.account.username.clone(),
        name: signed_in.account.name.clone(),
        proof: PersonalProof::SignIn,
    })
}

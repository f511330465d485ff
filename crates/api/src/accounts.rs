//! Signing in and out, and the accounts Tandem signed in to. None of these
//! touch a link, so none needs a [`crate::Tandem`].

use std::time::Duration;

use tandem_identity::{Account, IdentitySettings, MicrosoftAccountKind, Provider, SignedIn, Vault};
use tandem_linking::{PersonalAccount, PersonalProof};
use tandem_locations::Locations;

use crate::{Cancel, Error, Progress};

/// How to sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// In the system browser, redirected back to Tandem.
    Browser,
    /// With a code entered on another device.
    DeviceCode,
}

/// Signs in, as the person asked (`tandem signin`, linking): the account
/// is theirs to keep, even if a killed wizard had signed in to it before.
pub fn sign_in(
    locations: &Locations,
    kind: MicrosoftAccountKind,
    method: Method,
    timeout: Duration,
    cancel: &Cancel,
    progress: &dyn Fn(Progress),
) -> Result<Account, Error> {
    let account = sign_in_only(locations, kind, method, timeout, cancel, progress)?;
    crate::onboarding::keep_signed_in(locations, &account.key());
    Ok(account)
}

/// Signs in to a Microsoft account of `kind`; its tokens go to the keyring
/// only. Reports its steps to `progress`; stops on `cancel` or after
/// `timeout`.
pub(crate) fn sign_in_only(
    locations: &Locations,
    kind: MicrosoftAccountKind,
    method: Method,
    timeout: Duration,
    cancel: &Cancel,
    progress: &dyn Fn(Progress),
) -> Result<Account, Error> {
    let settings = IdentitySettings::from_env(locations)?;
    let provider = Provider::discover(&settings, kind)?;
    let signed_in: SignedIn = match method {
        Method::Browser => {
            progress(Progress::OpeningBrowser);
            provider.sign_in_with_browser(
                kind,
                |url| {
                    let opened = tandem_identity::open_in_browser(url);
                    progress(Progress::WaitingForSignIn {
                        timeout_seconds: timeout.as_secs(),
                    });
                    opened
                },
                timeout,
                cancel.flag(),
            )?
        }
        Method::DeviceCode => provider.sign_in_with_device_code(
            kind,
            |prompt| {
                progress(Progress::EnterCode {
                    uri: prompt.verification_uri.clone(),
                    code: prompt.user_code.clone(),
                });
            },
            timeout,
            cancel.flag(),
        )?,
    };
    progress(Progress::Finishing);
    Vault::new(locations).store(&signed_in.account, &signed_in.tokens)?;
    if let Some(received) = signed_in.redirect_received {
        tracing::debug!(elapsed = ?received.elapsed(), "from the redirect to the tokens in the keyring");
    }
    Ok(signed_in.account)
}

/// Signs in to the personal account that proves a link, in the browser.
pub(crate) fn sign_in_personal(
    locations: &Locations,
    timeout: Duration,
    cancel: &Cancel,
    progress: &dyn Fn(Progress),
) -> Result<PersonalAccount, Error> {
    let account = sign_in(
        locations,
        MicrosoftAccountKind::Personal,
        Method::Browser,
        timeout,
        cancel,
        progress,
    )?;
    Ok(PersonalAccount {
        account_key: Some(account.key()),
        email: account.username.clone(),
        name: account.name.clone(),
        proof: PersonalProof::SignIn,
    })
}

/// The accounts whose tokens are in the keyring (never the tokens).
pub fn list(locations: &Locations) -> Result<Vec<Account>, Error> {
    Ok(Vault::new(locations).accounts()?)
}

/// Forgets an account, by username or id: its tokens and its record.
pub fn sign_out(locations: &Locations, query: &str) -> Result<Account, Error> {
    let vault = Vault::new(locations);
    let found = vault.find(query)?;
    vault.remove(&found)?;
    Ok(found)
}

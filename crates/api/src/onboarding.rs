//! The first-run wizard's actions. The wizard asks first and acts at the
//! end: only the personal sign-in happens on its own step (it needs the
//! person in the browser), and it is remembered, so that cancelling at any
//! step leaves Tandem as it was: no link, no handler, no autostart, no
//! keyring entry the wizard made. Finishing applies the choices in order
//! and, if one fails, takes back the ones already applied.
//!
//! The sign-in is also written down (`personal/wizard-sign-in.json`) until
//! it is linked or taken back: a wizard that never got to Cancel (the app
//! was killed, the machine went down) leaves the record, and the app takes
//! that sign-in back when it next starts
//! ([`take_back_interrupted_sign_in`]).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tandem_identity::{MicrosoftAccountKind, Vault};
use tandem_linking::{Link, UnlinkReason};
use tandem_locations::Locations;
use tandem_microsoft::AccountKey;
use tandem_profiles::ProfileRef;

use tandem_store::{Document, LOCK_WAIT, OwnedDir, StateFile};

use crate::accounts::{self, Method};
use crate::{Cancel, Error, Progress, Proof, Tandem};

/// The personal account the wizard signed in to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SignedInAccount {
    pub key: AccountKey,
    pub email: Option<String>,
    pub name: Option<String>,
}

/// How the personal account is proven.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PersonalChoice {
    /// A browser profile signed in to it.
    Profile { profile: ProfileRef },
    /// The wizard's sign-in.
    SignedIn { key: AccountKey },
}

/// Everything the wizard asked.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WizardChoices {
    pub work: ProfileRef,
    pub personal: PersonalChoice,
    /// Make Tandem the link handler.
    pub link_handler: bool,
    /// Start Tandem at sign-in.
    pub autostart: bool,
}

/// What the wizard set up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WizardDone {
    pub link: Link,
    pub link_handler: bool,
    pub autostart: bool,
}

/// A sign-in a wizard made and has neither linked nor taken back yet.
#[derive(Debug, Default, Serialize, Deserialize)]
struct UnfinishedSignIn {
    key: Option<AccountKey>,
}

impl Document for UnfinishedSignIn {
    const SCHEMA: &'static str = "tandem.wizard-sign-in";
    const VERSION: u32 = 1;
}

fn unfinished(locations: &Locations) -> (OwnedDir, StateFile<UnfinishedSignIn>) {
    let dir = OwnedDir::new(locations.data_dir());
    let file = StateFile::new(&dir, "personal/wizard-sign-in.json");
    (dir, file)
}

fn write_down(locations: &Locations, key: Option<&AccountKey>) -> Result<(), Error> {
    let (dir, file) = unfinished(locations);
    let lock = dir.lock(LOCK_WAIT)?;
    match key {
        Some(key) => {
            file.save(
                &lock,
                &UnfinishedSignIn {
                    key: Some(key.clone()),
                },
            )?;
        }
        None => file.delete(&lock)?,
    }
    Ok(())
}

/// Forgets a killed wizard's record of `key`: the person signed in to that
/// account again (`tandem signin`), so it is theirs to keep. A wizard then
/// writes its own record anew.
pub(crate) fn keep_signed_in(locations: &Locations, key: &AccountKey) {
    if !still_recorded(locations, key) {
        return;
    }
    let (dir, file) = unfinished(locations);
    let forgotten = dir.lock(LOCK_WAIT).map_err(Error::from).and_then(|lock| {
        // Again under the lock: a record written meanwhile names whom it names.
        if file.load(&lock)?.value.key.as_ref() == Some(key) {
            file.delete(&lock)?;
        }
        Ok(())
    });
    if let Err(error) = forgotten {
        tracing::warn!("cannot forget a wizard's record of an account signed in to since: {error}");
    }
}

/// Whether the record still names `key`: a sign-in to it on purpose since
/// (`tandem signin`) cleared it, and then the account is the person's.
fn still_recorded(locations: &Locations, key: &AccountKey) -> bool {
    let (_, file) = unfinished(locations);
    matches!(file.peek(), Ok(Some(UnfinishedSignIn { key: Some(recorded) })) if recorded == *key)
}

/// Takes back the sign-in of a wizard that ended without Cancel or Finish
/// (a kill): its keyring entry goes, unless a link uses the account by now.
/// Call it before any wizard starts. Whether an entry was removed.
pub fn take_back_interrupted_sign_in(locations: &Locations) -> Result<bool, Error> {
    let (_, file) = unfinished(locations);
    let Some(UnfinishedSignIn { key: Some(key) }) = file.peek()? else {
        return Ok(false);
    };
    let tandem = Tandem::open(locations)?;
    let status = tandem.status();
    // While personal data is restricted the links do not say whose they
    // are: keep the account rather than guess.
    let linked = status.personal_data_restricted
        || status.links.iter().any(|link| {
            link.personal_account
                .as_ref()
                .and_then(|account| account.account_key.as_ref())
                == Some(&key)
        });
    let taken_back = !linked && remove_account(locations, &key)?;
    if taken_back {
        tracing::info!("took back the sign-in of a wizard that was interrupted");
    }
    write_down(locations, None)?;
    Ok(taken_back)
}

/// Removes the account `key` from the keyring and the account index:
/// whether it was there.
fn remove_account(locations: &Locations, key: &AccountKey) -> Result<bool, Error> {
    let vault = Vault::new(locations);
    match vault.find(key.as_str()) {
        Ok(account) => {
            vault.remove(&account)?;
            Ok(true)
        }
        Err(tandem_identity::VaultError::NotFound(_)) => Ok(false),
        Err(error) => Err(error.into()),
    }
}

/// A wizard under way.
#[derive(Debug, Default)]
pub struct Onboarding {
    /// The account the wizard signed in to, when it was not in the keyring
    /// before: cancelling removes it.
    made: Option<AccountKey>,
}

impl Onboarding {
    pub fn new() -> Self {
        Self::default()
    }

    /// Signs in to the personal account, in the browser.
    pub fn sign_in(
        &mut self,
        locations: &Locations,
        timeout: Duration,
        cancel: &Cancel,
        progress: &dyn Fn(Progress),
    ) -> Result<SignedInAccount, Error> {
        let known: Vec<AccountKey> = accounts::list(locations)?
            .iter()
            .map(tandem_identity::Account::key)
            .collect();
        // Not `accounts::sign_in`: the wizard's own sign-in is the one to
        // take back if it is cancelled or killed.
        let account = accounts::sign_in_only(
            locations,
            MicrosoftAccountKind::Personal,
            Method::Browser,
            timeout,
            cancel,
            progress,
        )?;
        let key = account.key();
        if !known.contains(&key) {
            // An account signed in to earlier in the wizard (then another
            // chosen) goes now: only the last one is kept.
            self.forget_made(locations)?;
            self.made = Some(key.clone());
            write_down(locations, Some(&key))?;
        }
        Ok(SignedInAccount {
            key,
            email: account.username,
            name: account.name,
        })
    }

    fn forget_made(&mut self, locations: &Locations) -> Result<(), Error> {
        if let Some(key) = self.made.take() {
            if !still_recorded(locations, &key) {
                tracing::debug!("the wizard's sign-in was made again on purpose since; kept");
                return Ok(());
            }
            if let Err(error) = remove_account(locations, &key) {
                self.made = Some(key);
                return Err(error);
            }
            write_down(locations, None)?;
        }
        Ok(())
    }

    /// Applies the choices: the link, then the handler, then autostart, and
    /// marks the wizard done. If a step fails, the steps before it are taken
    /// back and the error says what failed.
    pub fn finish(
        &mut self,
        locations: &Locations,
        choices: &WizardChoices,
    ) -> Result<WizardDone, Error> {
        let proof = match &choices.personal {
            PersonalChoice::Profile { profile } => Proof::Profile(profile.clone()),
            PersonalChoice::SignedIn { key } => Proof::SignedIn(key.clone()),
        };
        let mut tandem = Tandem::open(locations)?;
        let link = tandem.link(&choices.work, proof, &|_| {}, &Cancel::new())?;
        let undo_link = |tandem: &mut Tandem| {
            if let Err(error) = tandem.unlink(Some(&choices.work), UnlinkReason::AtRequest) {
                tracing::warn!("the wizard's link could not be taken back: {error}");
            }
        };
        let handler_was_on = crate::routing::handler_status(locations).registered;
        if choices.link_handler
            && !handler_was_on
            && let Err(error) = crate::routing::handler_on(locations)
        {
            undo_link(&mut tandem);
            return Err(error);
        }
        let autostart_was_on = crate::setup::autostart_enabled(locations);
        if choices.autostart
            && !autostart_was_on
            && let Err(error) = crate::setup::set_autostart(locations, true)
        {
            if choices.link_handler && !handler_was_on {
                let _ = crate::routing::handler_off(locations);
            }
            undo_link(&mut tandem);
            return Err(error);
        }
        crate::settings::set_onboarded(locations, true)?;
        // The account is the link's now.
        if self.made.take().is_some()
            && let Err(error) = write_down(locations, None)
        {
            // Harmless: the next start sees the link, and keeps the account.
            tracing::warn!("cannot clear the wizard's sign-in record: {error}");
        }
        Ok(WizardDone {
            link,
            link_handler: choices.link_handler || handler_was_on,
            autostart: choices.autostart || autostart_was_on,
        })
    }

    /// Leaves Tandem as it was before the wizard: the one thing it did
    /// before finishing, a sign-in, is taken back.
    pub fn cancel(&mut self, locations: &Locations) -> Result<(), Error> {
        self.forget_made(locations)
    }
}

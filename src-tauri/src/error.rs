//! The one error shape that crosses IPC: `{code, message}`. The UI branches on
//! `code` and shows `message`, which says what the person can do about it.

use serde::Serialize;
use tandem_footprint::FootprintError;
use tandem_identity::{ConfigError, SignInError, VaultError};
use tandem_linking::LinkError;
use tandem_linking::privacy::PrivacyError;
use tandem_linking::signin::PersonalSignInError;
use tandem_locations::LocationError;
use tandem_profiles::launch::LaunchError;
use ts_rs::TS;

/// Stable, machine-readable reasons a command failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Tandem cannot work out where the user's files are.
    LocationsUnavailable,
    /// The profile is gone (deleted since the list was shown).
    ProfileMissing,
    /// The profile's browser is not installed where Tandem looks.
    BrowserNotFound,
    /// Only http(s) links can be opened.
    NotAWebLink,
    /// The browser could not be started.
    LaunchFailed,
    /// Policy does not allow linking (the message says whose and where).
    PolicyForbids,
    /// The user paused processing of personal data.
    PersonalDataRestricted,
    /// The profile is not signed in to a work or school account.
    NotAWorkProfile,
    /// The profile (or sign-in) is not a personal Microsoft account.
    NotAPersonalAccount,
    /// The work profile is linked already.
    AlreadyLinked,
    /// The work profile is not linked.
    NotLinked,
    /// The link changed while a sign-in was under way.
    LinkChanged,
    /// Tandem's own state files cannot be read or written.
    StateUnavailable,
    /// The sign-in did not complete (cancelled, timed out, refused).
    SignInFailed,
    /// No system keyring, or it refused.
    KeyringUnavailable,
    /// Removing Tandem's data failed part-way.
    RemoveFailed,
    /// The person said no in the confirmation dialog; nothing was done.
    Declined,
    /// A file is in the way (an export target that exists, say).
    FileInTheWay,
    /// A bug in Tandem.
    Internal,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 19] = [
        ErrorCode::LocationsUnavailable,
        ErrorCode::ProfileMissing,
        ErrorCode::BrowserNotFound,
        ErrorCode::NotAWebLink,
        ErrorCode::LaunchFailed,
        ErrorCode::PolicyForbids,
        ErrorCode::PersonalDataRestricted,
        ErrorCode::NotAWorkProfile,
        ErrorCode::NotAPersonalAccount,
        ErrorCode::AlreadyLinked,
        ErrorCode::NotLinked,
        ErrorCode::LinkChanged,
        ErrorCode::StateUnavailable,
        ErrorCode::SignInFailed,
        ErrorCode::KeyringUnavailable,
        ErrorCode::RemoveFailed,
        ErrorCode::Declined,
        ErrorCode::FileInTheWay,
        ErrorCode::Internal,
    ];
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<&LocationError> for CommandError {
    fn from(error: &LocationError) -> Self {
        Self {
            code: ErrorCode::LocationsUnavailable,
            message: error.to_string(),
        }
    }
}

impl CommandError {
    fn new(code: ErrorCode, error: impl std::fmt::Display) -> Self {
        Self {
            code,
            message: error.to_string(),
        }
    }

    pub fn removing() -> Self {
        Self::new(
            ErrorCode::RemoveFailed,
            "Tandem is removing all its data and quitting",
        )
    }

    pub fn declined() -> Self {
        Self::new(ErrorCode::Declined, "nothing was done: you chose Cancel")
    }

    pub fn internal(detail: String) -> Self {
        Self::new(
            ErrorCode::Internal,
            format!(
                "something went wrong inside Tandem ({detail}); the log folder has the details"
            ),
        )
    }
}

impl From<LinkError> for CommandError {
    fn from(error: LinkError) -> Self {
        let code = match &error {
            LinkError::Store(_) => ErrorCode::StateUnavailable,
            LinkError::PolicyForbids(_) => ErrorCode::PolicyForbids,
            LinkError::Restricted => ErrorCode::PersonalDataRestricted,
            LinkError::NoSuchProfile(_) => ErrorCode::ProfileMissing,
            LinkError::NotAWorkProfile { .. } => ErrorCode::NotAWorkProfile,
            LinkError::NotAPersonalProfile { .. } => ErrorCode::NotAPersonalAccount,
            LinkError::AlreadyLinked(_) => ErrorCode::AlreadyLinked,
            LinkError::NotLinked(_) | LinkError::NothingLinked | LinkError::WhichLink(_) => {
                ErrorCode::NotLinked
            }
            LinkError::NoLongerPending(_) => ErrorCode::LinkChanged,
        };
        // The CLI's advice names CLI commands; the window has buttons instead.
        let message = match &error {
            LinkError::Restricted => {
                "processing of your personal data is paused; resume it under Privacy to link"
                    .to_owned()
            }
            LinkError::AlreadyLinked(work) => format!("{work} is already linked; unlink it first"),
            _ => error.to_string(),
        };
        Self { code, message }
    }
}

impl From<PrivacyError> for CommandError {
    fn from(error: PrivacyError) -> Self {
        match error {
            PrivacyError::Link(error) => error.into(),
            PrivacyError::Vault(error) => error.into(),
            PrivacyError::Encode(error) => Self::internal(error.to_string()),
            error @ PrivacyError::Export(_) => Self::new(ErrorCode::FileInTheWay, error),
            error @ PrivacyError::Logs(_) => Self::new(ErrorCode::StateUnavailable, error),
        }
    }
}

impl From<VaultError> for CommandError {
    fn from(error: VaultError) -> Self {
        Self::new(ErrorCode::KeyringUnavailable, error)
    }
}

impl From<ConfigError> for CommandError {
    fn from(error: ConfigError) -> Self {
        Self::new(ErrorCode::SignInFailed, error)
    }
}

impl From<SignInError> for CommandError {
    fn from(error: SignInError) -> Self {
        Self::new(ErrorCode::SignInFailed, error)
    }
}

impl From<PersonalSignInError> for CommandError {
    fn from(error: PersonalSignInError) -> Self {
        match error {
            PersonalSignInError::Config(error) => error.into(),
            PersonalSignInError::SignIn(error) => error.into(),
            PersonalSignInError::Vault(error) => error.into(),
            PersonalSignInError::NotPersonal => Self::new(ErrorCode::NotAPersonalAccount, error),
        }
    }
}

impl From<FootprintError> for CommandError {
    fn from(error: FootprintError) -> Self {
        Self::new(ErrorCode::RemoveFailed, error)
    }
}

impl From<LaunchError> for CommandError {
    fn from(error: LaunchError) -> Self {
        let code = match &error {
            LaunchError::ProfileMissing { .. } => ErrorCode::ProfileMissing,
            LaunchError::BrowserNotFound { .. } => ErrorCode::BrowserNotFound,
            LaunchError::NotAWebLink => ErrorCode::NotAWebLink,
            LaunchError::Spawn { .. } => ErrorCode::LaunchFailed,
        };
        Self {
            code,
            message: error.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed_once() {
        let codes: std::collections::BTreeSet<_> = ErrorCode::ALL
            .iter()
            .map(|code| serde_json::to_string(code).unwrap())
            .collect();
        assert_eq!(codes.len(), ErrorCode::ALL.len());
    }
}

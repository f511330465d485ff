//! The one error shape that crosses IPC: `{code, message}`. The UI branches on
//! `code` and shows `message`, which says what the person can do about it.

use serde::Serialize;
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
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 5] = [
        ErrorCode::LocationsUnavailable,
        ErrorCode::ProfileMissing,
        ErrorCode::BrowserNotFound,
        ErrorCode::NotAWebLink,
        ErrorCode::LaunchFailed,
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

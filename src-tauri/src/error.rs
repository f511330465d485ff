//! The one error shape that crosses IPC: `{code, message}`. The UI branches on
//! `code` and shows `message`, which says what the person can do about it.

use serde::Serialize;
use tandem_locations::LocationError;
use ts_rs::TS;

/// Stable, machine-readable reasons a command failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Tandem cannot work out where the user's files are.
    LocationsUnavailable,
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

//! What a failed token request means for the account, from the OAuth error
//! and Microsoft's AADSTS codes. Later issues act on `AccountGone`.

use serde::Deserialize;

/// The classes a token failure falls into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenFailure {
    /// The account no longer exists or is disabled (AADSTS50034, 50057).
    AccountGone { code: Option<u32> },
    /// The grant is no longer usable: the user must sign in again.
    SignInAgain { code: Option<u32> },
    /// The network or the service failed; worth retrying later.
    TemporarilyUnavailable { detail: String },
    /// Anything else, kept as the provider said it.
    Other { error: String },
}

const ACCOUNT_GONE: [u32; 2] = [50034, 50057];
const SIGN_IN_AGAIN: [u32; 4] = [50173, 700082, 70008, 65001];

/// An OAuth error response body, with Microsoft's extra fields.
#[derive(Debug, Default, Deserialize)]
pub struct ErrorResponse {
    #[serde(default)]
    pub error: String,
    #[serde(default)]
    pub error_codes: Vec<u32>,
    #[serde(default)]
    pub error_description: Option<String>,
}

impl ErrorResponse {
    /// The AADSTS codes: from `error_codes`, or from the description's
    /// "AADSTS50034:" prefix when only that is given.
    fn codes(&self) -> Vec<u32> {
        if !self.error_codes.is_empty() {
            return self.error_codes.clone();
        }
        self.error_description
            .as_deref()
            .and_then(|text| text.strip_prefix("AADSTS"))
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|digits| digits.parse().ok())
            .into_iter()
            .collect()
    }
}

/// Classifies a token endpoint's answer by HTTP status and body.
pub fn classify(status: u16, body: &str) -> TokenFailure {
    if status >= 500 {
        return TokenFailure::TemporarilyUnavailable {
            detail: format!("the sign-in service answered {status}"),
        };
    }
    let response: ErrorResponse = serde_json::from_str(body).unwrap_or_default();
    let codes = response.codes();
    if let Some(code) = codes
        .iter()
        .copied()
        .find(|code| ACCOUNT_GONE.contains(code))
    {
        return TokenFailure::AccountGone { code: Some(code) };
    }
    if let Some(code) = codes
        .iter()
        .copied()
        .find(|code| SIGN_IN_AGAIN.contains(code))
    {
        return TokenFailure::SignInAgain { code: Some(code) };
    }
    match response.error.as_str() {
        "invalid_grant" | "interaction_required" => TokenFailure::SignInAgain {
            code: codes.first().copied(),
        },
        "temporarily_unavailable" | "server_error" => TokenFailure::TemporarilyUnavailable {
            detail: response.error.clone(),
        },
        "" => TokenFailure::Other {
            error: format!("unexpected answer ({status})"),
        },
        other => TokenFailure::Other {
            error: other.to_owned(),
        },
    }
}

/// How long to wait before retry `attempt` (0-based) of a temporary failure:
/// exponential from 1 s, capped at 60 s.
pub fn retry_delay(attempt: u32) -> std::time::Duration {
    std::time::Duration::from_secs(1u64 << attempt.min(6)).min(std::time::Duration::from_secs(60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deleted_and_disabled_accounts_are_gone() {
        let deleted = r#"{"error":"invalid_grant","error_codes":[50034],"error_description":"AADSTS50034: The user account does not exist"}"#;
        assert_eq!(
            classify(400, deleted),
            TokenFailure::AccountGone { code: Some(50034) }
        );
        let disabled = r#"{"error":"invalid_grant","error_description":"AADSTS50057: User account is disabled."}"#;
        assert_eq!(
            classify(400, disabled),
            TokenFailure::AccountGone { code: Some(50057) }
        );
    }

    #[test]
    fn revoked_or_expired_grants_need_a_new_sign_in() {
        for code in SIGN_IN_AGAIN {
            let body = format!(r#"{{"error":"invalid_grant","error_codes":[{code}]}}"#);
            assert_eq!(
                classify(400, &body),
                TokenFailure::SignInAgain { code: Some(code) }
            );
        }
        assert_eq!(
            classify(400, r#"{"error":"interaction_required"}"#),
            TokenFailure::SignInAgain { code: None }
        );
        assert_eq!(
            classify(400, r#"{"error":"invalid_grant"}"#),
            TokenFailure::SignInAgain { code: None }
        );
    }

    #[test]
    fn server_trouble_is_temporary() {
        assert!(matches!(
            classify(503, "<html>"),
            TokenFailure::TemporarilyUnavailable { .. }
        ));
        assert!(matches!(
            classify(400, r#"{"error":"temporarily_unavailable"}"#),
            TokenFailure::TemporarilyUnavailable { .. }
        ));
    }

    #[test]
    fn anything_else_is_kept() {
        assert_eq!(
            classify(401, r#"{"error":"invalid_client"}"#),
            TokenFailure::Other {
                error: "invalid_client".into()
            }
        );
        assert!(matches!(
            classify(400, "not json"),
            TokenFailure::Other { .. }
        ));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(retry_delay(0).as_secs(), 1);
        assert_eq!(retry_delay(3).as_secs(), 8);
        assert_eq!(retry_delay(30).as_secs(), 60);
    }
}

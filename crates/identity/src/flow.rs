//! The sign-in flows of a public desktop client (RFC 8252): authorization
//! code with PKCE (S256) through the system browser and a loopback redirect,
//! the device code flow where no browser can be opened, and token refresh.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use oauth2::basic::BasicClient;
use oauth2::{AuthUrl, ClientId, CsrfToken, PkceCodeChallenge, RedirectUrl, Scope, TokenUrl};
use serde::Deserialize;

use crate::account::{Account, MicrosoftAccountKind};
use crate::config::{IdentitySettings, SCOPES};
use crate::loopback::{ListenError, Listener, Outcome};
use crate::oidc::{IdTokenError, ProviderMetadata, validate_id_token};
use crate::refresh::{TokenFailure, classify, retry_delay};
use crate::secret::Secret;
use crate::vault::TokenSet;

/// The longest pause between two polls of a device code sign-in, whatever
/// the provider asks for.
const MAX_POLL_SECS: u64 = 60;

/// The path the loopback redirect arrives on: the redirect URI has none.
const CALLBACK_PATH: &str = "/";

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("cannot reach the sign-in service at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the sign-in service at {url} answered something Tandem cannot read: {reason}")]
    BadAnswer { url: String, reason: String },
    #[error(
        "cannot open a browser for the sign-in ({0}). Set $BROWSER, or use the device code sign-in"
    )]
    Browser(String),
    #[error(transparent)]
    Listen(#[from] ListenError),
    #[error(
        "the browser's answer did not belong to this sign-in (state mismatch); nothing was stored"
    )]
    StateMismatch,
    #[error("the sign-in was declined{}", .0.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Denied(Option<String>),
    #[error("the sign-in service refused: {error}{}", .description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Refused {
        error: String,
        description: Option<String>,
    },
    #[error("the sign-in failed: {0:?}")]
    Token(TokenFailure),
    #[error(transparent)]
    IdToken(#[from] IdTokenError),
    #[error(
        "you signed in with a {} account, but Tandem asked for a {} one; nothing was stored",
        got.as_str(),
        wanted.as_str()
    )]
    WrongKind {
        wanted: MicrosoftAccountKind,
        got: MicrosoftAccountKind,
    },
    #[error("the device code expired before the sign-in was finished")]
    DeviceCodeExpired,
    #[error("the sign-in service does not offer the device code sign-in")]
    NoDeviceFlow,
}

/// A finished sign-in.
#[derive(Debug)]
pub struct SignedIn {
    pub account: Account,
    pub tokens: TokenSet,
    /// When the redirect reached the loopback listener (browser flow only).
    pub redirect_received: Option<Instant>,
}

/// Talks to one OpenID Connect provider.
#[derive(Debug, Clone)]
pub struct Provider {
    client_id: String,
    metadata: ProviderMetadata,
    agent: ureq::Agent,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    id_token: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
}

#[derive(Deserialize)]
struct DeviceAuthorization {
    device_code: String,
    user_code: String,
    verification_uri: String,
    #[serde(default)]
    verification_uri_complete: Option<String>,
    expires_in: u64,
    #[serde(default)]
    interval: Option<u64>,
}

/// What to show the user during a device code sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevicePrompt {
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
}

impl Provider {
    /// Reads the provider's discovery document for `kind`'s issuer.
    pub fn discover(
        settings: &IdentitySettings,
        kind: MicrosoftAccountKind,
    ) -> Result<Self, SignInError> {
        let agent = ureq::AgentBuilder::new()
            // No request waits longer: a provider that never answers is
            // given up on, and the command says so.
            .timeout_connect(Duration::from_secs(10))
            .timeout(Duration::from_secs(15))
            .redirects(0)
            .build();
        let issuer = settings.issuer(kind);
        let url = format!("{issuer}/.well-known/openid-configuration");
        let metadata: ProviderMetadata = get_json(&agent, &url)?;
        Ok(Self {
            client_id: settings.client_id.clone(),
            metadata,
            agent,
        })
    }

    pub fn metadata(&self) -> &ProviderMetadata {
        &self.metadata
    }

    /// Signs in through the system browser: `open` is given the authorization
    /// URL, and the code comes back on a loopback redirect.
    pub fn sign_in_with_browser(
        &self,
        kind: MicrosoftAccountKind,
        open: impl FnOnce(&str) -> Result<(), String>,
        timeout: Duration,
        cancel: &Arc<AtomicBool>,
    ) -> Result<SignedIn, SignInError> {
        let listener = Listener::bind()?;
        let redirect_uri = listener.redirect_uri();
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let nonce = CsrfToken::new_random();
        let client = BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_auth_uri(self.url(AuthUrl::new(self.metadata.authorization_endpoint.clone()))?)
            .set_token_uri(self.url(TokenUrl::new(self.metadata.token_endpoint.clone()))?)
            .set_redirect_uri(self.url(RedirectUrl::new(redirect_uri.clone()))?);
        let mut request = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(SCOPES.iter().map(|scope| Scope::new((*scope).to_owned())))
            .set_pkce_challenge(challenge)
            .add_extra_param("nonce", nonce.secret());
        // Microsoft lets the user pick which of their accounts to use; other
        // providers may not know this prompt and refuse the request.
        if self.is_microsoft() {
            request = request.add_extra_param("prompt", "select_account");
        }
        let (auth_url, state) = request.url();
        tracing::debug!(url = %auth_url, "opening the browser for sign-in");
        open(auth_url.as_str()).map_err(SignInError::Browser)?;

        let expected_state = state.secret().clone();
        let redirect = listener.wait(CALLBACK_PATH, timeout, cancel, |redirect| {
            if redirect.get("state") == Some(expected_state.as_str())
                && redirect.get("code").is_some()
            {
                Outcome::SignedIn
            } else {
                Outcome::Failed
            }
        })?;
        if redirect.get("state") != Some(expected_state.as_str()) {
            return Err(SignInError::StateMismatch);
        }
        if let Some(error) = redirect.get("error") {
            let description = redirect.get("error_description").map(str::to_owned);
            return Err(if error == "access_denied" {
                SignInError::Denied(description)
            } else {
                SignInError::Refused {
                    error: error.to_owned(),
                    description,
                }
            });
        }
        let code = redirect.get("code").ok_or_else(|| SignInError::BadAnswer {
            url: redirect_uri.clone(),
            reason: "the redirect carries no code".into(),
        })?;
        let tokens = self.token_request(&[
            ("grant_type", "authorization_code"),
            ("client_id", &self.client_id),
            ("code", code),
            ("redirect_uri", &redirect_uri),
            ("code_verifier", verifier.secret()),
        ])?;
        let mut signed_in = self.finish(kind, tokens, Some(nonce.secret()))?;
        signed_in.redirect_received = Some(redirect.received_at);
        Ok(signed_in)
    }

    /// Signs in with a code the user enters on another device. `prompt` is
    /// called once with what to show; polling stops at the code's expiry,
    /// after `timeout`, or on `cancel`, whichever comes first, whatever the
    /// provider says its expiry and polling interval are.
    pub fn sign_in_with_device_code(
        &self,
        kind: MicrosoftAccountKind,
        prompt: impl FnOnce(&DevicePrompt),
        timeout: Duration,
        cancel: &Arc<AtomicBool>,
    ) -> Result<SignedIn, SignInError> {
        let endpoint = self
            .metadata
            .device_authorization_endpoint
            .clone()
            .ok_or(SignInError::NoDeviceFlow)?;
        let scope = SCOPES.join(" ");
        let response = self
            .agent
            .post(&endpoint)
            .send_form(&[("client_id", self.client_id.as_str()), ("scope", &scope)]);
        let device: DeviceAuthorization = read_json(&endpoint, response)?;
        prompt(&DevicePrompt {
            user_code: device.user_code.clone(),
            verification_uri: device.verification_uri.clone(),
            verification_uri_complete: device.verification_uri_complete.clone(),
        });
        let device_code = Secret::new(device.device_code);
        let started = Instant::now();
        let deadline = started + Duration::from_secs(device.expires_in).min(timeout);
        let mut interval =
            Duration::from_secs(device.interval.unwrap_or(5).clamp(1, MAX_POLL_SECS));
        loop {
            // Sleep in short steps: a cancel or the deadline is noticed at once.
            let wake = Instant::now() + interval;
            loop {
                if cancel.load(std::sync::atomic::Ordering::Relaxed) {
                    return Err(ListenError::Cancelled.into());
                }
                let now = Instant::now();
                if now >= deadline {
                    return Err(SignInError::DeviceCodeExpired);
                }
                if now >= wake {
                    break;
                }
                std::thread::sleep((wake - now).min(Duration::from_millis(200)));
            }
            let answer = self.agent.post(&self.metadata.token_endpoint).send_form(&[
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("client_id", &self.client_id),
                ("device_code", device_code.expose()),
            ]);
            match answer {
                Ok(response) => {
                    let tokens: TokenResponse =
                        read_json(&self.metadata.token_endpoint, Ok(response))?;
                    // Device flow ID tokens carry no nonce: none was sent.
                    return self.finish(kind, tokens, None);
                }
                Err(ureq::Error::Status(_, response)) => {
                    let body = response.into_string().unwrap_or_default();
                    let error: crate::refresh::ErrorResponse =
                        serde_json::from_str(&body).unwrap_or_default();
                    match error.error.as_str() {
                        "authorization_pending" => {}
                        "slow_down" => {
                            interval = (interval + Duration::from_secs(5))
                                .min(Duration::from_secs(MAX_POLL_SECS));
                        }
                        "expired_token" => return Err(SignInError::DeviceCodeExpired),
                        "access_denied" | "authorization_declined" => {
                            return Err(SignInError::Denied(error.error_description));
                        }
                        _ => {
                            return Err(SignInError::Refused {
                                error: error.error,
                                description: error.error_description,
                            });
                        }
                    }
                }
                Err(error) => {
                    return Err(SignInError::Unreachable {
                        url: self.metadata.token_endpoint.clone(),
                        reason: error.to_string(),
                    });
                }
            }
        }
    }

    /// Exchanges a refresh token for new tokens. Temporary failures are
    /// retried with backoff (up to `attempts` tries); the rest are classified.
    pub fn refresh(&self, refresh_token: &Secret, attempts: u32) -> Result<TokenSet, TokenFailure> {
        let scope = SCOPES.join(" ");
        let mut form = vec![
            ("grant_type", "refresh_token"),
            ("client_id", self.client_id.as_str()),
            ("refresh_token", refresh_token.expose()),
        ];
        // Microsoft's v2 endpoint wants the scopes again; for others an
        // omitted scope means "as originally granted" (RFC 6749 §6).
        if self.is_microsoft() {
            form.push(("scope", &scope));
        }
        let mut attempt = 0;
        loop {
            let answer = self
                .agent
                .post(&self.metadata.token_endpoint)
                .send_form(&form);
            let failure = match answer {
                Ok(response) => match response.into_json::<TokenResponse>() {
                    Ok(tokens) => {
                        let mut set = token_set(tokens);
                        // Some providers do not rotate refresh tokens: keep the old one.
                        if set.refresh_token.is_none() {
                            set.refresh_token = Some(refresh_token.clone());
                        }
                        return Ok(set);
                    }
                    Err(error) => TokenFailure::Other {
                        error: format!("unreadable token answer: {error}"),
                    },
                },
                Err(ureq::Error::Status(status, response)) => {
                    classify(status, &response.into_string().unwrap_or_default())
                }
                Err(error) => TokenFailure::TemporarilyUnavailable {
                    detail: error.to_string(),
                },
            };
            attempt += 1;
            match failure {
                TokenFailure::TemporarilyUnavailable { .. } if attempt < attempts => {
                    tracing::info!(attempt, "token refresh failed for now; retrying");
                    std::thread::sleep(retry_delay(attempt - 1));
                }
                failure => return Err(failure),
            }
        }
    }

    /// The provider's signing keys.
    pub fn keys(&self) -> Result<JwkSet, SignInError> {
        get_json(&self.agent, &self.metadata.jwks_uri)
    }

    /// Validates `id_token` as an answer to the sign-in that sent `nonce`
    /// (`None` for the device code flow, which sends none).
    pub fn validate(&self, id_token: &Secret, nonce: Option<&str>) -> Result<Account, SignInError> {
        let keys = self.keys()?;
        Ok(validate_id_token(
            id_token.expose(),
            &keys,
            &self.metadata.issuer,
            &self.client_id,
            nonce,
            jiff::Timestamp::now(),
        )?
        .account)
    }

    fn token_request(&self, form: &[(&str, &str)]) -> Result<TokenResponse, SignInError> {
        match self
            .agent
            .post(&self.metadata.token_endpoint)
            .send_form(form)
        {
            Ok(response) => read_json(&self.metadata.token_endpoint, Ok(response)),
            Err(ureq::Error::Status(status, response)) => Err(SignInError::Token(classify(
                status,
                &response.into_string().unwrap_or_default(),
            ))),
            Err(error) => Err(SignInError::Unreachable {
                url: self.metadata.token_endpoint.clone(),
                reason: error.to_string(),
            }),
        }
    }

    /// Validates the ID token (against `nonce` when the flow sent one) and
    /// checks the account is of the kind asked for.
    fn finish(
        &self,
        kind: MicrosoftAccountKind,
        tokens: TokenResponse,
        nonce: Option<&str>,
    ) -> Result<SignedIn, SignInError> {
        let tokens = token_set(tokens);
        let id_token = tokens
            .id_token
            .as_ref()
            .ok_or(IdTokenError::MissingClaim("id_token"))?;
        let account = self.validate(id_token, nonce)?;
        check_kind(kind, &account)?;
        Ok(SignedIn {
            account,
            tokens,
            redirect_received: None,
        })
    }

    fn is_microsoft(&self) -> bool {
        self.metadata
            .issuer
            .starts_with("https://login.microsoftonline.com/")
    }

    fn url<T>(&self, parsed: Result<T, oauth2::url::ParseError>) -> Result<T, SignInError> {
        parsed.map_err(|error| SignInError::BadAnswer {
            url: self.metadata.issuer.clone(),
            reason: format!("an endpoint is not a URL: {error}"),
        })
    }
}

fn check_kind(wanted: MicrosoftAccountKind, account: &Account) -> Result<(), SignInError> {
    if account.kind == wanted {
        Ok(())
    } else {
        Err(SignInError::WrongKind {
            wanted,
            got: account.kind,
        })
    }
}

fn token_set(tokens: TokenResponse) -> TokenSet {
    TokenSet {
        access_token: Secret::new(tokens.access_token),
        refresh_token: tokens.refresh_token.map(Secret::new),
        id_token: tokens.id_token.map(Secret::new),
        expires_at: tokens.expires_in.and_then(|seconds| {
            jiff::Timestamp::now()
                .checked_add(jiff::SignedDuration::from_secs(
                    i64::try_from(seconds).ok()?,
                ))
                .ok()
        }),
    }
}

fn get_json<T: serde::de::DeserializeOwned>(
    agent: &ureq::Agent,
    url: &str,
) -> Result<T, SignInError> {
    read_json(url, agent.get(url).call())
}

fn read_json<T: serde::de::DeserializeOwned>(
    url: &str,
    answer: Result<ureq::Response, ureq::Error>,
) -> Result<T, SignInError> {
    match answer {
        Ok(response) => response
            .into_json()
            .map_err(|error| SignInError::BadAnswer {
                url: url.to_owned(),
                reason: error.to_string(),
            }),
        Err(ureq::Error::Status(status, response)) => {
            let body = response.into_string().unwrap_or_default();
            let error: crate::refresh::ErrorResponse =
                serde_json::from_str(&body).unwrap_or_default();
            Err(SignInError::BadAnswer {
                url: url.to_owned(),
                reason: if error.error.is_empty() {
                    format!("HTTP {status}")
                } else {
                    format!("HTTP {status}: {}", error.error)
                },
            })
        }
        Err(error) => Err(SignInError::Unreachable {
            url: url.to_owned(),
            reason: error.to_string(),
        }),
    }
}

/// Opens `url` in the user's browser: each command of `$BROWSER` (a
/// `:`-separated list, `%s` standing for the URL) in turn, else the desktop's
/// opener.
pub fn open_in_browser(url: &str) -> Result<(), String> {
    let browsers = std::env::var("BROWSER").unwrap_or_default();
    let mut candidates: Vec<Vec<String>> = browsers
        .split(':')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let mut words: Vec<String> = entry.split_whitespace().map(str::to_owned).collect();
            if words.iter().any(|word| word.contains("%s")) {
                for word in &mut words {
                    *word = word.replace("%s", url);
                }
            } else {
                words.push(url.to_owned());
            }
            words
        })
        .collect();
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    candidates.push(vec![opener.to_owned(), url.to_owned()]);
    let mut failures = Vec::new();
    for words in candidates {
        let Some((program, args)) = words.split_first() else {
            continue;
        };
        match tandem_locations::as_the_person(&mut std::process::Command::new(program))
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .spawn()
        {
            Ok(mut child) => {
                // Reap the opener when it exits, without waiting for it here.
                std::thread::spawn(move || child.wait());
                return Ok(());
            }
            Err(error) => failures.push(format!("{program}: {error}")),
        }
    }
    Err(failures.join("; "))
}

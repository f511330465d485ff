//! Sign-in against a real OpenID Connect provider (panva's oidc-provider,
//! started on 127.0.0.1 by this harness), with a script standing in for the
//! browser that logs in through the provider's own forms.

// A test that cannot start its provider should stop right there.
#![allow(clippy::unwrap_used)]

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use tandem_identity::oidc::{IdTokenError, validate_id_token};
use tandem_identity::refresh::TokenFailure;
use tandem_identity::{CONSUMER_TENANT_ID, MicrosoftAccountKind, SignInError};

use tandem_testkit::provider::{OidcProvider, support_dir};

/// The stand-in browser: logs in as `user`, delivering the redirect as `mode` says.
fn browser(user: &'static str, mode: &'static str) -> impl FnOnce(&str) -> Result<(), String> {
    move |url: &str| {
        Command::new("node")
            .arg(support_dir().join("browser-login.mjs"))
            .arg(url)
            .env("TANDEM_TEST_USER", user)
            .env("TANDEM_TEST_BROWSER_MODE", mode)
            .stdout(Stdio::null())
            .spawn()
            .map(|mut child| {
                std::thread::spawn(move || child.wait());
            })
            .map_err(|error| error.to_string())
    }
}

fn no_cancel() -> Arc<AtomicBool> {
    Arc::new(AtomicBool::new(false))
}

const TIMEOUT: Duration = Duration::from_secs(30);

#[test]
fn a_full_sign_in_then_a_refresh() {
    let op = OidcProvider::start();
    let provider = op.provider(MicrosoftAccountKind::Personal);
    let signed_in = provider
        .sign_in_with_browser(
            MicrosoftAccountKind::Personal,
            browser("alice", "normal"),
            TIMEOUT,
            &no_cancel(),
        )
        .unwrap();
    let account = &signed_in.account;
    assert_eq!(account.kind, MicrosoftAccountKind::Personal);
    assert_eq!(account.tenant_id, CONSUMER_TENANT_ID);
    assert_eq!(account.object_id, "00000000-0000-0000-0000-00000000a11c");
    assert_eq!(account.username.as_deref(), Some("alice@outlook.test"));
    assert_eq!(account.name.as_deref(), Some("Alice Personal"));
    assert!(signed_in.redirect_received.is_some());
    let refresh_token = signed_in
        .tokens
        .refresh_token
        .clone()
        .expect("offline_access gives a refresh token");

    let renewed = provider.refresh(&refresh_token, 1).unwrap();
    assert_ne!(renewed.access_token, signed_in.tokens.access_token);
}

/// The redirect URI the README tells people to register.
fn registered_redirect_uri() -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let (_, after) = readme
        .split_once("with\nthe redirect URI `")
        .or_else(|| readme.split_once("with the redirect URI `"))
        .expect("the README documents the redirect URI to register");
    after.split('`').next().unwrap().to_owned()
}

fn sent_redirect_uri(authorization_url: &str) -> String {
    let url = oauth2::url::Url::parse(authorization_url).unwrap();
    url.query_pairs()
        .find(|(key, _)| key == "redirect_uri")
        .map(|(_, value)| value.into_owned())
        .unwrap()
}

#[test]
fn the_redirect_uri_sent_matches_the_registration_the_readme_documents() {
    let registered = registered_redirect_uri();
    assert_eq!(registered, "http://localhost");
    let op = OidcProvider::start_with(&[&registered]);
    let provider = op.provider(MicrosoftAccountKind::Personal);
    let sent = Arc::new(std::sync::Mutex::new(String::new()));
    let seen = sent.clone();
    let open = move |url: &str| {
        *seen.lock().unwrap() = url.to_owned();
        browser("alice", "normal")(url)
    };
    provider
        .sign_in_with_browser(MicrosoftAccountKind::Personal, open, TIMEOUT, &no_cancel())
        .expect("a provider matching as Microsoft does accepts the redirect");
    let redirect_uri = sent_redirect_uri(&sent.lock().unwrap());
    // Exactly `http://localhost:<port>`: Microsoft ignores only the port of
    // a loopback redirect URI, never its host or its path.
    let port = redirect_uri
        .strip_prefix(&format!("{registered}:"))
        .unwrap_or_else(|| panic!("{redirect_uri} is not {registered} with a port"));
    assert!(port.parse::<u16>().is_ok(), "{redirect_uri}");

    // The URI sent before this was fixed fails against that registration.
    let op = OidcProvider::start_with(&["http://127.0.0.1/callback"]);
    let error = op
        .provider(MicrosoftAccountKind::Personal)
        .sign_in_with_browser(
            MicrosoftAccountKind::Personal,
            browser("alice", "normal"),
            Duration::from_secs(3),
            &no_cancel(),
        )
        .unwrap_err();
    assert!(matches!(error, SignInError::Listen(_)), "{error}");
}

#[test]
fn a_work_account_signs_in_as_work() {
    let op = OidcProvider::start();
    let signed_in = op
        .provider(MicrosoftAccountKind::Work)
        .sign_in_with_browser(
            MicrosoftAccountKind::Work,
            browser("bob", "normal"),
            TIMEOUT,
            &no_cancel(),
        )
        .unwrap();
    assert_eq!(signed_in.account.kind, MicrosoftAccountKind::Work);
    assert_eq!(
        signed_in.account.tenant_id,
        "72f988bf-86f1-41af-91ab-2d7cd011db47"
    );
}

#[test]
fn the_wrong_kind_of_account_is_refused() {
    let op = OidcProvider::start();
    let error = op
        .provider(MicrosoftAccountKind::Personal)
        .sign_in_with_browser(
            MicrosoftAccountKind::Personal,
            browser("bob", "normal"),
            TIMEOUT,
            &no_cancel(),
        )
        .unwrap_err();
    assert!(
        matches!(
            error,
            SignInError::WrongKind {
                wanted: MicrosoftAccountKind::Personal,
                got: MicrosoftAccountKind::Work
            }
        ),
        "{error}"
    );
}

#[test]
fn a_forged_state_is_rejected() {
    let op = OidcProvider::start();
    let error = op
        .provider(MicrosoftAccountKind::Personal)
        .sign_in_with_browser(
            MicrosoftAccountKind::Personal,
            browser("alice", "wrong-state"),
            TIMEOUT,
            &no_cancel(),
        )
        .unwrap_err();
    assert!(matches!(error, SignInError::StateMismatch), "{error}");
}

#[test]
fn a_declined_sign_in_says_so() {
    let op = OidcProvider::start();
    let error = op
        .provider(MicrosoftAccountKind::Personal)
        .sign_in_with_browser(
            MicrosoftAccountKind::Personal,
            browser("alice", "deny"),
            TIMEOUT,
            &no_cancel(),
        )
        .unwrap_err();
    assert!(matches!(error, SignInError::Denied(_)), "{error}");
    assert!(error.to_string().contains("declined"), "{error}");
}

#[test]
fn an_abandoned_sign_in_times_out() {
    let op = OidcProvider::start();
    let error = op
        .provider(MicrosoftAccountKind::Personal)
        .sign_in_with_browser(
            MicrosoftAccountKind::Personal,
            browser("alice", "ignore"),
            Duration::from_secs(2),
            &no_cancel(),
        )
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("not finished in the browser within 2 seconds"),
        "{error}"
    );
}

#[test]
fn id_tokens_are_checked() {
    let op = OidcProvider::start();
    let provider = op.provider(MicrosoftAccountKind::Personal);
    let signed_in = provider
        .sign_in_with_browser(
            MicrosoftAccountKind::Personal,
            browser("alice", "normal"),
            TIMEOUT,
            &no_cancel(),
        )
        .unwrap();
    let token = signed_in.tokens.id_token.unwrap();
    let token = token.expose();
    let keys = provider.keys().unwrap();
    let issuer = &provider.metadata().issuer;
    let claims: serde_json::Value = {
        use base64_payload::decode;
        decode(token)
    };
    let nonce = claims["nonce"].as_str().unwrap();
    let exp = claims["exp"].as_u64().unwrap();
    let at = |seconds: u64| jiff::Timestamp::from_second(seconds as i64).unwrap();
    let check = |token: &str, client: &str, nonce: &str, now: u64| {
        validate_id_token(token, &keys, issuer, client, Some(nonce), at(now))
    };

    assert!(check(token, "tandem-test", nonce, exp - 10).is_ok());

    // A bad signature: one character in the middle of the signature changed.
    let mut forged: Vec<char> = token.chars().collect();
    let index = forged.len() - 20;
    forged[index] = if forged[index] == 'A' { 'B' } else { 'A' };
    let forged: String = forged.into_iter().collect();
    assert_eq!(
        check(&forged, "tandem-test", nonce, exp - 10),
        Err(IdTokenError::BadSignature)
    );

    assert_eq!(
        check(token, "another-app", nonce, exp - 10),
        Err(IdTokenError::WrongAudience)
    );
    assert_eq!(
        check(token, "tandem-test", nonce, exp + 3600),
        Err(IdTokenError::Expired)
    );
    assert_eq!(
        check(token, "tandem-test", "other-nonce", exp - 10),
        Err(IdTokenError::NonceMismatch)
    );
    assert!(matches!(
        validate_id_token(
            token,
            &keys,
            "http://127.0.0.1:1/elsewhere",
            "tandem-test",
            Some(nonce),
            at(exp - 10)
        ),
        Err(IdTokenError::WrongIssuer { .. })
    ));
}

#[test]
fn a_deleted_user_is_an_account_gone() {
    let op = OidcProvider::start();
    let provider = op.provider(MicrosoftAccountKind::Personal);
    let signed_in = provider
        .sign_in_with_browser(
            MicrosoftAccountKind::Personal,
            browser("alice", "normal"),
            TIMEOUT,
            &no_cancel(),
        )
        .unwrap();
    op.delete_user("alice");
    let failure = provider
        .refresh(signed_in.tokens.refresh_token.as_ref().unwrap(), 3)
        .unwrap_err();
    assert_eq!(failure, TokenFailure::AccountGone { code: Some(50034) });
}

#[test]
fn the_device_code_flow() {
    let op = OidcProvider::start();
    let provider = op.provider(MicrosoftAccountKind::Work);
    let signed_in = provider
        .sign_in_with_device_code(
            MicrosoftAccountKind::Work,
            |prompt| {
                assert!(!prompt.user_code.is_empty());
                // The user opens the address on their phone and types the code.
                let mut phone = Command::new("node")
                    .arg(support_dir().join("browser-login.mjs"))
                    .arg(&prompt.verification_uri)
                    .env("TANDEM_TEST_USER", "bob")
                    .env("TANDEM_TEST_USER_CODE", &prompt.user_code)
                    .stdout(Stdio::null())
                    .spawn()
                    .unwrap();
                std::thread::spawn(move || phone.wait());
            },
            TIMEOUT,
            &no_cancel(),
        )
        .unwrap();
    assert_eq!(signed_in.account.kind, MicrosoftAccountKind::Work);
    assert_eq!(
        signed_in.account.username.as_deref(),
        Some("bob@contoso.test")
    );
    assert!(signed_in.tokens.refresh_token.is_some());
}

/// Reads a JWT's payload without checking it, to learn its nonce and expiry.
mod base64_payload {
    pub fn decode(token: &str) -> serde_json::Value {
        let payload = token.split('.').nth(1).unwrap();
        let mut bits = 0u32;
        let mut count = 0;
        let mut bytes = Vec::new();
        for c in payload.bytes() {
            let value = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'-' => 62,
                b'_' => 63,
                _ => continue,
            };
            bits = (bits << 6) | u32::from(value);
            count += 6;
            if count >= 8 {
                count -= 8;
                bytes.push((bits >> count) as u8);
                bits &= (1 << count) - 1;
            }
        }
        serde_json::from_slice(&bytes).unwrap()
    }
}

/// A provider that answers every request with the same canned documents,
/// as a hostile or broken one could: one thread, one answer a connection.
fn canned_provider(device: &'static str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let discovery = serde_json::json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "jwks_uri": format!("{base}/jwks"),
        "device_authorization_endpoint": format!("{base}/device"),
    })
    .to_string();
    std::thread::spawn(move || {
        use std::io::{BufRead, BufReader, Write};
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            reader.read_line(&mut request).unwrap_or_default();
            let mut length = 0;
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) <= 2 {
                    break;
                }
                if let Some(value) = header.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = std::io::Read::read_exact(&mut reader, &mut body);
            let (status, answer) = if request.contains("/.well-known/") {
                ("200 OK", discovery.clone())
            } else if request.contains("/device") {
                ("200 OK", device.to_owned())
            } else {
                (
                    "400 Bad Request",
                    r#"{"error":"authorization_pending"}"#.to_owned(),
                )
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    base
}

#[test]
fn a_device_code_sign_in_ends_within_its_timeout_whatever_the_provider_says() {
    for device in [
        // An expiry that would overflow the clock, then an interval of ages.
        r#"{"device_code":"d","user_code":"U","verification_uri":"http://x","expires_in":18446744073709551615,"interval":1}"#,
        r#"{"device_code":"d","user_code":"U","verification_uri":"http://x","expires_in":600,"interval":1000000000000000}"#,
    ] {
        let base = canned_provider(device);
        let settings = tandem_identity::IdentitySettings {
            client_id: "tandem-test".into(),
            authority: Some(base),
        };
        let provider =
            tandem_identity::flow::Provider::discover(&settings, MicrosoftAccountKind::Work)
                .unwrap();
        let started = std::time::Instant::now();
        let error = provider
            .sign_in_with_device_code(
                MicrosoftAccountKind::Work,
                |_| {},
                Duration::from_secs(2),
                &no_cancel(),
            )
            .unwrap_err();
        assert!(matches!(error, SignInError::DeviceCodeExpired), "{error}");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
    }
}

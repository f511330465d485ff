//! The one-shot loopback listener that receives the authorization redirect
//! (RFC 8252 §7.3): bound to the loopback address on an ephemeral port, it
//! answers the browser with a small page in the user's language and hands
//! back the query.
//!
//! The redirect URI names `localhost` (Microsoft's identity platform matches
//! a loopback redirect's host and path exactly and ignores only its port),
//! and a browser may resolve `localhost` to `::1` before `127.0.0.1`, so the
//! listener takes the same port on both where the machine has IPv6.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What the browser brought back on the redirect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub params: Vec<(String, String)>,
    /// When the redirect reached the listener.
    pub received_at: Instant,
}

impl Redirect {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    #[error("cannot listen on 127.0.0.1 for the sign-in redirect: {0}")]
    Bind(std::io::Error),
    #[error("the sign-in was not finished in the browser within {0} seconds")]
    Timeout(u64),
    #[error("the sign-in was cancelled")]
    Cancelled,
}

#[derive(Debug)]
pub struct Listener {
    listeners: Vec<TcpListener>,
    port: u16,
}

/// How the page tells the user they may close the tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    SignedIn,
    Failed,
}

impl Listener {
    pub fn bind() -> Result<Self, ListenError> {
        let mut last_error = None;
        // The port 127.0.0.1 got may be taken on ::1; a few tries find a free pair.
        for _ in 0..8 {
            let v4 = TcpListener::bind(("127.0.0.1", 0)).map_err(ListenError::Bind)?;
            let port = v4.local_addr().map_err(ListenError::Bind)?.port();
            let mut listeners = vec![v4];
            match TcpListener::bind(("::1", port)) {
                Ok(v6) => listeners.push(v6),
                Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => {
                    last_error = Some(error);
                    continue;
                }
                // No IPv6 on this machine: browsers then resolve localhost to 127.0.0.1.
                Err(error) => tracing::debug!("no IPv6 loopback listener: {error}"),
            }
            for listener in &listeners {
                listener.set_nonblocking(true).map_err(ListenError::Bind)?;
            }
            return Ok(Self { listeners, port });
        }
        Err(ListenError::Bind(
            last_error.unwrap_or_else(|| std::io::ErrorKind::AddrInUse.into()),
        ))
    }

    /// The redirect URI to register this listener under, exactly as it is
    /// sent: `http://localhost:<port>`, with no path, as Microsoft's own
    /// libraries send it for a desktop app registered with `http://localhost`.
    pub fn redirect_uri(&self) -> String {
        format!("http://localhost:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Waits for a request on `path`, until `timeout` or `cancel`. Requests
    /// for other paths (a favicon) get a 404 and the wait goes on. `respond`
    /// decides, from the redirect, which page the browser is shown.
    pub fn wait(
        &self,
        path: &str,
        timeout: Duration,
        cancel: &Arc<AtomicBool>,
        respond: impl Fn(&Redirect) -> Outcome,
    ) -> Result<Redirect, ListenError> {
        let deadline = Instant::now() + timeout;
        loop {
            if cancel.load(Ordering::Relaxed) {
                return Err(ListenError::Cancelled);
            }
            if Instant::now() >= deadline {
                return Err(ListenError::Timeout(timeout.as_secs()));
            }
            let mut idle = true;
            for listener in &self.listeners {
                match listener.accept() {
                    Ok((stream, _)) => {
                        idle = false;
                        let received_at = Instant::now();
                        if let Some(redirect) = handle(stream, path, received_at, &respond) {
                            return Ok(redirect);
                        }
                    }
                    Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {}
                    Err(error) => tracing::debug!("loopback accept failed: {error}"),
                }
            }
            if idle {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
}

fn handle(
    mut stream: TcpStream,
    path: &str,
    received_at: Instant,
    respond: &impl Fn(&Redirect) -> Outcome,
) -> Option<Redirect> {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    // Drain the headers so the browser sees a clean answer.
    let mut header = String::new();
    while reader.read_line(&mut header).ok()? > 2 {
        header.clear();
    }
    let target = request_line.split_whitespace().nth(1)?;
    let (request_path, query) = target.split_once('?').unwrap_or((target, ""));
    if request_path != path {
        let _ = stream
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return None;
    }
    let params = url_params(query);
    let redirect = Redirect {
        params,
        received_at,
    };
    let page = page(respond(&redirect), &user_language());
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nContent-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n\
         Connection: close\r\n\r\n{page}",
        page.len()
    );
    let _ = stream.write_all(response.as_bytes());
    Some(redirect)
}

fn url_params(query: &str) -> Vec<(String, String)> {
    oauth2::url::form_urlencoded::parse(query.as_bytes())
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect()
}

/// The user's language from the POSIX locale variables, e.g. `fr` from `fr_FR.UTF-8`.
fn user_language() -> String {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .find(|value| !value.is_empty() && value != "C" && value != "POSIX")
        .map(|value| {
            value
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect()
        })
        .unwrap_or_else(|| "en".into())
}

/// The page the browser shows after the redirect.
pub fn page(outcome: Outcome, language: &str) -> String {
    let (title, body) = match (language, outcome) {
        ("fr", Outcome::SignedIn) => (
            "Connexion réussie",
            "Vous êtes connecté à Tandem. Vous pouvez fermer cet onglet.",
        ),
        ("fr", Outcome::Failed) => (
            "Connexion interrompue",
            "Tandem n'a pas pu vous connecter. Revenez à Tandem pour en savoir plus.",
        ),
        ("de", Outcome::SignedIn) => (
            "Angemeldet",
            "Sie sind bei Tandem angemeldet. Sie können diesen Tab schließen.",
        ),
        ("de", Outcome::Failed) => (
            "Anmeldung abgebrochen",
            "Tandem konnte Sie nicht anmelden. Mehr dazu in Tandem.",
        ),
        ("es", Outcome::SignedIn) => (
            "Sesión iniciada",
            "Ha iniciado sesión en Tandem. Puede cerrar esta pestaña.",
        ),
        ("es", Outcome::Failed) => (
            "Inicio de sesión interrumpido",
            "Tandem no pudo iniciar su sesión. Vuelva a Tandem para ver el motivo.",
        ),
        ("nl", Outcome::SignedIn) => (
            "Aangemeld",
            "U bent aangemeld bij Tandem. U kunt dit tabblad sluiten.",
        ),
        ("nl", Outcome::Failed) => (
            "Aanmelden afgebroken",
            "Tandem kon u niet aanmelden. Ga terug naar Tandem voor de reden.",
        ),
        (_, Outcome::SignedIn) => (
            "Signed in",
            "You are signed in to Tandem. You can close this tab.",
        ),
        (_, Outcome::Failed) => (
            "Sign-in stopped",
            "Tandem could not sign you in. Go back to Tandem to see why.",
        ),
    };
    let lang = if ["fr", "de", "es", "nl"].contains(&language) {
        language
    } else {
        "en"
    };
    format!(
        "<!doctype html><html lang=\"{lang}\"><meta charset=\"utf-8\"><title>{title} – Tandem</title>\
         <body style=\"font-family:system-ui,sans-serif;margin:4em auto;max-width:32em\">\
         <h1>{title}</h1><p>{body}</p></body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::ToSocketAddrs;

    #[test]
    fn pages_speak_the_users_language() {
        assert!(page(Outcome::SignedIn, "fr").contains("Vous pouvez fermer cet onglet"));
        assert!(page(Outcome::Failed, "de").contains("lang=\"de\""));
        assert!(page(Outcome::SignedIn, "xx").contains("You can close this tab"));
    }

    #[test]
    fn receives_one_redirect_and_ignores_other_paths() {
        let listener = Listener::bind().unwrap();
        let port = listener.port();
        let client = std::thread::spawn(move || {
            let get = |path: &str| {
                let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
                write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
                let mut answer = String::new();
                std::io::Read::read_to_string(&mut stream, &mut answer).unwrap();
                answer
            };
            let missing = get("/favicon.ico");
            let answer = get("/?code=abc&state=x%20y");
            (missing, answer)
        });
        let cancel = Arc::new(AtomicBool::new(false));
        let redirect = listener
            .wait("/", Duration::from_secs(10), &cancel, |_| Outcome::SignedIn)
            .unwrap();
        assert_eq!(redirect.get("code"), Some("abc"));
        assert_eq!(redirect.get("state"), Some("x y"));
        let (missing, answer) = client.join().unwrap();
        assert!(missing.starts_with("HTTP/1.1 404"));
        assert!(answer.starts_with("HTTP/1.1 200"));
    }

    #[test]
    fn the_redirect_uri_is_localhost_with_the_port_and_no_path() {
        let listener = Listener::bind().unwrap();
        assert_eq!(
            listener.redirect_uri(),
            format!("http://localhost:{}", listener.port())
        );
        // Whatever `localhost` resolves to on this machine reaches the listener.
        for address in ("localhost", listener.port()).to_socket_addrs().unwrap() {
            let connected = TcpStream::connect_timeout(&address, Duration::from_secs(2));
            assert!(connected.is_ok(), "{address}: {connected:?}");
        }
    }

    #[test]
    fn gives_up_on_timeout_and_on_cancel() {
        let listener = Listener::bind().unwrap();
        let cancel = Arc::new(AtomicBool::new(false));
        let error = listener
            .wait("/callback", Duration::from_millis(100), &cancel, |_| {
                Outcome::Failed
            })
            .unwrap_err();
        assert!(matches!(error, ListenError::Timeout(_)));
        cancel.store(true, Ordering::Relaxed);
        let error = listener
            .wait("/callback", Duration::from_secs(10), &cancel, |_| {
                Outcome::Failed
            })
            .unwrap_err();
        assert!(matches!(error, ListenError::Cancelled));
    }
}

//! A link as it arrives from another program, checked before anything else
//! looks at it, then parsed as browsers parse it (WHATWG, through the `url`
//! crate): userinfo, backslashes, IDN, percent-encoded hosts, trailing dots
//! and default ports all come out the way a browser sees them.

use tandem_policy::Said;
use url::{Host, Url};

/// Longer links are refused: no real one comes near, and every step after
/// this one is then bounded.
pub const MAX_LINK_BYTES: usize = 32 * 1024;

impl Refusal {
    /// The refusal worded by the catalogues.
    pub fn said(&self) -> Said {
        let code = |code: u32| format!("U+{code:04X}");
        match self {
            Refusal::Empty => Said::new("refusal.empty"),
            Refusal::TooLong { max } => Said::new("refusal.too_long").with("max", max.to_string()),
            Refusal::LooksLikeASwitch => Said::new("refusal.switch"),
            Refusal::Blank => Said::new("refusal.blank"),
            Refusal::ControlCharacter { code: c } => {
                Said::new("refusal.control").with("code", code(*c))
            }
            Refusal::Reordering { code: c } => {
                Said::new("refusal.reordering").with("code", code(*c))
            }
            Refusal::NotALink { detail } => Said::new("refusal.not_a_link").with("detail", detail),
            Refusal::File { scheme } => Said::new("refusal.file").with("scheme", scheme),
            Refusal::Script { scheme } => Said::new("refusal.script").with("scheme", scheme),
            Refusal::BrowserPage { scheme } => {
                Said::new("refusal.browser_page").with("scheme", scheme)
            }
            Refusal::NotWeb { scheme } => Said::new("refusal.not_web").with("scheme", scheme),
        }
    }
}

/// Why a link is never handed to a browser.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the link is empty")]
    Empty,
    #[error("the link is longer than {max} bytes")]
    TooLong { max: usize },
    #[error("the link starts with \"-\", which a browser would take for a command-line switch")]
    LooksLikeASwitch,
    #[error("the link starts or ends with a space or another blank")]
    Blank,
    #[error("the link holds a control character (U+{code:04X})")]
    ControlCharacter { code: u32 },
    #[error(
        "the link holds an invisible character that reorders text (U+{code:04X}), a way to \
         disguise where a link goes"
    )]
    Reordering { code: u32 },
    #[error("this is not a link a browser can open: {detail}")]
    NotALink { detail: String },
    #[error(
        "links to files ({scheme}) are never handed to a browser: they can expose your files, \
         or your sign-in to another machine"
    )]
    File { scheme: String },
    #[error(
        "{scheme}: links run code or show data in the browser; Tandem opens only http and https \
         links"
    )]
    Script { scheme: String },
    #[error("{scheme}: links are the browser's own pages; Tandem opens only http and https links")]
    BrowserPage { scheme: String },
    #[error("{scheme}: links are not web links; Tandem opens only http and https links")]
    NotWeb { scheme: String },
}

/// Schemes that run code or carry content instead of naming a place.
const SCRIPT_SCHEMES: &[&str] = &["javascript", "vbscript", "data", "blob"];
/// Schemes of browsers' own pages and of the launchers that hand links to them.
const BROWSER_SCHEMES: &[&str] = &[
    "about",
    "chrome",
    "chrome-extension",
    "chrome-untrusted",
    "chrome-search",
    "edge",
    "microsoft-edge",
    "microsoft-edge-holographic",
    "brave",
    "opera",
    "vivaldi",
    "view-source",
    "devtools",
    "resource",
    "moz-extension",
    "moz-icon",
    "jar",
    "filesystem",
    "intent",
];

/// A link that passed every check: an `http` or `https` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebLink {
    /// Exactly as received; this is what a browser is given.
    original: String,
    /// As a browser parses it.
    url: Url,
}

fn is_reordering(c: char) -> bool {
    // Bidirectional formatting characters: tandem-text's list of unsafe
    // characters, less the controls already refused on their own.
    tandem_text::is_unsafe(c) && !c.is_control()
}

/// The checks on the raw text, before any parsing: nothing here can be read
/// as a switch, and nothing hides in blanks or control characters.
fn check_text(text: &str) -> Result<(), Refusal> {
    if text.is_empty() {
        return Err(Refusal::Empty);
    }
    if text.len() > MAX_LINK_BYTES {
        return Err(Refusal::TooLong {
            max: MAX_LINK_BYTES,
        });
    }
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        return Err(Refusal::ControlCharacter { code: c as u32 });
    }
    let first = text.chars().next().unwrap_or(' ');
    let last = text.chars().next_back().unwrap_or(' ');
    if first.is_whitespace() || last.is_whitespace() {
        return Err(Refusal::Blank);
    }
    if first == '-' {
        return Err(Refusal::LooksLikeASwitch);
    }
    if let Some(c) = text.chars().find(|&c| is_reordering(c)) {
        return Err(Refusal::Reordering { code: c as u32 });
    }
    Ok(())
}

impl WebLink {
    /// Checks and parses a link from outside. The text is refused before
    /// parsing when it could become a switch (a leading `-`) or hides
    /// something (blanks at either end, control characters); after parsing
    /// only `http` and `https` pass.
    pub fn parse(text: &str) -> Result<Self, Refusal> {
        check_text(text)?;
        if text.starts_with("\\\\") || text.starts_with("//") {
            return Err(Refusal::File {
                scheme: "a network path".into(),
            });
        }
        let url = Url::parse(text).map_err(|error| Refusal::NotALink {
            detail: error.to_string(),
        })?;
        let scheme = url.scheme();
        match scheme {
            "http" | "https" => {}
            "file" | "smb" | "nfs" | "ftp" | "sftp" => {
                return Err(Refusal::File {
                    scheme: format!("{scheme}:"),
                });
            }
            _ if SCRIPT_SCHEMES.contains(&scheme) => {
                return Err(Refusal::Script {
                    scheme: scheme.to_owned(),
                });
            }
            _ if BROWSER_SCHEMES.contains(&scheme) => {
                return Err(Refusal::BrowserPage {
                    scheme: scheme.to_owned(),
                });
            }
            _ => {
                return Err(Refusal::NotWeb {
                    scheme: scheme.to_owned(),
                });
            }
        }
        if url.host().is_none() {
            return Err(Refusal::NotALink {
                detail: "it names no host".into(),
            });
        }
        Ok(Self {
            original: text.to_owned(),
            url,
        })
    }

    /// The link exactly as it was received.
    pub fn original(&self) -> &str {
        &self.original
    }

    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The link as a browser reads it (lowercase host in ASCII, no default
    /// port, percent-encoding applied): what regular expressions match.
    pub fn normalized(&self) -> &str {
        self.url.as_str()
    }

    /// The host as rules match it: lowercase ASCII (IDN in punycode),
    /// without one trailing dot; an IPv6 address in brackets.
    pub fn host(&self) -> String {
        host_of(&self.url)
    }

    /// The site "remember for this site" names: the host, with a port that
    /// is not the default.
    pub fn site(&self) -> String {
        match self.port() {
            Some(port) => format!("{}:{port}", self.host()),
            None => self.host(),
        }
    }

    /// The port, when it is not the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.url.port()
    }

    pub fn path(&self) -> &str {
        self.url.path()
    }
}

/// A parsed link's host as rules compare it; empty when it has none.
pub fn host_of(url: &Url) -> String {
    match url.host() {
        Some(Host::Domain(domain)) => host_key(domain),
        Some(Host::Ipv4(address)) => address.to_string(),
        Some(Host::Ipv6(address)) => format!("[{address}]"),
        None => String::new(),
    }
}

/// A host as rules compare it: lowercase, without one trailing dot.
pub fn host_key(host: &str) -> String {
    let host = host.strip_suffix('.').unwrap_or(host);
    host.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_parsed_as_a_browser_parses_it() {
        let link = WebLink::parse("HTTPS://Outlook.Live.COM.:443/mail/").unwrap();
        assert_eq!(link.host(), "outlook.live.com");
        assert_eq!(link.port(), None);
        assert_eq!(link.original(), "HTTPS://Outlook.Live.COM.:443/mail/");
        let tricked = WebLink::parse("https://outlook.live.com@evil.example/").unwrap();
        assert_eq!(tricked.host(), "evil.example");
        let slashed = WebLink::parse("https:\\\\evil.example\\outlook.live.com").unwrap();
        assert_eq!(slashed.host(), "evil.example");
        let idn = WebLink::parse("https://bücher.example/").unwrap();
        assert_eq!(idn.host(), "xn--bcher-kva.example");
        let encoded = WebLink::parse("https://ex%61mple.com/").unwrap();
        assert_eq!(encoded.host(), "example.com");
        let port = WebLink::parse("https://example.com:8443/").unwrap();
        assert_eq!(port.port(), Some(8443));
    }

    #[test]
    fn what_could_become_a_switch_or_hide_something_is_refused_before_parsing() {
        assert_eq!(
            WebLink::parse("--gpu-launcher=x"),
            Err(Refusal::LooksLikeASwitch)
        );
        assert_eq!(WebLink::parse(" https://a.example"), Err(Refusal::Blank));
        assert_eq!(
            WebLink::parse("https://a.example/\u{7f}"),
            Err(Refusal::ControlCharacter { code: 0x7f })
        );
        assert_eq!(
            WebLink::parse("https://a.example/\u{202e}"),
            Err(Refusal::Reordering { code: 0x202e })
        );
        assert!(matches!(
            WebLink::parse("file:///etc/passwd"),
            Err(Refusal::File { .. })
        ));
        assert!(matches!(
            WebLink::parse("\\\\server\\share"),
            Err(Refusal::File { .. })
        ));
        assert!(matches!(
            WebLink::parse("JavaScript:alert(1)"),
            Err(Refusal::Script { .. })
        ));
        assert!(matches!(
            WebLink::parse("edge://settings"),
            Err(Refusal::BrowserPage { .. })
        ));
    }
}

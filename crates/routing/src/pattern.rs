//! What a rule matches: a host (`example.com`), its subdomains
//! (`*.example.com`, not `example.com` itself), either with a path prefix
//! that ends on a segment boundary (`example.com/docs`), or a regular
//! expression over the whole link (`re:…`, anchored at both ends).
//!
//! Hosts compare as browsers see them: case, one trailing dot and IDN are
//! normalised by parsing them as a link's host would be. A rule without a
//! port matches the scheme's default port only; `example.com:8443` names
//! another.

use std::fmt;

use url::Url;

use crate::web::{WebLink, host_of};

/// Bounds on one rule's regular expression: a hostile rules file cannot make
/// compiling or matching expensive.
pub const REGEX_SIZE_LIMIT: usize = 256 * 1024;
/// A pattern longer than this is refused.
pub const MAX_PATTERN_BYTES: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    Host {
        /// Normalised: lowercase ASCII, no trailing dot.
        host: String,
        /// `*.host`: any subdomain of `host`, not `host` itself.
        subdomains: bool,
        /// A non-default port; `None` matches the default port only.
        port: Option<u16>,
        /// A path prefix without a trailing `/`; `None` matches any path.
        path: Option<String>,
    },
    /// Matches the whole normalised link.
    Regex(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    #[error("the pattern is empty")]
    Empty,
    #[error("the pattern is longer than {MAX_PATTERN_BYTES} bytes")]
    TooLong,
    #[error("{0:?} is not a host Tandem can match: {1}")]
    BadHost(String, String),
    #[error("{0:?} is not a host Tandem can match: a host has no empty parts between its dots")]
    EmptyLabel(String),
    #[error(
        "{0:?} names a user or password; write only the host, as in example.com or *.example.com"
    )]
    UserInfo(String),
    #[error("a rule cannot hold \"?\" or \"#\": write the host, and a path prefix if you need one")]
    QueryInPath,
    #[error("a rule matches http and https links alike: leave out the scheme, as in example.com")]
    Scheme,
    #[error("\"*\" may only start a host, as in *.example.com")]
    Wildcard,
    #[error("the regular expression does not compile: {0}")]
    BadRegex(String),
}

impl PatternError {
    /// The problem, to be worded in the person's language.
    pub fn said(&self) -> crate::Said {
        use crate::Said;
        match self {
            PatternError::Empty => Said::new("rule.pattern.empty"),
            PatternError::TooLong => {
                Said::new("rule.pattern.too_long").with("max", MAX_PATTERN_BYTES.to_string())
            }
            PatternError::BadHost(host, detail) => Said::new("rule.pattern.bad_host")
                .with("host", host.as_str())
                .with("detail", Said::verbatim(detail.as_str())),
            PatternError::EmptyLabel(host) => {
                Said::new("rule.pattern.empty_label").with("host", host.as_str())
            }
            PatternError::UserInfo(host) => {
                Said::new("rule.pattern.user_info").with("host", host.as_str())
            }
            PatternError::QueryInPath => Said::new("rule.pattern.query"),
            PatternError::Scheme => Said::new("rule.pattern.scheme"),
            PatternError::Wildcard => Said::new("rule.pattern.wildcard"),
            PatternError::BadRegex(detail) => {
                Said::new("rule.pattern.bad_regex").with("detail", Said::verbatim(detail.as_str()))
            }
        }
    }
}

impl Pattern {
    /// Reads `host`, `*.suffix`, `host/path/prefix`, `host:port` or
    /// `re:<regex>`.
    pub fn parse(text: &str) -> Result<Self, PatternError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(PatternError::Empty);
        }
        if text.len() > MAX_PATTERN_BYTES {
            return Err(PatternError::TooLong);
        }
        if let Some(regex) = text.strip_prefix("re:") {
            check_syntax(regex)?;
            return Ok(Pattern::Regex(regex.to_owned()));
        }
        // A scheme in front is accepted and ignored: rules match http and
        // https alike. Any other scheme is a mistake, never a host.
        let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
        let text = if lower.starts_with("https://") {
            &text[8..]
        } else if lower.starts_with("http://") {
            &text[7..]
        } else {
            text
        };
        if text.contains("://") {
            return Err(PatternError::Scheme);
        }
        let (authority, path) = match text.find('/') {
            Some(at) => (&text[..at], Some(&text[at..])),
            None => (text, None),
        };
        let (subdomains, authority) = match authority.strip_prefix("*.") {
            Some(rest) => (true, rest),
            None => (false, authority),
        };
        if authority.contains('*') {
            return Err(PatternError::Wildcard);
        }
        if authority.contains('@') {
            return Err(PatternError::UserInfo(authority.to_owned()));
        }
        if authority.contains(['?', '#']) || path.is_some_and(|path| path.contains(['?', '#'])) {
            return Err(PatternError::QueryInPath);
        }
        let parsed = Url::parse(&format!("https://{authority}{}", path.unwrap_or("/")))
            .map_err(|error| PatternError::BadHost(authority.to_owned(), error.to_string()))?;
        let host = host_of(&parsed);
        if host.is_empty() || host.split('.').any(str::is_empty) {
            return Err(PatternError::EmptyLabel(authority.to_owned()));
        }
        // Written as `:443`, a port is the https default, which a link names
        // by leaving it out.
        let port = parsed.port();
        let path = parsed.path().trim_end_matches('/');
        Ok(Pattern::Host {
            host,
            subdomains,
            port,
            path: (!path.is_empty()).then(|| path.to_owned()),
        })
    }

    /// Whether the link matches. Regular expressions are matched by the
    /// compiled rule set, never here one by one; this is the reference for
    /// tests.
    pub fn matches(&self, link: &WebLink) -> bool {
        match self {
            Pattern::Host {
                host,
                subdomains,
                port,
                path,
            } => {
                let link_host = link.host();
                let host_ok = if *subdomains {
                    is_subdomain(&link_host, host)
                } else {
                    &link_host == host
                };
                host_ok && port_matches(*port, link) && path_matches(path.as_deref(), link.path())
            }
            Pattern::Regex(regex) => anchored(regex)
                .map(|regex| regex.is_match(link.normalized().as_bytes()))
                .unwrap_or(false),
        }
    }

    /// The host to index the rule under, if it is a host rule.
    pub fn host(&self) -> Option<&str> {
        match self {
            Pattern::Host { host, .. } => Some(host),
            Pattern::Regex(_) => None,
        }
    }
}

/// Whether `host` is a subdomain of `domain`: one or more non-empty labels
/// in front of it.
pub fn is_subdomain(host: &str, domain: &str) -> bool {
    host.strip_suffix(domain)
        .and_then(|front| front.strip_suffix('.'))
        .is_some_and(|front| !front.is_empty() && front.split('.').all(|label| !label.is_empty()))
}

pub(crate) fn port_matches(port: Option<u16>, link: &WebLink) -> bool {
    match port {
        None => link.port().is_none(),
        Some(port) => link.url().port_or_known_default() == Some(port),
    }
}

/// `prefix` matches the path itself and anything below it, never a path
/// that merely starts with the same letters (`/docs` is not `/docsx`).
pub(crate) fn path_matches(prefix: Option<&str>, path: &str) -> bool {
    match prefix {
        None => true,
        Some(prefix) => {
            path == prefix
                || (path.starts_with(prefix) && path.as_bytes().get(prefix.len()) == Some(&b'/'))
        }
    }
}

/// Checks a regular expression's syntax without compiling it: compiling is
/// the costly part, left to the first decision that needs it. Links as
/// browsers write them are ASCII (IDN in punycode, the rest
/// percent-encoded), so classes such as `\w` are ASCII too, which keeps
/// them small.
fn check_syntax(regex: &str) -> Result<(), PatternError> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .nest_limit(50)
        .build()
        .parse(&anchor(regex))
        .map(drop)
        .map_err(|error| PatternError::BadRegex(error.to_string()))
}

/// The expression anchored at both ends, compiled within the size bounds,
/// over the link's bytes (ASCII classes, as [`check_syntax`] reads them).
pub(crate) fn anchored(regex: &str) -> Result<regex::bytes::Regex, PatternError> {
    regex::bytes::RegexBuilder::new(&anchor(regex))
        .unicode(false)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .nest_limit(50)
        .build()
        .map_err(|error| PatternError::BadRegex(error.to_string()))
}

pub(crate) fn anchor(regex: &str) -> String {
    format!("^(?:{regex})$")
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pattern::Host {
                host,
                subdomains,
                port,
                path,
            } => {
                if *subdomains {
                    f.write_str("*.")?;
                }
                f.write_str(host)?;
                if let Some(port) = port {
                    write!(f, ":{port}")?;
                }
                if let Some(path) = path {
                    f.write_str(path)?;
                }
                Ok(())
            }
            Pattern::Regex(regex) => write!(f, "re:{regex}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(text: &str) -> WebLink {
        WebLink::parse(text).unwrap()
    }

    #[test]
    fn hosts_are_normalised_as_links_are() {
        assert_eq!(
            Pattern::parse("Outlook.LIVE.com.").unwrap().to_string(),
            "outlook.live.com"
        );
        assert_eq!(
            Pattern::parse("*.Contoso.com").unwrap().to_string(),
            "*.contoso.com"
        );
        assert_eq!(
            Pattern::parse("bücher.example/Docs/").unwrap().to_string(),
            "xn--bcher-kva.example/Docs"
        );
        assert_eq!(
            Pattern::parse("https://example.com:443")
                .unwrap()
                .to_string(),
            "example.com"
        );
        assert_eq!(
            Pattern::parse("example.com:8443").unwrap().to_string(),
            "example.com:8443"
        );
        assert_eq!(
            Pattern::parse("HTTPS://github.com/docs")
                .unwrap()
                .to_string(),
            "github.com/docs"
        );
        for bad in [
            "",
            "*",
            "a.*.com",
            "user@example.com",
            "example.com/a?b",
            "github.com?x",
            "github.com#x",
            "exa mple.com",
            "ftp://github.com",
            ".github.com",
            "*..com",
            "a..example",
        ] {
            assert!(Pattern::parse(bad).is_err(), "{bad:?}");
        }
        assert!(matches!(
            Pattern::parse("re:(unclosed"),
            Err(PatternError::BadRegex(_))
        ));
    }

    #[test]
    fn a_wildcard_matches_subdomains_only_and_a_path_ends_on_a_segment() {
        let sub = Pattern::parse("*.contoso.com").unwrap();
        assert!(sub.matches(&link("https://a.b.contoso.com/")));
        assert!(!sub.matches(&link("https://contoso.com/")));
        assert!(!sub.matches(&link("https://evilcontoso.com/")));
        let path = Pattern::parse("example.com/docs").unwrap();
        assert!(path.matches(&link("https://example.com/docs")));
        assert!(path.matches(&link("https://example.com/docs/a?b")));
        assert!(!path.matches(&link("https://example.com/docsx")));
        assert!(!path.matches(&link("https://example.com/")));
        let plain = Pattern::parse("example.com").unwrap();
        assert!(plain.matches(&link("http://EXAMPLE.com.:80/x")));
        assert!(!plain.matches(&link("https://example.com:8443/x")));
        let regex = Pattern::parse(r"re:https://[a-z]+\.example/.*").unwrap();
        assert!(regex.matches(&link("https://abc.example/x")));
        assert!(!regex.matches(&link("https://abc.example.evil/x")));
    }
}

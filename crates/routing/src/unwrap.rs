//! Microsoft's link wrappers: Outlook and Defender Safe Links, and the
//! Teams Safe Links pages. The decision uses the link inside (wrappers
//! nest), while the browser is given the original so Defender still checks
//! it at the click, unless the person chose otherwise.
//!
//! Only the hosts below are wrappers, and only their named query parameter
//! is read; a wrapper's query on any other host (a look-alike) is a plain
//! link. Nothing is ever fetched: the link inside is decoded locally.
//! Microsoft moves these pages (Teams moved in June 2026), so the table is
//! data, each entry with its source.

use crate::Said;
use crate::web::{Refusal, WebLink};

/// How deep wrappers may nest before Tandem stops unwrapping.
pub const MAX_NESTING: usize = 5;

#[derive(Debug, Clone, Copy)]
pub enum HostMatch {
    Exact(&'static str),
    /// The host and every subdomain (regional hosts such as `nam12.`).
    Domain(&'static str),
}

impl HostMatch {
    fn matches(self, host: &str) -> bool {
        match self {
            HostMatch::Exact(exact) => host == exact,
            HostMatch::Domain(domain) => {
                host == domain || crate::pattern::is_subdomain(host, domain)
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Wrapper {
    pub name: &'static str,
    pub hosts: &'static [HostMatch],
    /// The path the wrapper page lives under, if it is not the whole host.
    pub path_prefix: Option<&'static str>,
    /// The query parameter that holds the wrapped link.
    pub param: &'static str,
    /// Where the host comes from.
    pub source: &'static str,
}

pub const WRAPPERS: &[Wrapper] = &[
    Wrapper {
        name: "Outlook Safe Links",
        hosts: &[
            // Commercial cloud, every region (nam12., eur01., aus01.…).
            HostMatch::Domain("safelinks.protection.outlook.com"),
            // GCC High and DoD.
            HostMatch::Domain("safelinks.protection.office365.us"),
            // Microsoft 365 operated by 21Vianet.
            HostMatch::Domain("safelinks.protection.outlook.cn"),
            HostMatch::Domain("safelinks.protection.partner.outlook.cn"),
        ],
        path_prefix: None,
        param: "url",
        source: "Microsoft Defender for Office 365, Safe Links; host list seen in mail and in peers' unwrappers (peers.md §4)",
    },
    Wrapper {
        name: "Teams Safe Links",
        hosts: &[
            HostMatch::Exact("statics.teams.cdn.office.net"),
            HostMatch::Exact("staticsint.teams.cdn.office.net"),
        ],
        path_prefix: Some("/evergreen-assets/safelinks/"),
        param: "url",
        source: "Teams' Safe Links page, atp-safelinks.html (peers.md §4)",
    },
    Wrapper {
        name: "Teams Safe Links",
        hosts: &[HostMatch::Exact("teams.public.onecdn.static.microsoft")],
        path_prefix: Some("/evergreen-assets/safelinks/"),
        param: "url",
        source: "Teams' Safe Links page since June 2026 (bt #221, BrowseRouter #100)",
    },
    Wrapper {
        name: "Teams Safe Links (government clouds)",
        hosts: &[
            HostMatch::Exact("statics.gov.teams.microsoft.us"),
            HostMatch::Exact("statics.dod.teams.microsoft.us"),
        ],
        path_prefix: Some("/evergreen-assets/safelinks/"),
        param: "url",
        source: "Teams' GCC High and DoD static hosts, by the commercial page's pattern (unconfirmed)",
    },
];

/// A link and the links wrapped inside it, outermost first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unwrapped {
    /// `links[0]` is the link as received; the last is the innermost.
    pub links: Vec<WebLink>,
    /// The wrappers peeled off, outermost first.
    pub wrappers: Vec<&'static str>,
    /// Why unwrapping stopped at a wrapper, if it did.
    pub stopped: Option<Said>,
}

impl Unwrapped {
    pub fn original(&self) -> &WebLink {
        &self.links[0]
    }

    /// The innermost link: what decides.
    pub fn effective(&self) -> &WebLink {
        self.links.last().unwrap_or(&self.links[0])
    }

    pub fn was_wrapped(&self) -> bool {
        self.links.len() > 1
    }
}

/// The wrapper `link` is, if any.
pub fn wrapper_of(link: &WebLink) -> Option<&'static Wrapper> {
    let host = link.host();
    WRAPPERS.iter().find(|wrapper| {
        wrapper
            .hosts
            .iter()
            .any(|candidate| candidate.matches(&host))
            && wrapper
                .path_prefix
                .is_none_or(|prefix| link.path().starts_with(prefix))
    })
}

/// The value of `param`, percent-decoded (a `+` stays a `+`: the wrapped
/// link is percent-encoded, and reading `+` as a space could only break it).
/// Two values are ambiguous, and none is taken.
fn param_value(link: &WebLink, param: &str) -> Result<String, Said> {
    let query = link.url().query().unwrap_or("");
    let mut found = None;
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key != param {
            continue;
        }
        if found.is_some() {
            return Err(Said::new("unwrap.twice").with("param", param));
        }
        found = Some(value);
    }
    let value = found.ok_or_else(|| Said::new("unwrap.missing").with("param", param))?;
    percent_decode(value).ok_or_else(|| Said::new("unwrap.not_utf8").with("param", param))
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if byte == b'%'
            && let Some(hex) = text.get(at + 1..at + 3)
            && let Ok(decoded) = u8::from_str_radix(hex, 16)
        {
            out.push(decoded);
            at += 3;
            continue;
        }
        out.push(byte);
        at += 1;
    }
    String::from_utf8(out).ok()
}

/// Peels every known wrapper off `link`. A wrapper whose inner link is
/// missing, ambiguous or refused stays the effective link: it is opened
/// (and decided) as it is.
pub fn unwrap(link: WebLink) -> Unwrapped {
    let mut unwrapped = Unwrapped {
        links: vec![link],
        wrappers: Vec::new(),
        stopped: None,
    };
    loop {
        let current = unwrapped.effective();
        let Some(wrapper) = wrapper_of(current) else {
            break;
        };
        if unwrapped.wrappers.len() >= MAX_NESTING {
            unwrapped.stopped =
                Some(Said::new("unwrap.too_deep").with("max", MAX_NESTING.to_string()));
            break;
        }
        let inner = param_value(current, wrapper.param).and_then(|value| {
            WebLink::parse(&value).map_err(|refusal: Refusal| {
                Said::new("unwrap.refused").with("reason", refusal.said())
            })
        });
        match inner {
            Ok(inner) => {
                unwrapped.wrappers.push(wrapper.name);
                unwrapped.links.push(inner);
            }
            Err(reason) => {
                unwrapped.stopped = Some(
                    Said::new("unwrap.stopped")
                        .with("wrapper", wrapper.name)
                        .with("reason", reason),
                );
                break;
            }
        }
    }
    unwrapped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unwrapped(text: &str) -> Unwrapped {
        unwrap(WebLink::parse(text).unwrap())
    }

    #[test]
    fn safe_links_are_unwrapped_nested_and_by_region() {
        let inner = "https%3A%2F%2Fcontoso.sharepoint.com%2Fsites%2Fa%3Fx%3D1%2B2";
        let one = unwrapped(&format!(
            "https://nam12.safelinks.protection.outlook.com/?url={inner}&data=05%7C02&reserved=0"
        ));
        assert_eq!(
            one.effective().original(),
            "https://contoso.sharepoint.com/sites/a?x=1+2"
        );
        assert_eq!(one.wrappers, ["Outlook Safe Links"]);
        let teams = format!(
            "https://teams.public.onecdn.static.microsoft/evergreen-assets/safelinks/2/atp-safelinks.html?url={}",
            "https%3A%2F%2Feur01.safelinks.protection.outlook.com%2F%3Furl%3Dhttps%253A%252F%252Fexample.com%252F"
        );
        let two = unwrapped(&teams);
        assert_eq!(two.effective().original(), "https://example.com/");
        assert_eq!(two.links.len(), 3);
    }

    #[test]
    fn look_alikes_and_broken_wrappers_are_left_alone() {
        for text in [
            "https://safelinks.protection.outlook.com.evil.example/?url=https%3A%2F%2Fa.example",
            "https://evil.example/?url=https%3A%2F%2Fa.example",
            "https://nam12.safelinks.protection.outlook.com@evil.example/?url=https%3A%2F%2Fa.example",
            "https://statics.teams.cdn.office.net/other/?url=https%3A%2F%2Fa.example",
        ] {
            let result = unwrapped(text);
            assert!(!result.was_wrapped(), "{text}");
            assert_eq!(result.stopped, None, "{text}");
        }
        for text in [
            "https://nam12.safelinks.protection.outlook.com/?data=1",
            "https://nam12.safelinks.protection.outlook.com/?url=javascript%3Aalert(1)",
            "https://nam12.safelinks.protection.outlook.com/?url=-https%3A%2F%2Fa.example",
            "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fa.example&url=https%3A%2F%2Fb.example",
            "https://nam12.safelinks.protection.outlook.com/?url=%FF",
            "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fa.example%0A",
        ] {
            let result = unwrapped(text);
            assert!(!result.was_wrapped(), "{text}");
            assert!(result.stopped.is_some(), "{text}");
        }
    }
}

//! Which browser profile opens a link.
//!
//! - [`web`]: a link from outside is checked before anything else reads
//!   it, then parsed as a browser parses it; only `http(s)` passes.
//! - [`unwrap`]: Microsoft's link wrappers (Safe Links in Outlook and
//!   Teams) are peeled off locally, from a table of hosts.
//! - The rules come in layers ([`rules::Layer`]): the admin's managed
//!   rules ([`admin`]), the person's own ([`settings`], `rules.toml`), the
//!   admin's recommended rules, Tandem's [`presets`], and the fallback.
//! - [`router`] compiles them (a host index and one `RegexSet`) and
//!   decides; what a target such as `work` means on this machine is asked of
//!   a [`router::Facts`], so this crate reads no browser file and no link.

pub mod admin;
pub mod pattern;
pub mod presets;
pub mod router;
pub mod rules;
pub mod settings;
pub mod target;
pub mod unwrap;
pub mod web;

use sha2::Digest;
pub use tandem_policy::Said;

pub use pattern::{Pattern, PatternError};
pub use router::{Decision, Facts, Outcome, Resolved, Router, RuleSet, Verdict};
pub use rules::{Invalid, Layer, Origin, Rule, RuleRef};
pub use settings::{Fallback, SettingsError, SettingsFile, UserSettings};
pub use target::{Target, TargetError};
pub use unwrap::Unwrapped;
pub use web::{Refusal, WebLink};

/// A link, decided.
#[derive(Debug, Clone)]
pub struct Routed {
    pub unwrapped: Unwrapped,
    pub decision: Decision,
    /// What the browser is given: the link as received, or the link inside
    /// its wrappers when the person chose to open that.
    pub open: String,
}

/// Checks, unwraps and decides one link. Refused links decide nothing.
pub fn route(router: &Router, text: &str, facts: &dyn Facts) -> Result<Routed, Refusal> {
    let unwrapped = unwrap::unwrap(WebLink::parse(text)?);
    let mut decision = router.decide(unwrapped.effective(), facts);
    if let Some(stopped) = &unwrapped.stopped {
        decision.reason = Said::new("route.reason.unwrap_stopped")
            .with("reason", decision.reason)
            .with("stopped", stopped.clone());
    } else if let Some((first, rest)) = unwrapped.wrappers.split_first() {
        // "A inside B inside C", outermost first, as the wrappers were peeled.
        let wrappers = rest.iter().fold(Said::verbatim(*first), |said, next| {
            Said::new("route.reason.inside")
                .with("inner", said)
                .with("outer", *next)
        });
        decision.reason = Said::new("route.reason.unwrapped")
            .with("reason", decision.reason)
            .with("wrappers", wrappers);
    }
    let open = if router.rule_set().unwrap_before_opening {
        unwrapped.effective().original().to_owned()
    } else {
        unwrapped.original().original().to_owned()
    };
    Ok(Routed {
        unwrapped,
        decision,
        open,
    })
}

/// Who a profile was signed in to, as a rule records it: the kind, the
/// tenant and a hash of the address, so a change is noticed without the
/// address ever being written to the rules file.
pub fn account_fingerprint(kind: &str, tenant_id: Option<&str>, email: Option<&str>) -> String {
    let email = email.map(|email| email.trim().to_lowercase());
    let hash = email.map_or_else(String::new, |email| {
        let digest = sha2::Sha256::digest(email.as_bytes());
        digest
            .iter()
            .take(6)
            .map(|byte| format!("{byte:02x}"))
            .collect()
    });
    format!(
        "{kind}:{}:{hash}",
        tenant_id.unwrap_or("").to_ascii_lowercase()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_tells_accounts_apart_without_naming_them() {
        let one = account_fingerprint("personal", None, Some("Ada@Outlook.com"));
        assert_eq!(
            one,
            account_fingerprint("personal", None, Some("ada@outlook.com "))
        );
        assert_ne!(
            one,
            account_fingerprint("personal", None, Some("bob@outlook.com"))
        );
        assert!(!one.contains("ada"));
        assert_eq!(account_fingerprint("none", None, None), "none::");
    }
}

//! A machine for routing tests: the admin's policy in real policy files, the
//! person's rules as `rules.toml` text, the presets for a linked Contoso work
//! account, and facts about which profiles exist.

#![allow(dead_code, clippy::unwrap_used)]

use std::path::PathBuf;

use tandem_locations::Locations;
use tandem_policy::{Level, PolicySet};
use tandem_profiles::launch::LaunchTarget;
use tandem_profiles::{BrowserId, ProfileRef};
use tandem_routing::admin::AdminRules;
use tandem_routing::presets::{self, WorkDomains};
use tandem_routing::{Facts, Outcome, Resolved, Router, RuleSet, Said, Target};

pub const MANAGED_TANDEM: &str = r#"{"RoutingRules": [
    {"pattern": "*.forced.example", "target": "work"},
    {"pattern": "re:https://intranet\\.corp/.*", "target": "work"},
    {"pattern": "docs.example/private", "target": "ask"}
]}"#;

pub const MANAGED_EDGE: &str = r#"{"AutomaticProfileSwitchingSiteList": [
    {"site": "edgework.example", "profile": "Work"},
    {"site": "nopref.example", "profile": "No preference"},
    {"site": "fabrikam.example", "profile": "*@fabrikam.com"}
]}"#;

pub const RECOMMENDED_TANDEM: &str = r#"{"RoutingRules": [
    {"pattern": "recommended.example", "target": "work"},
    {"pattern": "github.com", "target": "work"}
]}"#;

pub const USER_RULES: &str = r#"version = 1

[[rule]]
pattern = "github.com"
target = "personal"

[[rule]]
pattern = "*.github.com"
target = "work"

[[rule]]
pattern = "nopref.example"
target = "chrome:Default"

[[rule]]
pattern = "example.com:8443"
target = "chrome:Default"

[[rule]]
pattern = "docs.example"
target = "personal"

[[rule]]
pattern = 're:https://[^/]*\.test/secret/.*'
target = "ask"

[[rule]]
pattern = "gone.example"
target = "edge:Profile 9"

[[rule]]
pattern = "outlook.live.com/calendar"
target = "work"

[[rule]]
pattern = "bücher.example"
target = "work"

[[rule]]
pattern = "192.168.1.10"
target = "work"

[[rule]]
pattern = "[::1]:8080"
target = "personal"

[[rule]]
pattern = "forced.example"
target = "personal"
"#;

/// The profiles that exist: the linked work (`edge:Default`) and personal
/// (`edge:Profile 1`) ones, a Fabrikam account's, Chrome's and Firefox's.
pub struct Machine;

pub fn target(profile: &str) -> LaunchTarget {
    let profile: ProfileRef = profile.parse().unwrap();
    LaunchTarget {
        browser: profile.browser,
        user_data_dir: PathBuf::from(format!("/home/u/.config/{}", profile.browser)),
        profile_dir: profile.profile_dir.clone(),
        name: profile.profile_dir,
    }
}

const EXISTING: &[&str] = &[
    "edge:Default",
    "edge:Profile 1",
    "edge:Profile 2",
    "chrome:Default",
    "firefox:/home/u/.mozilla/firefox/abc.default",
];

impl Facts for Machine {
    fn resolve(&self, wanted: &Target) -> Resolved {
        let name = match wanted {
            Target::Work => "edge:Default".to_owned(),
            Target::Personal => "edge:Profile 1".to_owned(),
            Target::AccountDomain(domain) if domain == "fabrikam.com" => {
                "edge:Profile 2".to_owned()
            }
            Target::AccountDomain(_) => {
                return Resolved::Missing(Said::verbatim("no such account"));
            }
            Target::Profile(profile) => profile.to_string(),
            Target::Ask | Target::NoPreference => unreachable!("the router decides these"),
        };
        if EXISTING.contains(&name.as_str()) {
            Resolved::Profile {
                target: target(&name),
                how: Said::verbatim(name),
            }
        } else {
            Resolved::Missing(Said::verbatim(format!("{name} is gone")))
        }
    }
}

/// The policy from real files, on a fake machine.
pub fn policy(files: &[(&str, &str)]) -> PolicySet {
    let root = tempfile::tempdir().unwrap();
    let locations = Locations::under(root.path());
    for (path, text) in files {
        let path = locations.system_path(path).unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    PolicySet::read_linux(&locations)
}

pub fn router_with(user: &str, files: &[(&str, &str)]) -> Router {
    let policy = policy(files);
    Router::new(RuleSet::assemble(
        AdminRules::read(&policy, Level::Managed),
        tandem_routing::settings::parse(user),
        AdminRules::read(&policy, Level::Recommended),
        presets::rules(&[WorkDomains::from_emails([
            "ada@contoso.com",
            "ada@contoso.onmicrosoft.com",
        ])]),
    ))
}

/// Every layer filled.
pub fn router() -> Router {
    router_with(
        USER_RULES,
        &[
            ("/etc/tandem/policies/managed/routing.json", MANAGED_TANDEM),
            ("/etc/opt/edge/policies/managed/sites.json", MANAGED_EDGE),
            (
                "/etc/tandem/policies/recommended/routing.json",
                RECOMMENDED_TANDEM,
            ),
        ],
    )
}

/// What a decision came to, in a table's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Opens in this profile (`browser:dir`).
    Open(&'static str),
    Ask,
    /// Opens where links opened before Tandem.
    Before,
    /// Refused before any decision.
    Refused,
}

pub fn outcome(router: &Router, url: &str) -> (Expect, Option<String>) {
    match tandem_routing::route(router, url, &Machine) {
        Err(_) => (Expect::Refused, None),
        Ok(routed) => {
            let rule = routed.decision.rule.map(|rule| rule.id);
            let expect = match routed.decision.outcome {
                Outcome::Ask => Expect::Ask,
                Outcome::AsBefore => Expect::Before,
                Outcome::Open(target) => {
                    let name = format!("{}:{}", target.browser, target.profile_dir);
                    let known = EXISTING.iter().find(|existing| **existing == name).unwrap();
                    Expect::Open(known)
                }
            };
            (expect, rule)
        }
    }
}

pub fn browsers() -> [BrowserId; 3] {
    [BrowserId::Edge, BrowserId::Chrome, BrowserId::Firefox]
}

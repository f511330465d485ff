//! The layered rules, compiled for speed, and the decision for one link.
//!
//! Every rule gets its place in one order (managed, user, recommended,
//! preset; file order within a layer). Host rules are indexed by host, and
//! subdomain rules by the domain they cover, so a link looks up its own
//! host and each parent domain once; all regular expressions form one
//! `RegexSet`, compiled only when a regular expression could still come
//! first. The first matching rule in the order decides.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::bytes::RegexSet;
use serde::Serialize;
use tandem_profiles::launch::LaunchTarget;

use crate::Said;
use crate::admin::AdminRules;
use crate::pattern::{self, Pattern};
use crate::rules::{Invalid, Layer, Rule, RuleRef};
use crate::settings::{Fallback, UserSettings};
use crate::target::Target;
use crate::web::WebLink;

/// How many regular expressions apply, across the layers: each is compiled
/// into the one set a link is matched against.
pub const MAX_REGEX_RULES: usize = 200;

/// Every rule that applies, in order, and what stops some from applying.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub invalid: Vec<Invalid>,
    /// Managed policy Tandem could not read: it may hold rules Tandem
    /// cannot see, so nothing below the managed layer decides.
    pub managed_problems: Vec<Said>,
    /// The person's rules file could not be read: nothing in it, nor below
    /// it, decides, since it may override what comes after.
    pub user_problem: Option<Said>,
    /// Recommended policy Tandem could not read (shown only: the person's
    /// own rules may override those anyway).
    pub recommended_problems: Vec<Said>,
    pub fallback: Fallback,
    pub unwrap_before_opening: bool,
}

impl RuleSet {
    pub fn assemble(
        managed: AdminRules,
        user: UserSettings,
        recommended: AdminRules,
        presets: Vec<Rule>,
    ) -> Self {
        let mut set = RuleSet {
            managed_problems: managed.problems,
            user_problem: user.problem,
            recommended_problems: recommended.problems,
            fallback: user.fallback,
            unwrap_before_opening: user.unwrap_before_opening,
            ..RuleSet::default()
        };
        set.invalid.extend(managed.invalid);
        set.invalid.extend(user.invalid);
        set.invalid.extend(recommended.invalid);
        let mut regexes = 0;
        for rule in managed
            .rules
            .into_iter()
            .chain(user.rules)
            .chain(recommended.rules)
            .chain(presets)
        {
            if matches!(rule.pattern, Pattern::Regex(_)) {
                regexes += 1;
                if regexes > MAX_REGEX_RULES {
                    set.invalid.push(Invalid {
                        id: rule.id,
                        layer: rule.layer,
                        pattern: rule.pattern.to_string(),
                        target: rule.target.to_string(),
                        origin: rule.origin,
                        reason: crate::Said::new("rule.invalid.too_many_regex")
                            .with("max", MAX_REGEX_RULES.to_string()),
                    });
                    continue;
                }
            }
            set.rules.push(rule);
        }
        set
    }

    /// Why nothing below the managed layer may decide, if so.
    pub fn blocked(&self) -> Option<Said> {
        if let Some(problem) = self.managed_problems.first() {
            return Some(
                Said::new("route.reason.managed_unreadable").with("problem", problem.clone()),
            );
        }
        self.user_problem
            .as_ref()
            .map(|problem| Said::new("route.reason.user_unreadable").with("problem", problem))
    }
}

/// What is known about the profiles, asked only when a rule needs it.
pub trait Facts {
    /// The profile `target` names (never `Ask` or `NoPreference`), or why
    /// there is none.
    fn resolve(&self, target: &Target) -> Resolved;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// This profile, described for people ("the linked work profile, Default
    /// in Microsoft Edge").
    Profile { target: LaunchTarget, how: Said },
    /// None, and why not.
    Missing(Said),
}

/// What to do with a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Open(LaunchTarget),
    /// Open it as it would have opened without Tandem.
    AsBefore,
    Ask,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub rule: Option<RuleRef>,
    pub outcome: Outcome,
    /// A sentence for people.
    pub reason: Said,
}

/// The decision as the picker and `tandem route` show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Open,
    Ask,
}

/// "Your rule example.com", "your organization's rule …".
fn who(layer: Layer, pattern: String) -> Said {
    Said::new(match layer {
        Layer::Managed => "route.who.managed",
        Layer::User => "route.who.user",
        Layer::Recommended => "route.who.recommended",
        Layer::Preset => "route.who.preset",
    })
    .with("pattern", pattern)
}

#[derive(Debug)]
pub struct Router {
    set: RuleSet,
    /// Host → the rules for exactly that host.
    exact: HashMap<String, Vec<usize>>,
    /// Domain → the rules for its subdomains.
    subdomains: HashMap<String, Vec<usize>>,
    /// The rules with a regular expression, in order.
    regex_rules: Vec<usize>,
    regexes: OnceLock<Matcher>,
}

#[derive(Debug)]
enum Matcher {
    Set(RegexSet),
    /// The set was too large to build as one: each on its own.
    Each(Vec<Option<regex::bytes::Regex>>),
}

impl Router {
    pub fn new(set: RuleSet) -> Self {
        let mut exact: HashMap<String, Vec<usize>> = HashMap::new();
        let mut subdomains: HashMap<String, Vec<usize>> = HashMap::new();
        let mut regex_rules = Vec::new();
        for (index, rule) in set.rules.iter().enumerate() {
            match &rule.pattern {
                Pattern::Host {
                    host,
                    subdomains: false,
                    ..
                } => exact.entry(host.clone()).or_default().push(index),
                Pattern::Host { host, .. } => {
                    subdomains.entry(host.clone()).or_default().push(index)
                }
                Pattern::Regex(_) => regex_rules.push(index),
            }
        }
        Self {
            set,
            exact,
            subdomains,
            regex_rules,
            regexes: OnceLock::new(),
        }
    }

    pub fn rule_set(&self) -> &RuleSet {
        &self.set
    }

    pub fn rules(&self) -> &[Rule] {
        &self.set.rules
    }

    fn matcher(&self) -> &Matcher {
        self.regexes.get_or_init(|| {
            let expressions: Vec<String> = self
                .regex_rules
                .iter()
                .map(|&index| match &self.set.rules[index].pattern {
                    Pattern::Regex(regex) => pattern::anchor(regex),
                    Pattern::Host { .. } => String::from("$^"),
                })
                .collect();
            let limit = (pattern::REGEX_SIZE_LIMIT * expressions.len().max(1)).min(64 << 20);
            match regex::bytes::RegexSetBuilder::new(&expressions)
                .unicode(false)
                .size_limit(limit)
                .dfa_size_limit(limit)
                .build()
            {
                Ok(set) => Matcher::Set(set),
                Err(error) => {
                    tracing::warn!(%error, "the rules' regular expressions are matched one by one");
                    Matcher::Each(
                        self.regex_rules
                            .iter()
                            .map(|&index| match &self.set.rules[index].pattern {
                                Pattern::Regex(regex) => pattern::anchored(regex).ok(),
                                Pattern::Host { .. } => None,
                            })
                            .collect(),
                    )
                }
            }
        })
    }

    /// Every rule that matches `link`, in order (regular expressions only
    /// where one could come before the first host rule that decides).
    pub fn matching(&self, link: &WebLink) -> Vec<usize> {
        let host = link.host();
        let mut found: Vec<usize> = Vec::new();
        let host_rule_matches = |index: &usize| {
            let Pattern::Host { port, path, .. } = &self.set.rules[*index].pattern else {
                return false;
            };
            pattern::port_matches(*port, link)
                && pattern::path_matches(path.as_deref(), link.path())
        };
        if let Some(rules) = self.exact.get(&host) {
            found.extend(rules.iter().filter(|index| host_rule_matches(index)));
        }
        // Each parent domain of the host, at label boundaries: a.b.c looks
        // up b.c and c.
        let mut rest = host.as_str();
        while let Some(dot) = rest.find('.') {
            // An empty label (`.github.com`, `a..github.com`) names no
            // subdomain of what follows it.
            if dot == 0 {
                break;
            }
            rest = &rest[dot + 1..];
            if let Some(rules) = self.subdomains.get(rest) {
                found.extend(rules.iter().filter(|index| host_rule_matches(index)));
            }
        }
        found.sort_unstable();
        // A regular expression matters only if it could come before the
        // first host rule found that decides ("No preference" decides nothing).
        let first_host = found
            .iter()
            .copied()
            .find(|&index| self.set.rules[index].target != Target::NoPreference)
            .unwrap_or(usize::MAX);
        if self
            .regex_rules
            .first()
            .is_some_and(|&first| first < first_host)
        {
            let text = link.normalized().as_bytes();
            match self.matcher() {
                Matcher::Set(set) => {
                    found.extend(set.matches(text).iter().map(|at| self.regex_rules[at]));
                }
                Matcher::Each(each) => found.extend(
                    each.iter()
                        .zip(&self.regex_rules)
                        .filter(|(regex, _)| regex.as_ref().is_some_and(|r| r.is_match(text)))
                        .map(|(_, index)| *index),
                ),
            }
            found.sort_unstable();
        }
        found
    }

    /// Decides where `link` opens.
    pub fn decide(&self, link: &WebLink, facts: &dyn Facts) -> Decision {
        let blocked = self.set.blocked();
        let mut passed: Option<Layer> = None;
        for index in self.matching(link) {
            let rule = &self.set.rules[index];
            if passed == Some(rule.layer) {
                continue;
            }
            if rule.layer != Layer::Managed
                && let Some(blocked) = &blocked
            {
                return Decision {
                    rule: None,
                    outcome: Outcome::Ask,
                    reason: blocked.clone(),
                };
            }
            let said = who(rule.layer, rule.pattern.to_string());
            let outcome = match &rule.target {
                Target::NoPreference => {
                    passed = Some(rule.layer);
                    continue;
                }
                Target::Ask => (
                    Outcome::Ask,
                    Said::new("route.reason.rule_asks").with("rule", said),
                ),
                target => match facts.resolve(target) {
                    Resolved::Profile { target, how } => (
                        Outcome::Open(target),
                        Said::new("route.reason.rule_opens")
                            .with("rule", said)
                            .with("how", how),
                    ),
                    Resolved::Missing(why) => (
                        Outcome::Ask,
                        Said::new("route.reason.rule_target_missing")
                            .with("rule", said)
                            .with("target", rule.target.to_string())
                            .with("why", why),
                    ),
                },
            };
            return Decision {
                rule: Some(rule.reference()),
                outcome: outcome.0,
                reason: outcome.1,
            };
        }
        if let Some(blocked) = blocked {
            return Decision {
                rule: None,
                outcome: Outcome::Ask,
                reason: blocked,
            };
        }
        let (outcome, reason) = match &self.set.fallback {
            Fallback::Ask => (Outcome::Ask, Said::new("route.reason.fallback_ask")),
            Fallback::AsBefore => (
                Outcome::AsBefore,
                Said::new("route.reason.fallback_as_before"),
            ),
            Fallback::Profile(profile) => match facts.resolve(&Target::Profile(profile.clone())) {
                Resolved::Profile { target, how } => (
                    Outcome::Open(target),
                    Said::new("route.reason.fallback_profile").with("how", how),
                ),
                Resolved::Missing(why) => (
                    Outcome::Ask,
                    Said::new("route.reason.fallback_profile_missing")
                        .with("profile", profile.to_string())
                        .with("why", why),
                ),
            },
        };
        Decision {
            rule: None,
            outcome,
            reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Origin;
    use std::path::PathBuf;
    use tandem_profiles::BrowserId;

    struct Everything;

    impl Facts for Everything {
        fn resolve(&self, target: &Target) -> Resolved {
            let dir = match target {
                Target::Work => "Work",
                Target::Personal => "Personal",
                Target::Profile(profile) if profile.profile_dir == "Gone" => {
                    return Resolved::Missing(Said::verbatim("its folder is gone"));
                }
                Target::Profile(profile) => &profile.profile_dir.clone(),
                _ => "Other",
            };
            Resolved::Profile {
                target: LaunchTarget {
                    browser: BrowserId::Edge,
                    user_data_dir: PathBuf::from("/u"),
                    profile_dir: dir.to_owned(),
                    name: dir.to_owned(),
                },
                how: Said::verbatim(dir),
            }
        }
    }

    fn rule(id: &str, layer: Layer, pattern: &str, target: Target) -> Rule {
        Rule {
            id: id.into(),
            layer,
            pattern: Pattern::parse(pattern).unwrap(),
            target,
            origin: Origin::File { line: 1 },
            account: None,
        }
    }

    fn decide(router: &Router, url: &str) -> (Option<String>, Outcome) {
        let decision = router.decide(&WebLink::parse(url).unwrap(), &Everything);
        (decision.rule.map(|rule| rule.id), decision.outcome)
    }

    fn opened(dir: &str) -> Outcome {
        Outcome::Open(LaunchTarget {
            browser: BrowserId::Edge,
            user_data_dir: PathBuf::from("/u"),
            profile_dir: dir.into(),
            name: dir.into(),
        })
    }

    #[test]
    fn the_first_rule_in_layer_order_decides_and_no_preference_passes_on() {
        let set = RuleSet {
            rules: vec![
                rule("m1", Layer::Managed, "any.example", Target::NoPreference),
                rule("m2", Layer::Managed, "*.any.example", Target::NoPreference),
                rule(
                    "m3",
                    Layer::Managed,
                    "re:https://forced\\.example/.*",
                    Target::Work,
                ),
                rule("u1", Layer::User, "any.example", Target::Personal),
                rule("u2", Layer::User, "*.example", Target::Ask),
                rule("u3", Layer::User, "docs.example/a", Target::Work),
                rule("p1", Layer::Preset, "forced.example", Target::Personal),
            ],
            ..RuleSet::default()
        };
        let router = Router::new(set);
        assert_eq!(
            decide(&router, "https://any.example/"),
            (Some("u1".into()), opened("Personal"))
        );
        assert_eq!(
            decide(&router, "https://forced.example/x"),
            (Some("m3".into()), opened("Work"))
        );
        assert_eq!(
            decide(&router, "https://docs.example/a/b"),
            (Some("u2".into()), Outcome::Ask),
            "u2 comes first in the file"
        );
        assert_eq!(
            decide(&router, "https://elsewhere.test/"),
            (None, Outcome::AsBefore)
        );
    }

    #[test]
    fn a_missing_profile_asks_and_unreadable_admin_rules_block_the_rest() {
        let set = RuleSet {
            rules: vec![
                rule("m1", Layer::Managed, "admin.example", Target::Work),
                rule(
                    "u1",
                    Layer::User,
                    "gone.example",
                    Target::Profile("edge:Gone".parse().unwrap()),
                ),
            ],
            ..RuleSet::default()
        };
        let router = Router::new(set.clone());
        let gone = router.decide(
            &WebLink::parse("https://gone.example/").unwrap(),
            &Everything,
        );
        assert_eq!(gone.outcome, Outcome::Ask);
        assert!(
            gone.reason.to_string().contains("folder is gone"),
            "{}",
            gone.reason
        );
        let blocked = Router::new(RuleSet {
            managed_problems: vec![Said::verbatim("x.json is not valid JSON")],
            ..set
        });
        assert_eq!(
            decide(&blocked, "https://admin.example/"),
            (Some("m1".into()), opened("Work"))
        );
        let asked = blocked.decide(
            &WebLink::parse("https://gone.example/").unwrap(),
            &Everything,
        );
        assert_eq!(asked.outcome, Outcome::Ask);
        assert!(
            asked.reason.to_string().contains("x.json"),
            "{}",
            asked.reason
        );
    }
}

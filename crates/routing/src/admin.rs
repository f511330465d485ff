//! The admin's rules, from policy: Tandem's `RoutingRules` (read from the
//! same places, with the same precedence, as `LinkingEnabled`) and Edge's
//! `AutomaticProfileSwitchingSiteList`, each at the managed and the
//! recommended level.
//!
//! `RoutingRules` is a list of `{"pattern": …, "target": …}` in the syntax
//! of the person's rules. Edge's list is `{"site": <host>, "profile":
//! "Work" | "Personal" | "No preference" | "*@domain"}`. On Windows both
//! arrive as JSON text in a string value, and are read the same way.
//!
//! A policy source that cannot be read may hold managed rules Tandem cannot
//! see; the decision then asks about every link the readable managed rules
//! do not decide (see `Router::decide`).

use serde_json::Value;
use tandem_policy::{EDGE_SITE_LIST, Level, PolicySet, Publisher, Said, TANDEM_ROUTING_RULES};

use crate::pattern::Pattern;
use crate::rules::{Invalid, Layer, Origin, Rule};
use crate::target::Target;

/// The admin's rules at one level, in order: Tandem's, then Edge's.
#[derive(Debug, Clone, Default)]
pub struct AdminRules {
    pub rules: Vec<Rule>,
    pub invalid: Vec<Invalid>,
    /// Why the admin's rules at this level may be incomplete.
    pub problems: Vec<Said>,
}

fn entries(value: &Value) -> Result<Vec<Value>, Said> {
    match value {
        Value::Array(items) => Ok(items.clone()),
        Value::String(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(items)) => Ok(items),
            Ok(_) => Err(Said::new("rules.admin.not_a_list")),
            Err(error) => Err(Said::new("rules.admin.not_json_list")
                .with("detail", Said::verbatim(error.to_string()))),
        },
        _ => Err(Said::new("rules.admin.not_a_list")),
    }
}

/// Two text fields of a list entry, or what is wrong with the entry.
fn text_fields(
    item: &Value,
    first: &str,
    second: &str,
) -> Result<(String, String), (String, String, Said)> {
    let text = |name: &str| item.get(name).and_then(Value::as_str).map(str::to_owned);
    match (text(first), text(second)) {
        (Some(a), Some(b)) => Ok((a, b)),
        (a, b) => Err((
            a.unwrap_or_default(),
            b.unwrap_or_default(),
            Said::new("rule.invalid.fields")
                .with("first", first)
                .with("second", second),
        )),
    }
}

/// Edge names a site by host; a pasted link or a `*.` prefix is accepted.
fn site_pattern(site: &str) -> Result<Pattern, Said> {
    let site = site.trim();
    let host = url::Url::parse(site)
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https"))
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_else(|| site.to_owned());
    match Pattern::parse(&host) {
        Ok(pattern @ Pattern::Host { path: None, .. }) => Ok(pattern),
        Ok(_) => Err(Said::new("rule.invalid.site_path")),
        Err(error) => Err(error.said()),
    }
}

impl AdminRules {
    /// The rules of `level` (managed or recommended).
    pub fn read(policy: &PolicySet, level: Level) -> Self {
        let mut admin = AdminRules::default();
        let (layer, prefix) = match level {
            Level::Managed => (Layer::Managed, "managed"),
            Level::Recommended => (Layer::Recommended, "recommended"),
        };
        for publisher in [Publisher::Tandem, Publisher::Edge] {
            for problem in policy.problems_at(publisher, level) {
                admin.problems.push(
                    Said::new("rules.admin.source")
                        .with("location", &problem.source.location)
                        .with("problem", problem.reason.clone()),
                );
            }
        }
        if let Some(setting) = policy.get_at(Publisher::Tandem, TANDEM_ROUTING_RULES, level) {
            admin.add_list(
                setting,
                TANDEM_ROUTING_RULES,
                layer,
                prefix,
                |item| text_fields(item, "pattern", "target"),
                |pattern, target| {
                    let pattern = Pattern::parse(pattern)
                        .map_err(|e| Said::new("rule.invalid.pattern").with("problem", e.said()))?;
                    let target = Target::parse(target)
                        .map_err(|e| Said::new("rule.invalid.target").with("problem", e.said()))?;
                    Ok((pattern, target))
                },
            );
        }
        if let Some(setting) = policy.get_at(Publisher::Edge, EDGE_SITE_LIST, level) {
            admin.add_list(
                setting,
                EDGE_SITE_LIST,
                layer,
                &format!("edge-{prefix}"),
                |item| text_fields(item, "site", "profile"),
                |site, profile| {
                    let pattern = site_pattern(site)
                        .map_err(|e| Said::new("rule.invalid.site").with("problem", e))?;
                    let target = Target::parse_edge(profile)
                        .map_err(|e| Said::new("rule.invalid.profile").with("problem", e.said()))?;
                    Ok((pattern, target))
                },
            );
        }
        admin
    }

    #[allow(clippy::too_many_arguments)]
    fn add_list(
        &mut self,
        setting: &tandem_policy::Setting,
        policy: &'static str,
        layer: Layer,
        prefix: &str,
        fields: impl Fn(&Value) -> Result<(String, String), (String, String, Said)>,
        read: impl Fn(&str, &str) -> Result<(Pattern, Target), Said>,
    ) {
        let origin = Origin::Policy {
            policy,
            location: setting.source.location.clone(),
        };
        let items = match entries(&setting.value) {
            Ok(items) => items,
            Err(reason) => {
                self.problems.push(
                    Said::new("rules.admin.policy")
                        .with("policy", policy)
                        .with("location", &setting.source.location)
                        .with("problem", reason),
                );
                return;
            }
        };
        for (index, item) in items.iter().enumerate() {
            let id = format!("{prefix}-{}", index + 1);
            let read_fields = fields(item);
            let (pattern_text, target_text) = match &read_fields {
                Ok((pattern, target)) | Err((pattern, target, _)) => {
                    (pattern.clone(), target.clone())
                }
            };
            let read_rule = read_fields
                .map_err(|(_, _, reason)| reason)
                .and_then(|(pattern, target)| read(&pattern, &target));
            match read_rule {
                Ok((pattern, target)) => self.rules.push(Rule {
                    id,
                    layer,
                    pattern,
                    target,
                    origin: origin.clone(),
                    account: None,
                }),
                Err(reason) => self.invalid.push(Invalid {
                    id,
                    layer,
                    pattern: pattern_text,
                    target: target_text,
                    origin: origin.clone(),
                    reason,
                }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(files: &[(&str, &str)]) -> PolicySet {
        let root = tempfile::tempdir().unwrap();
        let locations = tandem_locations::Locations::under(root.path());
        for (path, text) in files {
            let path = locations.system_path(path).unwrap();
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        PolicySet::read_linux(&locations)
    }

    #[test]
    fn both_policies_are_read_at_both_levels_in_order() {
        let set = policy(&[
            (
                "/etc/tandem/policies/managed/routing.json",
                r#"{"RoutingRules": [{"pattern": "*.contoso.com", "target": "work"}, {"pattern": "x", "target": "nowhere"}]}"#,
            ),
            (
                "/etc/opt/edge/policies/managed/sites.json",
                r#"{"AutomaticProfileSwitchingSiteList": "[{\"site\": \"personal.example\", \"profile\": \"Personal\"}, {\"site\": \"any.example\", \"profile\": \"No preference\"}]"}"#,
            ),
            (
                "/etc/opt/edge/policies/recommended/sites.json",
                r#"{"AutomaticProfileSwitchingSiteList": [{"site": "https://fabrikam.com/", "profile": "*@fabrikam.com"}]}"#,
            ),
        ]);
        let managed = AdminRules::read(&set, Level::Managed);
        let ids: Vec<_> = managed.rules.iter().map(|rule| rule.id.as_str()).collect();
        assert_eq!(ids, ["managed-1", "edge-managed-1", "edge-managed-2"]);
        assert_eq!(managed.rules[2].target, Target::NoPreference);
        assert_eq!(managed.invalid.len(), 1);
        assert_eq!(managed.invalid[0].id, "managed-2");
        let recommended = AdminRules::read(&set, Level::Recommended);
        assert_eq!(recommended.rules.len(), 1);
        assert_eq!(recommended.rules[0].pattern.to_string(), "fabrikam.com");
        assert_eq!(
            recommended.rules[0].target,
            Target::AccountDomain("fabrikam.com".into())
        );
    }

    #[test]
    fn an_unreadable_source_is_a_problem() {
        let set = policy(&[("/etc/tandem/policies/managed/broken.json", "{")]);
        let managed = AdminRules::read(&set, Level::Managed);
        assert_eq!(managed.problems.len(), 1);
        assert!(managed.problems[0].to_string().contains("broken.json"));
        let wrong = policy(&[(
            "/etc/tandem/policies/managed/r.json",
            r#"{"RoutingRules": {"pattern": "a"}}"#,
        )]);
        let problem = &AdminRules::read(&wrong, Level::Managed).problems[0];
        assert!(problem.to_string().contains("not a list"), "{problem:?}");
        assert!(
            problem
                .in_language(tandem_policy::Language::Nl)
                .contains("geen lijst"),
            "{problem:?}"
        );
    }
}

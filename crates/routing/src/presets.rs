//! Tandem's built-in rules, as data. Each host is here because it serves
//! one kind of Microsoft account only, so sending it to that kind's profile
//! can never be wrong; hosts that serve both kinds (`www.office.com`,
//! `portal.azure.com`, `copilot.microsoft.com`) are left to the person.
//!
//! The work tenant's own services come from the linked work account's
//! domains: its email domain, and its `*.onmicrosoft.com` domain where
//! known, give the tenant's names (`contoso`), and the names give the
//! SharePoint and OneDrive hosts.

use crate::Said;
use crate::pattern::Pattern;
use crate::rules::{Layer, Origin, Rule};
use crate::target::Target;

/// A built-in host and why it is unambiguous (a catalogue key).
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    pub host: &'static str,
    pub why: &'static str,
}

/// Microsoft's consumer services: personal Microsoft accounts only.
pub const PERSONAL: &[Preset] = &[
    Preset {
        host: "outlook.live.com",
        why: "preset.outlook_live_com",
    },
    Preset {
        host: "onedrive.live.com",
        why: "preset.onedrive_live_com",
    },
    Preset {
        host: "account.microsoft.com",
        why: "preset.account_microsoft_com",
    },
    Preset {
        host: "account.live.com",
        why: "preset.account_live_com",
    },
    Preset {
        host: "login.live.com",
        why: "preset.login_live_com",
    },
    Preset {
        host: "rewards.bing.com",
        why: "preset.rewards_bing_com",
    },
    Preset {
        host: "family.microsoft.com",
        why: "preset.family_microsoft_com",
    },
    Preset {
        host: "teams.live.com",
        why: "preset.teams_live_com",
    },
];

/// Microsoft 365 services that only work or school accounts sign in to.
pub const WORK: &[Preset] = &[
    Preset {
        host: "outlook.office.com",
        why: "preset.outlook_office_com",
    },
    Preset {
        host: "outlook.office365.com",
        why: "preset.outlook_office365_com",
    },
    Preset {
        host: "myaccount.microsoft.com",
        why: "preset.myaccount_microsoft_com",
    },
    Preset {
        host: "myapps.microsoft.com",
        why: "preset.myapps_microsoft_com",
    },
    Preset {
        host: "admin.microsoft.com",
        why: "preset.admin_microsoft_com",
    },
];

/// The tenant's own hosts, `{tenant}` replaced by each of its names.
pub const TENANT: &[Preset] = &[
    Preset {
        host: "{tenant}.sharepoint.com",
        why: "preset.tenant_sharepoint_com",
    },
    Preset {
        host: "{tenant}-my.sharepoint.com",
        why: "preset.tenant_my_sharepoint_com",
    },
    Preset {
        host: "{tenant}-admin.sharepoint.com",
        why: "preset.tenant_admin_sharepoint_com",
    },
];

/// Domains that are never one organization's own, so are no tenant's name
/// and get no domain rule.
const SHARED_DOMAINS: &[&str] = &[
    "onmicrosoft.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "gmail.com",
    "googlemail.com",
];

/// Second-level labels under a country code that belong to the registry,
/// not to the organization (`contoso.co.uk` is named `contoso`).
const REGISTRY_LABELS: &[&str] = &[
    "co", "com", "ac", "gov", "org", "net", "edu", "ne", "or", "go",
];

/// One linked work account's domains, as far as they are known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkDomains {
    pub domains: Vec<String>,
}

impl WorkDomains {
    /// From the work account's email addresses (the profile's, and the one
    /// Tandem signed in to, which may be the `onmicrosoft.com` one).
    pub fn from_emails<'a>(emails: impl IntoIterator<Item = &'a str>) -> Self {
        let mut domains: Vec<String> = emails
            .into_iter()
            .filter_map(|email| email.rsplit_once('@').map(|(_, domain)| domain))
            .map(|domain| domain.trim().trim_end_matches('.').to_ascii_lowercase())
            .filter(|domain| is_plain_domain(domain))
            .collect();
        domains.sort();
        domains.dedup();
        Self { domains }
    }

    /// The tenant's names: `contoso` from `contoso.onmicrosoft.com`, from
    /// `contoso.com` and from `contoso.co.uk`.
    pub fn tenant_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .domains
            .iter()
            .filter_map(|domain| tenant_name(domain))
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

fn is_plain_domain(domain: &str) -> bool {
    domain.contains('.')
        && domain.len() <= 253
        && domain.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

fn tenant_name(domain: &str) -> Option<String> {
    let labels: Vec<&str> = domain.split('.').collect();
    let name = if let Some(name) = domain.strip_suffix(".onmicrosoft.com") {
        (!name.contains('.')).then_some(name)?
    } else if SHARED_DOMAINS.contains(&domain) {
        return None;
    } else {
        let n = labels.len();
        if n >= 3 && labels[n - 1].len() == 2 && REGISTRY_LABELS.contains(&labels[n - 2]) {
            labels[n - 3]
        } else {
            labels[n.checked_sub(2)?]
        }
    };
    // SharePoint tenant names are letters and digits only.
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric())).then(|| name.to_owned())
}

fn rule(id: String, host: &str, target: Target, why: Said) -> Option<Rule> {
    Some(Rule {
        id,
        layer: Layer::Preset,
        pattern: Pattern::parse(host).ok()?,
        target,
        origin: Origin::Preset { why },
        account: None,
    })
}

/// Every built-in rule: consumer services to personal, Microsoft 365 to
/// work, and each linked tenant's hosts and email domain to work.
pub fn rules(tenants: &[WorkDomains]) -> Vec<Rule> {
    let mut rules: Vec<Rule> = Vec::new();
    for preset in PERSONAL {
        rules.extend(rule(
            format!("preset:{}", preset.host),
            preset.host,
            Target::Personal,
            Said::new(preset.why),
        ));
    }
    for preset in WORK {
        rules.extend(rule(
            format!("preset:{}", preset.host),
            preset.host,
            Target::Work,
            Said::new(preset.why),
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for tenant in tenants {
        for name in tenant.tenant_names() {
            for preset in TENANT {
                let host = preset.host.replace("{tenant}", &name);
                if seen.insert(host.clone()) {
                    rules.extend(rule(
                        format!("tenant:{host}"),
                        &host,
                        Target::Work,
                        Said::new(preset.why),
                    ));
                }
            }
        }
        for domain in &tenant.domains {
            if domain.ends_with(".onmicrosoft.com") || SHARED_DOMAINS.contains(&domain.as_str()) {
                continue;
            }
            for host in [domain.clone(), format!("*.{domain}")] {
                if seen.insert(host.clone()) {
                    rules.extend(rule(
                        format!("tenant:{host}"),
                        &host,
                        Target::Work,
                        Said::new("preset.work_domain").with("domain", domain),
                    ));
                }
            }
        }
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_names_come_from_the_work_domains() {
        let domains = WorkDomains::from_emails([
            "ada@contoso.com",
            "ada@contoso.onmicrosoft.com",
            "Ada@Fabrikam.co.uk.",
            "not an address",
        ]);
        assert_eq!(
            domains.domains,
            ["contoso.com", "contoso.onmicrosoft.com", "fabrikam.co.uk"]
        );
        assert_eq!(domains.tenant_names(), ["contoso", "fabrikam"]);
        assert!(
            WorkDomains::from_emails(["x@outlook.com"])
                .tenant_names()
                .is_empty()
        );
        assert!(
            WorkDomains::from_emails(["x@my-org.com"])
                .tenant_names()
                .is_empty()
        );
    }

    #[test]
    fn the_presets_parse_and_say_why() {
        let rules = rules(&[WorkDomains::from_emails(["ada@contoso.com"])]);
        assert_eq!(
            rules.len(),
            PERSONAL.len() + WORK.len() + TENANT.len() + 2,
            "every preset host parses"
        );
        for rule in &rules {
            let Origin::Preset { why } = &rule.origin else {
                panic!("{rule:?}")
            };
            assert!(why.to_string().len() > 10, "{rule:?}");
        }
        assert!(
            rules
                .iter()
                .any(|rule| rule.id == "tenant:contoso-my.sharepoint.com")
        );
        assert!(rules.iter().any(|rule| rule.id == "tenant:*.contoso.com"));
    }
}

//! Deciding an account's kind from the evidence in the files, in a fixed,
//! documented order. The first rule that applies decides, and the profile
//! records which one it was:
//!
//! 1. `edge_account_tenant_id`: the consumer tenant is personal, any other is work.
//! 2. `profile.is_relative_to_aad == true` is work.
//! 3. `edge_account_type`: 1 is personal, 2 is work, any other non-zero value is
//!    unknown (logged, never guessed).
//! 4. `hosted_domain`/`hd` is a Google account (`NO_HOSTED_DOMAIN`: consumer).
//! 5. Nobody signed in (no email, no account id, type 0 or missing) is nobody.
//! 6. A signed-in account in a Google-only browser is Google.
//! 7. Anything else is unknown, and logged.

use crate::catalogue::BrowserId;
use tandem_microsoft::MicrosoftAccountKind;

use crate::model::{Account, AccountKind, Evidence};

#[derive(Debug, Default, Clone)]
pub struct Signals {
    pub is_edge: bool,
    pub tenant_id: Option<String>,
    pub relative_to_aad: Option<bool>,
    pub edge_account_type: Option<i64>,
    pub hosted_domain: Option<String>,
    pub signed_in: bool,
    pub email: Option<String>,
    pub display_name: Option<String>,
}

pub fn classify(browser: BrowserId, profile_dir: &str, signals: Signals) -> Account {
    let (kind, evidence) = decide(&signals);
    if kind == AccountKind::Unknown {
        tracing::info!(
            browser = %browser,
            profile = profile_dir,
            ?evidence,
            "cannot tell which kind of account is signed in; showing it as unknown"
        );
    }
    let signed_out = kind == AccountKind::None;
    Account {
        kind,
        email: if signed_out { None } else { signals.email },
        display_name: if signed_out {
            None
        } else {
            signals.display_name
        },
        tenant_id: signals.tenant_id,
        evidence,
    }
}

fn decide(signals: &Signals) -> (AccountKind, Evidence) {
    if let Some(tenant) = &signals.tenant_id {
        let kind = match MicrosoftAccountKind::of_tenant(tenant) {
            MicrosoftAccountKind::Personal => AccountKind::Personal,
            MicrosoftAccountKind::Work => AccountKind::Work,
        };
        return (kind, Evidence::TenantId);
    }
    if signals.relative_to_aad == Some(true) {
        return (AccountKind::Work, Evidence::RelativeToAad);
    }
    match signals.edge_account_type {
        Some(1) => {
            return (
                AccountKind::Personal,
                Evidence::EdgeAccountType { value: 1 },
            );
        }
        Some(2) => return (AccountKind::Work, Evidence::EdgeAccountType { value: 2 }),
        Some(value) if value != 0 => {
            return (AccountKind::Unknown, Evidence::EdgeAccountType { value });
        }
        _ => {}
    }
    if let Some(hosted_domain) = &signals.hosted_domain {
        return (
            AccountKind::Google,
            Evidence::HostedDomain {
                hosted_domain: hosted_domain.clone(),
            },
        );
    }
    if !signals.signed_in {
        return match signals.edge_account_type {
            Some(value) => (AccountKind::None, Evidence::EdgeAccountType { value }),
            None => (AccountKind::None, Evidence::NoAccount),
        };
    }
    if !signals.is_edge {
        return (AccountKind::Google, Evidence::GoogleSignIn);
    }
    (AccountKind::Unknown, Evidence::Undecided)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(signals: Signals) -> (AccountKind, Evidence) {
        decide(&signals)
    }

    fn edge() -> Signals {
        Signals {
            is_edge: true,
            ..Signals::default()
        }
    }

    #[test]
    fn tenant_decides_first() {
        let personal = Signals {
            tenant_id: Some(crate::model::CONSUMER_TENANT_ID.to_uppercase()),
            edge_account_type: Some(2),
            ..edge()
        };
        assert_eq!(kind(personal), (AccountKind::Personal, Evidence::TenantId));
        let work = Signals {
            tenant_id: Some("72f988bf-86f1-41af-91ab-2d7cd011db47".into()),
            edge_account_type: Some(5),
            ..edge()
        };
        assert_eq!(kind(work), (AccountKind::Work, Evidence::TenantId));
    }

    #[test]
    fn aad_flag_then_edge_type() {
        let aad = Signals {
            relative_to_aad: Some(true),
            edge_account_type: Some(1),
            ..edge()
        };
        assert_eq!(kind(aad), (AccountKind::Work, Evidence::RelativeToAad));
        let msa = Signals {
            relative_to_aad: Some(false),
            edge_account_type: Some(1),
            signed_in: true,
            ..edge()
        };
        assert_eq!(kind(msa).0, AccountKind::Personal);
    }

    #[test]
    fn unknown_types_are_not_guessed() {
        let odd = Signals {
            edge_account_type: Some(5),
            signed_in: true,
            ..edge()
        };
        assert_eq!(
            kind(odd),
            (AccountKind::Unknown, Evidence::EdgeAccountType { value: 5 })
        );
        let bare = Signals {
            signed_in: true,
            ..edge()
        };
        assert_eq!(kind(bare), (AccountKind::Unknown, Evidence::Undecided));
    }

    #[test]
    fn nobody_and_google() {
        assert_eq!(
            kind(Signals {
                edge_account_type: Some(0),
                ..edge()
            }),
            (AccountKind::None, Evidence::EdgeAccountType { value: 0 })
        );
        assert_eq!(
            kind(Signals::default()),
            (AccountKind::None, Evidence::NoAccount)
        );
        let consumer = Signals {
            hosted_domain: Some("NO_HOSTED_DOMAIN".into()),
            signed_in: true,
            ..Signals::default()
        };
        assert_eq!(kind(consumer).0, AccountKind::Google);
        let chrome = Signals {
            signed_in: true,
            ..Signals::default()
        };
        assert_eq!(kind(chrome), (AccountKind::Google, Evidence::GoogleSignIn));
    }

    #[test]
    fn signed_out_profiles_carry_no_identity() {
        let account = classify(
            BrowserId::Edge,
            "Default",
            Signals {
                display_name: Some("stale".into()),
                ..edge()
            },
        );
        assert_eq!(account.kind, AccountKind::None);
        assert_eq!(account.display_name, None);
    }
}

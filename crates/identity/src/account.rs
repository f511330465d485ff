//! Microsoft accounts as Tandem knows them: keyed by tenant and object id,
//! never by email, and classified by tenant.

use serde::{Deserialize, Serialize};
pub use tandem_microsoft::{AccountKey, CONSUMER_TENANT_ID, MicrosoftAccountKind};

/// A signed-in account, without any secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Account {
    pub kind: MicrosoftAccountKind,
    pub tenant_id: String,
    pub object_id: String,
    /// `preferred_username`: for display only, it can change.
    pub username: Option<String>,
    pub name: Option<String>,
}

impl Account {
    /// The stable key: `<object id>.<tenant id>`, as Microsoft's libraries
    /// write a home account id. Emails change; these ids do not.
    pub fn key(&self) -> AccountKey {
        AccountKey::new(&self.object_id, &self.tenant_id)
    }

    /// Whether `query` names this account: its key or its username.
    pub fn matches(&self, query: &str) -> bool {
        let query = query.trim();
        self.key().as_str().eq_ignore_ascii_case(query)
            || self
                .username
                .as_deref()
                .is_some_and(|username| username.eq_ignore_ascii_case(query))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(tenant: &str) -> Account {
        Account {
            kind: MicrosoftAccountKind::of_tenant(tenant),
            tenant_id: tenant.into(),
            object_id: "00000000-0000-0000-0000-0000000000AB".into(),
            username: Some("Ada@Contoso.com".into()),
            name: Some("Ada".into()),
        }
    }

    #[test]
    fn keyed_by_ids_and_found_by_key_or_username() {
        let work = account("72F988BF-86f1-41af-91ab-2d7cd011db47");
        assert_eq!(
            work.key().as_str(),
            "00000000-0000-0000-0000-0000000000ab.72f988bf-86f1-41af-91ab-2d7cd011db47"
        );
        assert!(work.matches("ada@contoso.com"));
        assert!(work.matches(&work.key().as_str().to_uppercase()));
        assert!(!work.matches("ada"));
    }

    #[test]
    fn json_shape() {
        let json = serde_json::to_value(account(CONSUMER_TENANT_ID)).unwrap();
        assert_eq!(json["kind"], "personal");
        assert_eq!(json["tenant_id"], CONSUMER_TENANT_ID);
        assert_eq!(json["object_id"], "00000000-0000-0000-0000-0000000000AB");
        assert_eq!(json["username"], "Ada@Contoso.com");
        assert_eq!(json["name"], "Ada");
    }
}

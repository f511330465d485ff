//! Microsoft accounts as Tandem knows them: keyed by tenant and object id,
//! never by email, and classified by tenant.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The tenant id Microsoft gives every personal Microsoft account.
pub const CONSUMER_TENANT_ID: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// A personal Microsoft account (the consumer tenant).
    Personal,
    /// A work or school account (any other Entra ID tenant).
    Work,
}

impl AccountKind {
    pub const ALL: [AccountKind; 2] = [AccountKind::Personal, AccountKind::Work];

    /// The kind a tenant id means.
    pub fn of_tenant(tenant_id: &str) -> Self {
        if tenant_id.trim().eq_ignore_ascii_case(CONSUMER_TENANT_ID) {
            AccountKind::Personal
        } else {
            AccountKind::Work
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Personal => "personal",
            AccountKind::Work => "work",
        }
    }
}

/// A signed-in account, without any secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Account {
    pub kind: AccountKind,
    pub tenant_id: String,
    pub object_id: String,
    /// `preferred_username`: for display only, it can change.
    pub username: Option<String>,
    pub name: Option<String>,
}

impl Account {
    /// The stable key: `<object id>.<tenant id>`, as Microsoft's libraries
    /// write a home account id. Emails change; these ids do not.
    pub fn key(&self) -> String {
        format!(
            "{}.{}",
            self.object_id.to_ascii_lowercase(),
            self.tenant_id.to_ascii_lowercase()
        )
    }

    /// Whether `query` names this account: its key or its username.
    pub fn matches(&self, query: &str) -> bool {
        let query = query.trim();
        self.key().eq_ignore_ascii_case(query)
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
            kind: AccountKind::of_tenant(tenant),
            tenant_id: tenant.into(),
            object_id: "00000000-0000-0000-0000-0000000000AB".into(),
            username: Some("Ada@Contoso.com".into()),
            name: Some("Ada".into()),
        }
    }

    #[test]
    fn the_consumer_tenant_is_personal_any_other_is_work() {
        assert_eq!(
            AccountKind::of_tenant(CONSUMER_TENANT_ID),
            AccountKind::Personal
        );
        assert_eq!(
            AccountKind::of_tenant(&CONSUMER_TENANT_ID.to_uppercase()),
            AccountKind::Personal
        );
        assert_eq!(
            AccountKind::of_tenant("72f988bf-86f1-41af-91ab-2d7cd011db47"),
            AccountKind::Work
        );
    }

    #[test]
    fn keyed_by_ids_and_found_by_key_or_username() {
        let work = account("72F988BF-86f1-41af-91ab-2d7cd011db47");
        assert_eq!(
            work.key(),
            "00000000-0000-0000-0000-0000000000ab.72f988bf-86f1-41af-91ab-2d7cd011db47"
        );
        assert!(work.matches("ada@contoso.com"));
        assert!(work.matches(&work.key().to_uppercase()));
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

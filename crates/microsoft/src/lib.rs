//! Facts of Microsoft's identity platform, in one place: the tenant every
//! personal Microsoft account belongs to, which kind of account a tenant
//! means, and the key an account is known by. Both the browser-profile
//! reader and the sign-in use them, so neither defines them again.

use serde::{Deserialize, Serialize};

/// The tenant id Microsoft gives every personal Microsoft account.
pub const CONSUMER_TENANT_ID: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

/// Microsoft's two kinds of account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MicrosoftAccountKind {
    /// A personal Microsoft account (the consumer tenant).
    Personal,
    /// A work or school account (any other Entra ID tenant).
    Work,
}

impl MicrosoftAccountKind {
    pub const ALL: [MicrosoftAccountKind; 2] =
        [MicrosoftAccountKind::Personal, MicrosoftAccountKind::Work];

    /// The kind a tenant id means: the consumer tenant is personal, any
    /// other is a work or school tenant.
    pub fn of_tenant(tenant_id: &str) -> Self {
        if tenant_id.trim().eq_ignore_ascii_case(CONSUMER_TENANT_ID) {
            MicrosoftAccountKind::Personal
        } else {
            MicrosoftAccountKind::Work
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MicrosoftAccountKind::Personal => "personal",
            MicrosoftAccountKind::Work => "work",
        }
    }
}

/// The stable key of a signed-in account: `<object id>.<tenant id>`, in
/// lower case, as Microsoft's libraries write a home account id. Emails
/// change; these ids do not.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccountKey(String);

impl AccountKey {
    pub fn new(object_id: &str, tenant_id: &str) -> Self {
        Self(format!(
            "{}.{}",
            object_id.to_ascii_lowercase(),
            tenant_id.to_ascii_lowercase()
        ))
    }

    /// A key as it was written down, which may have come from anywhere.
    pub fn from_stored(key: impl Into<String>) -> Self {
        Self(key.into().to_ascii_lowercase())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AccountKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_consumer_tenant_is_personal_any_other_is_work() {
        assert_eq!(
            MicrosoftAccountKind::of_tenant(CONSUMER_TENANT_ID),
            MicrosoftAccountKind::Personal
        );
        assert_eq!(
            MicrosoftAccountKind::of_tenant(&format!(" {} ", CONSUMER_TENANT_ID.to_uppercase())),
            MicrosoftAccountKind::Personal
        );
        assert_eq!(
            MicrosoftAccountKind::of_tenant("72f988bf-86f1-41af-91ab-2d7cd011db47"),
            MicrosoftAccountKind::Work
        );
    }

    #[test]
    fn keys_are_lower_case_ids_and_one_string_in_json() {
        let key = AccountKey::new("00000000-0000-0000-0000-0000000000AB", "72F988BF-86f1");
        assert_eq!(
            key.as_str(),
            "00000000-0000-0000-0000-0000000000ab.72f988bf-86f1"
        );
        assert_eq!(serde_json::to_string(&key).unwrap(), format!("\"{key}\""));
        assert_eq!(AccountKey::from_stored(key.as_str().to_uppercase()), key);
    }
}

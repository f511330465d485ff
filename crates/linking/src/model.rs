//! What a link is, as Tandem stores and shows it.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
pub use tandem_microsoft::AccountKey;
pub use tandem_policy::Said;

/// The random id that joins the work half and the personal half of a link.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LinkId(String);

impl LinkId {
    /// A new id: 128 random bits, in hex.
    pub fn random() -> Self {
        Self(format!(
            "{:016x}{:016x}",
            fastrand::u64(..),
            fastrand::u64(..)
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for LinkId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for LinkId {
    fn from(id: &str) -> Self {
        Self(id.to_owned())
    }
}

pub use tandem_profiles::{ProfileRef, ProfileRefError};

/// The work account of the linked profile, as its browser shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkAccount {
    pub tenant_id: Option<String>,
    pub email: Option<String>,
}

impl WorkAccount {
    /// Whether the account now signed in to the profile is this one. Unknown
    /// fields never contradict: only a different tenant or email does.
    pub fn is_same_as(&self, other: &tandem_profiles::Account) -> bool {
        let differs = |ours: &Option<String>, theirs: &Option<String>| match (ours, theirs) {
            (Some(ours), Some(theirs)) => !ours.trim().eq_ignore_ascii_case(theirs.trim()),
            _ => false,
        };
        !differs(&self.tenant_id, &other.tenant_id) && !differs(&self.email, &other.email)
    }
}

/// How Tandem knows who the personal account is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PersonalProof {
    /// A real sign-in; its tokens are in the keyring under `account_key`.
    SignIn,
    /// A browser profile signed in with the account.
    Profile,
}

/// The personal Microsoft account of a link. Stored only on the personal side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PersonalAccount {
    /// `<object id>.<tenant id>` when it comes from a sign-in.
    pub account_key: Option<AccountKey>,
    pub email: Option<String>,
    pub name: Option<String>,
    pub proof: PersonalProof,
}

/// Where a link stands. `Unlinked` is never stored: an unlinked profile has no link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum LinkState {
    Unlinked,
    /// Waiting for the personal account's sign-in to finish.
    Linking,
    Linked,
    /// The work account cannot be used right now (signed out, or its sign-in
    /// expired). The link stays; the user can still unlink.
    WorkAccountUnavailable,
}

impl LinkState {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkState::Unlinked => "unlinked",
            LinkState::Linking => "linking",
            LinkState::Linked => "linked",
            LinkState::WorkAccountUnavailable => "work-account-unavailable",
        }
    }
}

/// One link as the UI and `tandem status --json` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Link {
    /// A random id joining the work side and the personal side of the link.
    pub id: LinkId,
    pub work: ProfileRef,
    pub work_account: WorkAccount,
    /// `None` while processing of personal data is restricted.
    pub personal_account: Option<PersonalAccount>,
    pub personal_profile: Option<ProfileRef>,
    pub state: LinkState,
    /// When the link entered its state (Unix seconds in JSON).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    #[serde(with = "jiff::fmt::serde::timestamp::second::required")]
    pub since: Timestamp,
    /// Why the link is in its state, when that is not plain "linked".
    pub reason: Option<Said>,
}

/// What happened to a link, for the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum HistoryEvent {
    Linked,
    UnlinkedByUser,
    UnlinkedByPolicy,
    AccountGone,
    WorkAccountUnavailable,
    Restored,
    /// Personal data was deleted, and the link with it.
    PersonalDataDeleted,
}

/// One line of the append-only history. It names the work profile and never
/// the personal account, so it is work-side data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryEntry {
    /// Unix seconds in JSON.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    #[serde(with = "jiff::fmt::serde::timestamp::second::required")]
    pub time: Timestamp,
    pub event: HistoryEvent,
    pub work: ProfileRef,
    pub reason: Said,
}

/// A profile as people read it in a sentence: its name (the browser's, when
/// known, else its folder) and its browser, as in “Work” in Microsoft Edge.
/// The `edge:Default` form is for commands and rules.
pub fn spoken_profile(profile: &ProfileRef, name: Option<&str>) -> tandem_policy::Said {
    tandem_policy::Said::new("profile.in_browser")
        .with("profile", name.unwrap_or(&profile.profile_dir))
        .with("browser", profile.browser.spec().name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_work_account_is_the_same_unless_a_known_field_differs() {
        let ours = WorkAccount {
            tenant_id: Some("T1".into()),
            email: Some("ada@contoso.com".into()),
        };
        let mut theirs = tandem_profiles::Account::nobody(tandem_profiles::Evidence::TenantId);
        theirs.tenant_id = Some("t1".into());
        theirs.email = Some("Ada@Contoso.com".into());
        assert!(ours.is_same_as(&theirs));
        theirs.email = None;
        assert!(ours.is_same_as(&theirs));
        theirs.tenant_id = Some("t2".into());
        assert!(!ours.is_same_as(&theirs));
    }
}

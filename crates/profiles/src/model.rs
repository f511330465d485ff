//! What discovery finds: profiles, and the account signed in to each.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::catalogue::BrowserId;

pub use tandem_microsoft::CONSUMER_TENANT_ID;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// A work or school account (Microsoft Entra ID).
    Work,
    /// A personal Microsoft account.
    Personal,
    /// A Google account (consumer or Workspace).
    Google,
    /// Nobody is signed in.
    None,
    /// Someone is signed in, and the files do not say which kind of account.
    Unknown,
}

/// Which evidence decided an account's kind, in the order it is consulted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum Evidence {
    /// `edge_account_tenant_id`: the consumer tenant means personal, any other work.
    TenantId,
    /// `profile.is_relative_to_aad` in `Preferences`.
    RelativeToAad,
    /// Edge's `edge_account_type` (1 personal, 2 work, 0 nobody).
    EdgeAccountType { value: i64 },
    /// Google's `hosted_domain`/`hd` (`NO_HOSTED_DOMAIN` for consumer accounts).
    HostedDomain { hosted_domain: String },
    /// A Google-only browser with a signed-in account.
    GoogleSignIn,
    /// No account fields are set.
    NoAccount,
    /// Firefox has no Microsoft or Google account sign-in.
    FirefoxProfile,
    /// Signed in, but no rule applies; see the log.
    Undecided,
    /// The profile's files could not be read, so who is signed in is not
    /// known. Evidence of nothing: a link is never changed on it.
    Unreadable,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Account {
    pub kind: AccountKind,
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub tenant_id: Option<String>,
    /// Why `kind` is what it is.
    pub evidence: Evidence,
}

impl Account {
    pub fn nobody(evidence: Evidence) -> Self {
        Self {
            kind: AccountKind::None,
            email: None,
            display_name: None,
            tenant_id: None,
            evidence,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Profile {
    pub browser: BrowserId,
    /// The folder name inside the user data folder (`Default`, `Profile 1`), or
    /// the profile's path for Firefox.
    pub profile_dir: String,
    /// The name the browser shows for this profile.
    pub name: String,
    pub account: Account,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub user_data_dir: PathBuf,
    /// When the profile was last active, in Unix seconds.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub last_active: Option<i64>,
    /// Whether the browser opens this profile by default.
    pub is_default: bool,
    /// Whether the profile had a window open when its browser last ran.
    pub in_last_session: bool,
    /// Why the profile could not be read (fully), if it could not.
    pub unreadable: Option<tandem_i18n::Said>,
}

/// A browser's user data folder whose profile list could not be read (a
/// damaged `Local State`, say). Its profiles are listed from the folders on
/// disk, if at all, so a profile missing from the snapshot proves nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UnreadableSource {
    pub browser: BrowserId,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub user_data_dir: PathBuf,
    pub reason: tandem_i18n::Said,
}

impl UnreadableSource {
    /// What to tell the person: the browser, its folder, and why.
    pub fn notice(&self) -> tandem_i18n::Said {
        tandem_i18n::Said::new("notice.browser_unreadable")
            .with("browser", self.browser.spec().name)
            .with("folder", self.user_data_dir.display().to_string())
            .with("reason", &self.reason)
    }
}

/// Every profile found, grouped by browser in catalogue order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Snapshot {
    pub profiles: Vec<Profile>,
    /// Where the profile list could not be read.
    pub unreadable: Vec<UnreadableSource>,
}

impl Snapshot {
    /// A snapshot of these profiles, every source read.
    pub fn new(profiles: Vec<Profile>) -> Self {
        Self {
            profiles,
            unreadable: Vec::new(),
        }
    }

    /// Whether a profile of `browser` could be missing only because its
    /// browser's files could not be read.
    pub fn may_hide_profiles_of(&self, browser: BrowserId) -> bool {
        self.unreadable
            .iter()
            .any(|source| source.browser == browser)
    }
}

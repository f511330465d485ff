//! A profile named the way the CLI, the UI, rules and state files name it.

use crate::catalogue::BrowserId;
use serde::{Deserialize, Serialize};

/// A browser profile, named as the CLI and the UI name it, and written in
/// JSON as one string: `<browser>:<profile_dir>` (`edge:Profile 1`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(type = "string"))]
pub struct ProfileRef {
    pub browser: BrowserId,
    pub profile_dir: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileRefError {
    #[error("{0:?} does not name a profile: write <browser>:<profile folder>, e.g. edge:Default")]
    Shape(String),
    #[error(
        "{0:?} is not a browser Tandem knows; `tandem profiles` lists the ones on this machine"
    )]
    UnknownBrowser(String),
}

impl ProfileRef {
    pub fn new(browser: BrowserId, profile_dir: impl Into<String>) -> Self {
        Self {
            browser,
            profile_dir: profile_dir.into(),
        }
    }

    pub fn of(profile: &crate::Profile) -> Self {
        Self::new(profile.browser, profile.profile_dir.clone())
    }

    /// Whether `profile` is the one this names.
    pub fn names(&self, profile: &crate::Profile) -> bool {
        profile.browser == self.browser && profile.profile_dir == self.profile_dir
    }
}

impl std::fmt::Display for ProfileRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.browser, self.profile_dir)
    }
}

impl Serialize for ProfileRef {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ProfileRef {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl std::str::FromStr for ProfileRef {
    type Err = ProfileRefError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (browser, dir) = text
            .split_once(':')
            .filter(|(browser, dir)| !browser.is_empty() && !dir.is_empty())
            .ok_or_else(|| ProfileRefError::Shape(text.to_owned()))?;
        let browser = BrowserId::ALL
            .into_iter()
            .find(|id| id.as_str().eq_ignore_ascii_case(browser))
            .ok_or_else(|| ProfileRefError::UnknownBrowser(browser.to_owned()))?;
        Ok(Self::new(browser, dir))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_refs_round_trip_and_reject_bad_text() {
        let parsed: ProfileRef = "edge:Profile 1".parse().unwrap();
        assert_eq!(parsed, ProfileRef::new(BrowserId::Edge, "Profile 1"));
        assert_eq!(parsed.to_string(), "edge:Profile 1");
        let beta: ProfileRef = "edge-beta:Default".parse().unwrap();
        assert_eq!(beta.browser, BrowserId::EdgeBeta);
        assert!(matches!(
            "Default".parse::<ProfileRef>(),
            Err(ProfileRefError::Shape(_))
        ));
        assert!(matches!(
            "edge:".parse::<ProfileRef>(),
            Err(ProfileRefError::Shape(_))
        ));
        assert!(matches!(
            "netscape:Default".parse::<ProfileRef>(),
            Err(ProfileRefError::UnknownBrowser(_))
        ));
        // In JSON it is the same one string; a Windows path keeps its colons.
        let firefox = ProfileRef::new(BrowserId::Firefox, r"C:\Users\ada\profile");
        let json = serde_json::to_string(&firefox).unwrap();
        assert_eq!(json, r#""firefox:C:\\Users\\ada\\profile""#);
        assert_eq!(serde_json::from_str::<ProfileRef>(&json).unwrap(), firefox);
        assert!(serde_json::from_str::<ProfileRef>(r#""Default""#).is_err());
    }
}

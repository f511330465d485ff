//! Where a rule sends a link.

use std::fmt;

use tandem_profiles::ProfileRef;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// One profile, `<browser>:<profile_dir>`.
    Profile(ProfileRef),
    /// The linked work profile; without a link (or where policy forbids
    /// linking), the most recently used work profile, as in Edge.
    Work,
    /// The linked personal profile; else the most recently used personal one.
    Personal,
    /// The most recently used profile signed in with an account of this
    /// domain (Edge's `*@contoso.com`).
    AccountDomain(String),
    /// Show the picker.
    Ask,
    /// Edge's "No preference": this rule decides nothing; the next layer does.
    NoPreference,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error(
        "{0:?} is not a target: write work, personal, ask, *@<domain>, or a profile as \
         <browser>:<profile folder> (e.g. edge:Default)"
    )]
    Unknown(String),
    #[error("{0}")]
    Profile(tandem_profiles::ProfileRefError),
    #[error(
        "{dir:?} is not a profile folder of {browser}: write its folder name, as `tandem profiles` \
         shows it"
    )]
    NotAFolder { dir: String, browser: &'static str },
}

impl TargetError {
    /// The problem, to be worded in the person's language.
    pub fn said(&self) -> crate::Said {
        use crate::Said;
        match self {
            TargetError::Unknown(target) => {
                Said::new("rule.target.unknown").with("target", target.as_str())
            }
            TargetError::Profile(tandem_profiles::ProfileRefError::Shape(text)) => {
                Said::new("rule.target.shape").with("target", text.as_str())
            }
            TargetError::Profile(tandem_profiles::ProfileRefError::UnknownBrowser(browser)) => {
                Said::new("rule.target.unknown_browser").with("browser", browser.as_str())
            }
            TargetError::NotAFolder { dir, browser } => Said::new("rule.target.not_a_folder")
                .with("folder", dir.as_str())
                .with("browser", *browser),
        }
    }
}

fn domain_of(text: &str) -> Option<String> {
    let domain = text.strip_prefix("*@")?.trim().trim_end_matches('.');
    let valid = !domain.is_empty()
        && domain.contains('.')
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    valid.then(|| domain.to_ascii_lowercase())
}

impl Target {
    /// A target as users and Tandem's policy write it.
    pub fn parse(text: &str) -> Result<Self, TargetError> {
        let trimmed = text.trim();
        match trimmed.to_ascii_lowercase().as_str() {
            "work" => return Ok(Target::Work),
            "personal" => return Ok(Target::Personal),
            "ask" => return Ok(Target::Ask),
            _ => {}
        }
        if trimmed.starts_with("*@") {
            return domain_of(trimmed)
                .map(Target::AccountDomain)
                .ok_or_else(|| TargetError::Unknown(trimmed.to_owned()));
        }
        if !trimmed.contains(':') {
            return Err(TargetError::Unknown(trimmed.to_owned()));
        }
        let profile = trimmed
            .parse::<ProfileRef>()
            .map_err(TargetError::Profile)?;
        let dir = profile.profile_dir.as_str();
        let plain_folder = !dir.is_empty()
            && dir.trim() == dir
            && dir != "."
            && dir != ".."
            && !dir.starts_with('-')
            && !dir.contains(['/', '\\']);
        let valid = match profile.browser.spec().launch {
            tandem_profiles::LaunchStyle::ProfilePath => std::path::Path::new(dir).is_absolute(),
            _ => plain_folder,
        };
        if !valid {
            return Err(TargetError::NotAFolder {
                dir: dir.to_owned(),
                browser: profile.browser.spec().name,
            });
        }
        Ok(Target::Profile(profile))
    }

    /// A `profile` value of Edge's `AutomaticProfileSwitchingSiteList`:
    /// `Work`, `Personal`, `No preference` or `*@domain`.
    pub fn parse_edge(text: &str) -> Result<Self, TargetError> {
        let trimmed = text.trim();
        match trimmed.to_ascii_lowercase().as_str() {
            "work" => Ok(Target::Work),
            "personal" => Ok(Target::Personal),
            "no preference" => Ok(Target::NoPreference),
            _ => domain_of(trimmed)
                .map(Target::AccountDomain)
                .ok_or_else(|| TargetError::Unknown(trimmed.to_owned())),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Profile(profile) => write!(f, "{profile}"),
            Target::Work => f.write_str("work"),
            Target::Personal => f.write_str("personal"),
            Target::AccountDomain(domain) => write!(f, "*@{domain}"),
            Target::Ask => f.write_str("ask"),
            Target::NoPreference => f.write_str("no preference"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tandem_profiles::BrowserId;

    #[test]
    fn targets_read_as_people_write_them() {
        assert_eq!(Target::parse("Work").unwrap(), Target::Work);
        assert_eq!(Target::parse(" ask ").unwrap(), Target::Ask);
        assert_eq!(
            Target::parse("edge:Profile 1").unwrap(),
            Target::Profile(ProfileRef::new(BrowserId::Edge, "Profile 1"))
        );
        assert_eq!(
            Target::parse("*@Contoso.com").unwrap(),
            Target::AccountDomain("contoso.com".into())
        );
        assert!(Target::parse("no preference").is_err());
        for bad in [
            "edge:--x",
            "edge:../..",
            "edge: Default",
            "edge:a/b",
            "firefox:relative",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
        assert!(Target::parse("netscape:Default").is_err());
        assert!(Target::parse("*@").is_err());
        assert!(Target::parse("*@con toso.com").is_err());
        assert_eq!(
            Target::parse_edge("No preference").unwrap(),
            Target::NoPreference
        );
        assert_eq!(Target::parse_edge("PERSONAL").unwrap(), Target::Personal);
        assert!(Target::parse_edge("edge:Default").is_err());
        for text in ["work", "personal", "ask", "*@contoso.com", "edge:Default"] {
            assert_eq!(Target::parse(text).unwrap().to_string(), text);
        }
    }
}

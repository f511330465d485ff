//! A rule, and the layer it belongs to.

use serde::Serialize;

use crate::pattern::Pattern;
use crate::target::Target;

/// The layers, in the order they are consulted; the first rule that
/// matches decides (Edge's "No preference" passes to the next layer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// The admin's managed rules: Tandem's `RoutingRules`, then Edge's
    /// `AutomaticProfileSwitchingSiteList`. Read-only; nothing overrides them.
    Managed,
    /// The person's own rules, from `rules.toml`.
    User,
    /// The admin's recommended rules: the person's own override them.
    Recommended,
    /// Tandem's built-in rules for Microsoft's services.
    Preset,
}

impl Layer {
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Managed => "managed",
            Layer::User => "user",
            Layer::Recommended => "recommended",
            Layer::Preset => "preset",
        }
    }
}

/// Where a rule was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A policy (`RoutingRules` or Edge's site list), in this file or key.
    Policy {
        policy: &'static str,
        location: String,
    },
    /// `rules.toml`, at this line.
    File { line: usize },
    /// Built in, for this reason.
    Preset { why: crate::Said },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Stable within its layer: `u3` (user), `managed-2`, `edge-managed-1`,
    /// `preset:outlook.live.com`.
    pub id: String,
    pub layer: Layer,
    pub pattern: Pattern,
    pub target: Target,
    pub origin: Origin,
    /// For a rule to one profile: the account that profile was signed in
    /// to when the rule was made (a fingerprint, never the address), so a
    /// profile that now holds another account is noticed.
    pub account: Option<String>,
}

/// A rule Tandem could not read, shown so it can be fixed, never applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub id: String,
    pub layer: Layer,
    pub pattern: String,
    pub target: String,
    pub origin: Origin,
    pub reason: crate::Said,
}

/// Which rule decided, as `tandem route` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RuleRef {
    pub layer: Layer,
    pub id: String,
    pub pattern: String,
}

impl Rule {
    pub fn reference(&self) -> RuleRef {
        RuleRef {
            layer: self.layer,
            id: self.id.clone(),
            pattern: self.pattern.to_string(),
        }
    }
}

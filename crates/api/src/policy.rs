//! What the admin's policy says, as `tandem policy` and the app show it.

use std::collections::BTreeMap;

use serde::Serialize;
use tandem_linking::Status;
use tandem_policy::{Level, PolicySet, Problem, Publisher, Said, Scope};

/// What one publisher's own policy says about linking its profiles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublisherPolicy {
    pub linking_allowed: bool,
    pub reason: Option<Said>,
}

/// One policy value and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SettingReport {
    pub publisher: Publisher,
    pub name: String,
    pub value: serde_json::Value,
    pub level: Level,
    pub scope: Scope,
    /// The file or registry key that holds it.
    pub source: String,
    /// A name of Tandem's that Tandem does not know (a typo, or a policy
    /// of a newer Tandem): it has no effect.
    pub unknown: bool,
}

/// The effective policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyReport {
    /// Tandem's own switch.
    pub linking_allowed: bool,
    pub policy_reason: Option<Said>,
    /// Each browser maker's own linking policy (Edge's
    /// `LinkedAccountEnabled`), by publisher.
    pub browsers: BTreeMap<Publisher, PublisherPolicy>,
    pub settings: Vec<SettingReport>,
    /// Policy sources that could not be read (each turns linking off).
    pub problems: Vec<Problem>,
}

impl PolicyReport {
    pub fn of(policy: &PolicySet, status: &Status) -> Self {
        let settings = policy
            .settings
            .iter()
            .flat_map(|(publisher, settings)| {
                settings.iter().map(move |(name, setting)| SettingReport {
                    publisher: *publisher,
                    name: name.clone(),
                    value: setting.value.clone(),
                    level: setting.source.level,
                    scope: setting.source.scope,
                    source: setting.source.location.clone(),
                    unknown: *publisher == Publisher::Tandem
                        && tandem_policy::declared::find(name).is_none(),
                })
            })
            .collect();
        Self {
            linking_allowed: status.linking_allowed,
            policy_reason: status.policy_reason.clone(),
            browsers: Publisher::ALL
                .into_iter()
                .filter(|publisher| {
                    *publisher != Publisher::Tandem && publisher.linking_policy().is_some()
                })
                .map(|publisher| {
                    let decision = policy.linking(publisher);
                    (
                        publisher,
                        PublisherPolicy {
                            linking_allowed: decision.allowed(),
                            reason: decision.reason().cloned(),
                        },
                    )
                })
                .collect(),
            settings,
            problems: policy.problems.clone(),
        }
    }
}

/// The JSON Schema of a Tandem policy file, generated from the declaration
/// of every policy Tandem reads (`tandem policy --schema`).
pub fn schema() -> serde_json::Value {
    tandem_policy::declared::schema()
}

/// Writes the admin templates (ADMX/ADML, the macOS profile and manifest,
/// the Linux examples, the schema and the reference page) into `folder`,
/// which must not exist yet: an admin's edited copy is never overwritten.
pub fn write_templates(folder: &std::path::Path) -> Result<Vec<String>, crate::Error> {
    let exists = || crate::Error::FolderExists {
        path: folder.display().to_string(),
    };
    if std::fs::symlink_metadata(folder).is_ok() {
        return Err(exists());
    }
    tandem_policy::templates::write_all(folder)
        .map(|paths| {
            paths
                .iter()
                .map(|path| path.display().to_string())
                .collect()
        })
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::AlreadyExists | std::io::ErrorKind::DirectoryNotEmpty => exists(),
            _ => crate::Error::WriteFailed {
                path: folder.display().to_string(),
                detail: error.to_string(),
            },
        })
}

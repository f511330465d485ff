//! Every policy Tandem reads, declared once: its name, type, default,
//! example and platforms, with its title and description in the catalogues
//! (`policy.decl.<key>.title` and `.description`). The readers look names up
//! here (`PolicySet::get` refuses an undeclared Tandem policy in debug
//! builds, so a test that reads one fails), and every admin template is
//! generated from this list (`templates.rs`).
//!
//! Edge's policies that Tandem honours are Edge's: they are listed in the
//! reference page, but belong to Edge's own templates.

use serde_json::{Value, json};

/// The value a policy holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyType {
    /// `true`/`false` (JSON and plist), `REG_DWORD` 1/0 (registry).
    Boolean,
    /// Text (`REG_SZ`).
    String,
    /// A list of `{pattern, target}` rules: a JSON array (Linux), an array
    /// of dictionaries (macOS), or the array as JSON text (`REG_SZ`).
    RuleList,
}

impl PolicyType {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::Boolean => "boolean",
            PolicyType::String => "string",
            PolicyType::RuleList => "list of rules",
        }
    }
}

/// One policy of Tandem's.
#[derive(Debug, Clone, Copy)]
pub struct Declared {
    /// As admins write it, in every format.
    pub name: &'static str,
    /// Its catalogue key: `policy.decl.<key>.title` and `.description`.
    pub key: &'static str,
    pub kind: PolicyType,
    /// JSON: what Tandem does when the policy is not set.
    pub default: &'static str,
    /// JSON: a value the templates show.
    pub example: &'static str,
    /// The Tandem version that first read it.
    pub since: &'static str,
}

impl Declared {
    pub fn default_value(&self) -> Value {
        serde_json::from_str(self.default).unwrap_or(Value::Null)
    }

    pub fn example_value(&self) -> Value {
        serde_json::from_str(self.example).unwrap_or(Value::Null)
    }

    /// Tandem reads its own policies on Linux (JSON), macOS (managed
    /// preferences) and Windows (the registry), at both levels.
    pub fn platforms(&self) -> [&'static str; 3] {
        ["linux", "macos", "windows"]
    }

    pub fn title_key(&self) -> String {
        format!("policy.decl.{}.title", self.key)
    }

    pub fn description_key(&self) -> String {
        format!("policy.decl.{}.description", self.key)
    }

    /// The JSON Schema of one value.
    pub fn schema(&self) -> Value {
        let description = tandem_i18n::Language::En.text(&self.description_key());
        let mut schema = match self.kind {
            PolicyType::Boolean => json!({"type": "boolean"}),
            PolicyType::String => json!({"type": "string", "minLength": 1}),
            PolicyType::RuleList => json!({
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["pattern", "target"],
                    "properties": {
                        "pattern": {
                            "type": "string",
                            "description": "host, *.suffix, host/path or re:<regex>"
                        },
                        "target": {
                            "type": "string",
                            "description": "work, personal, ask, *@<domain> or <browser>:<profile folder>"
                        }
                    }
                }
            }),
        };
        if let Value::Object(map) = &mut schema {
            map.insert(
                "title".into(),
                tandem_i18n::Language::En.text(&self.title_key()).into(),
            );
            map.insert("description".into(), description.into());
            let default = self.default_value();
            if !default.is_null() {
                map.insert("default".into(), default);
            }
            map.insert("examples".into(), json!([self.example_value()]));
            map.insert("x-platforms".into(), json!(self.platforms()));
            map.insert("x-since".into(), self.since.into());
        }
        schema
    }
}

/// Tandem's global switch: `false` unlinks every link and refuses new ones.
pub const LINKING_ENABLED: Declared = Declared {
    name: "LinkingEnabled",
    key: "linking_enabled",
    kind: PolicyType::Boolean,
    default: "true",
    example: "false",
    since: "0.1.0",
};

/// Which profile opens a link, decided by the organization.
pub const ROUTING_RULES: Declared = Declared {
    name: "RoutingRules",
    key: "routing_rules",
    kind: PolicyType::RuleList,
    default: "null",
    example: r#"[{"pattern": "*.contoso.com", "target": "work"}, {"pattern": "github.com", "target": "personal"}]"#,
    since: "0.1.0",
};

/// The application (client) id Tandem signs in as.
pub const CLIENT_ID: Declared = Declared {
    name: "ClientId",
    key: "client_id",
    kind: PolicyType::String,
    default: "null",
    example: r#""00000000-0000-0000-0000-000000000000""#,
    since: "0.1.0",
};

/// The identity provider Tandem signs in with, instead of Microsoft's.
pub const AUTHORITY: Declared = Declared {
    name: "Authority",
    key: "authority",
    kind: PolicyType::String,
    default: "null",
    example: r#""https://login.microsoftonline.com/common/v2.0""#,
    since: "0.1.0",
};

/// Every policy Tandem reads, in the order the templates list them.
pub const DECLARED: &[Declared] = &[LINKING_ENABLED, ROUTING_RULES, CLIENT_ID, AUTHORITY];

/// The declaration of `name`, if Tandem reads such a policy.
pub fn find(name: &str) -> Option<&'static Declared> {
    DECLARED.iter().find(|declared| declared.name == name)
}

/// Edge's policies Tandem honours: listed in the reference, never in
/// Tandem's templates.
pub const EDGE_HONOURED: &[(&str, &str)] = &[
    (
        crate::EDGE_LINKED_ACCOUNT,
        "policy.edge.linked_account_enabled",
    ),
    (crate::EDGE_SITE_LIST, "policy.edge.site_list"),
];

/// The JSON Schema of a Tandem policy file (Linux `managed/` and
/// `recommended/`), which is also what `tandem policy --schema` prints.
pub fn schema() -> Value {
    let properties: serde_json::Map<String, Value> = DECLARED
        .iter()
        .map(|declared| (declared.name.to_owned(), declared.schema()))
        .collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Tandem policies",
        "description": "A policy file of Tandem's: /etc/tandem/policies/managed/*.json or recommended/*.json on Linux. The same names and values are read from managed preferences (dev.tandem.Tandem) on macOS and from HKLM or HKCU\\SOFTWARE\\Policies\\Tandem on Windows.",
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_declaration_is_whole_and_named_once() {
        let mut names: Vec<_> = DECLARED.iter().map(|d| d.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), DECLARED.len(), "a name is declared twice");
        for declared in DECLARED {
            let example = declared.example_value();
            assert!(!example.is_null(), "{} has an example", declared.name);
            assert!(
                serde_json::from_str::<Value>(declared.default).is_ok(),
                "{}'s default is JSON",
                declared.name
            );
            for language in tandem_i18n::Language::ALL {
                for key in [declared.title_key(), declared.description_key()] {
                    assert!(
                        !language.text(&key).is_empty(),
                        "{key} is in the {language:?} catalogue"
                    );
                }
            }
            let matches = match declared.kind {
                PolicyType::Boolean => example.is_boolean(),
                PolicyType::String => example.is_string(),
                PolicyType::RuleList => example.is_array(),
            };
            assert!(
                matches,
                "{}'s example is a {}",
                declared.name,
                declared.kind.as_str()
            );
        }
        for (_, key) in EDGE_HONOURED {
            assert!(!tandem_i18n::Language::En.text(key).is_empty(), "{key}");
        }
    }
}

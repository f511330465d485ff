//! The admin templates against the readers: for every declared policy, the
//! value the generated ADMX writes to the registry, the generated macOS
//! profile (as XML and as binary plist) and the Linux example are each read
//! by that platform's reader and give the declared effect. The ADMX and
//! ADML are well-formed and every reference in them resolves. The
//! reference page in `docs/` is the generated one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::Value;
use tandem_locations::Locations;
use tandem_policy::declared::{DECLARED, Declared, PolicyType};
use tandem_policy::templates;
use tandem_policy::windows::{REG_DWORD, REG_SZ};
use tandem_policy::{Level, PolicySet, Publisher};
use tandem_routing::admin::AdminRules;

fn utf16(text: &str) -> Vec<u8> {
    text.encode_utf16()
        .chain([0])
        .flat_map(u16::to_le_bytes)
        .collect()
}

/// What a reader's value means, whatever its encoding: a DWORD 0/1 is a
/// switch, and a list may come as JSON text.
fn meaning(declared: &Declared, value: &Value) -> Value {
    match (declared.kind, value) {
        (PolicyType::Boolean, Value::Number(number)) => match number.as_u64() {
            Some(0) => Value::Bool(false),
            Some(1) => Value::Bool(true),
            _ => value.clone(),
        },
        (PolicyType::RuleList, Value::String(text)) => {
            serde_json::from_str(text).unwrap_or(Value::Null)
        }
        _ => value.clone(),
    }
}

/// Every declared policy holds its example, and the examples take effect:
/// linking is off and the rules are the admin's.
fn assert_declared_effect(set: &PolicySet, level: Level, platform: &str) {
    for declared in DECLARED {
        let setting = set
            .get_at(Publisher::Tandem, declared.name, level)
            .unwrap_or_else(|| panic!("{platform}: {} ({level:?}) was not read", declared.name));
        assert_eq!(
            meaning(declared, &setting.value),
            declared.example_value(),
            "{platform}: {} ({level:?})",
            declared.name
        );
    }
    assert!(
        !set.linking(Publisher::Tandem).allowed(),
        "{platform}: LinkingEnabled false turns linking off"
    );
    let rules = AdminRules::read(set, level);
    assert!(
        rules.problems.is_empty(),
        "{platform}: {:?}",
        rules.problems
    );
    let patterns: Vec<String> = rules.rules.iter().map(|r| r.pattern.to_string()).collect();
    assert_eq!(
        patterns,
        ["*.contoso.com", "github.com"],
        "{platform}: the example rules"
    );
}

struct Admx {
    text: String,
}

impl Admx {
    fn new() -> Self {
        Admx {
            text: templates::admx(),
        }
    }

    fn doc(&self) -> roxmltree::Document<'_> {
        roxmltree::Document::parse(&self.text).expect("the ADMX is well-formed XML")
    }
}

fn named<'a>(doc: &'a roxmltree::Document<'a>, tag: &str, attribute: &str) -> BTreeSet<String> {
    doc.descendants()
        .filter(|node| node.has_tag_name(tag))
        .filter_map(|node| node.attribute(attribute).map(str::to_owned))
        .collect()
}

/// `$(kind.id)` references in an attribute.
fn reference(value: &str, kind: &str) -> Option<String> {
    value
        .strip_prefix(&format!("$({kind}."))?
        .strip_suffix(')')
        .map(str::to_owned)
}

#[test]
fn the_admx_and_both_admls_are_well_formed_and_every_reference_resolves() {
    let admx = Admx::new();
    let doc = admx.doc();
    let categories = named(&doc, "category", "name");
    let versions = named(&doc, "definition", "name");
    let mut strings = BTreeSet::new();
    let mut presentations = BTreeSet::new();
    for node in doc.descendants() {
        for attribute in node.attributes() {
            strings.extend(reference(attribute.value(), "string"));
            presentations.extend(reference(attribute.value(), "presentation"));
        }
        if node.has_tag_name("parentCategory") {
            assert!(categories.contains(node.attribute("ref").unwrap()));
        }
        if node.has_tag_name("supportedOn") && node.attribute("ref").is_some() {
            assert!(versions.contains(node.attribute("ref").unwrap()));
        }
    }
    let policies: Vec<_> = doc
        .descendants()
        .filter(|node| node.has_tag_name("policy"))
        .collect();
    assert_eq!(
        policies.len(),
        DECLARED.len() * 2,
        "managed and recommended"
    );
    for language in tandem_policy::Language::ALL {
        let text = templates::adml(language);
        let adml = roxmltree::Document::parse(&text).expect("the ADML is well-formed XML");
        let defined = named(&adml, "string", "id");
        let missing: Vec<_> = strings.difference(&defined).collect();
        assert!(missing.is_empty(), "{language:?}: strings {missing:?}");
        let shown = named(&adml, "presentation", "id");
        assert_eq!(presentations, shown, "{language:?}: presentations");
        // Each text box shows an element of the policy that names it.
        for presentation in adml
            .descendants()
            .filter(|node| node.has_tag_name("presentation"))
        {
            let id = presentation.attribute("id").unwrap();
            for refid in presentation
                .descendants()
                .filter_map(|node| node.attribute("refId"))
            {
                let policy = policies
                    .iter()
                    .find(|policy| {
                        policy.attribute("presentation") == Some(&format!("$(presentation.{id})"))
                    })
                    .unwrap();
                assert!(
                    policy
                        .descendants()
                        .any(|element| element.attribute("id") == Some(refid)),
                    "{refid} is an element of the policy shown by {id}"
                );
            }
        }
    }
}

#[test]
fn what_the_admx_writes_to_the_registry_is_read_by_the_windows_reader() {
    let admx = Admx::new();
    let doc = admx.doc();
    let mut keys: BTreeMap<Level, Vec<(String, u32, Vec<u8>)>> = BTreeMap::new();
    for policy in doc.descendants().filter(|node| node.has_tag_name("policy")) {
        let key = policy.attribute("key").unwrap();
        let level = if key.ends_with(r"\Recommended") {
            Level::Recommended
        } else {
            Level::Managed
        };
        assert!(
            key.eq_ignore_ascii_case(r"Software\Policies\Tandem")
                || key.eq_ignore_ascii_case(r"Software\Policies\Tandem\Recommended"),
            "{key} is where the reader looks"
        );
        let values = keys.entry(level).or_default();
        if let Some(name) = policy.attribute("valueName") {
            // A switch: "Enabled" or "Disabled" writes a DWORD.
            let declared = tandem_policy::declared::find(name).unwrap();
            let example = declared.example_value().as_bool().unwrap();
            let state = if example {
                "enabledValue"
            } else {
                "disabledValue"
            };
            let written: u32 = policy
                .descendants()
                .find(|node| node.has_tag_name(state))
                .and_then(|node| node.descendants().find(|n| n.has_tag_name("decimal")))
                .and_then(|node| node.attribute("value"))
                .unwrap()
                .parse()
                .unwrap();
            values.push((name.to_owned(), REG_DWORD, written.to_le_bytes().to_vec()));
        }
        for text in policy
            .descendants()
            .filter(|node| node.has_tag_name("text"))
        {
            // The text box's content is written as REG_SZ: the example as
            // an admin types it (a list as its JSON).
            let name = text.attribute("valueName").unwrap();
            let declared = tandem_policy::declared::find(name).unwrap();
            let typed = match declared.example_value() {
                Value::String(text) => text,
                other => other.to_string(),
            };
            values.push((name.to_owned(), REG_SZ, utf16(&typed)));
        }
    }
    for (level, values) in keys {
        let names: BTreeSet<_> = values.iter().map(|(name, ..)| name.clone()).collect();
        assert_eq!(names.len(), DECLARED.len(), "{level:?}: every policy");
        let set = PolicySet::from_registry_values(Publisher::Tandem, level, values);
        assert_declared_effect(&set, level, "Windows");
    }
}

#[test]
fn the_profile_is_read_by_the_macos_reader_as_xml_and_as_binary() {
    let profile = plist::Value::from_reader_xml(templates::mobileconfig().as_bytes())
        .expect("the profile is a property list");
    let payload = profile
        .as_dictionary()
        .and_then(|profile| profile.get("PayloadContent"))
        .and_then(plist::Value::as_array)
        .and_then(|content| content.first())
        .and_then(plist::Value::as_dictionary)
        .expect("one payload");
    assert_eq!(
        payload.get("PayloadType").and_then(plist::Value::as_string),
        Some(templates::MACOS_DOMAIN),
        "the payload's type is the preference domain"
    );
    // What an MDM writes to /Library/Managed Preferences: the payload's own keys.
    let preferences: plist::Dictionary = payload
        .iter()
        .filter(|(key, _)| !key.starts_with("Payload"))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    let preferences = plist::Value::Dictionary(preferences);
    let mut xml = Vec::new();
    preferences.to_writer_xml(&mut xml).unwrap();
    let mut binary = Vec::new();
    preferences.to_writer_binary(&mut binary).unwrap();
    for (format, bytes) in [("XML", xml), ("binary", binary)] {
        let set = PolicySet::from_plist(Publisher::Tandem, &bytes);
        assert!(set.problems.is_empty(), "{format}: {:?}", set.problems);
        assert_declared_effect(&set, Level::Managed, &format!("macOS ({format})"));
    }
    // The manifest describes exactly the declared policies.
    let manifest = plist::Value::from_reader_xml(templates::preference_manifest().as_bytes())
        .expect("the manifest is a property list");
    let described: Vec<&str> = manifest
        .as_dictionary()
        .and_then(|m| m.get("pfm_subkeys"))
        .and_then(plist::Value::as_array)
        .unwrap()
        .iter()
        .filter_map(|key| key.as_dictionary()?.get("pfm_name")?.as_string())
        .collect();
    let declared: Vec<&str> = DECLARED.iter().map(|d| d.name).collect();
    assert_eq!(described, declared);
}

#[test]
fn the_linux_examples_are_read_by_the_json_reader() {
    let root = tempfile::tempdir().unwrap();
    let locations = Locations::under(root.path());
    for level in [Level::Managed, Level::Recommended] {
        let folder = locations
            .system_path(&templates::linux_folder(level))
            .unwrap();
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("tandem.json"), templates::linux_example()).unwrap();
    }
    let set = PolicySet::read_linux(&locations);
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    assert_declared_effect(&set, Level::Managed, "Linux");
    assert_declared_effect(&set, Level::Recommended, "Linux");
    // The schema `tandem policy --schema` prints accepts the example and
    // names every declared policy and nothing else.
    let schema = tandem_policy::declared::schema();
    let example: Value = serde_json::from_str(&templates::linux_example()).unwrap();
    let properties = schema["properties"].as_object().unwrap();
    let example = example.as_object().unwrap();
    assert_eq!(
        properties.keys().collect::<BTreeSet<_>>(),
        example.keys().collect::<BTreeSet<_>>()
    );
    assert_eq!(schema["additionalProperties"], false);
}

#[test]
fn the_reference_page_in_docs_is_the_generated_one() {
    let page = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/policy.md");
    let generated = templates::reference();
    if std::env::var_os("TANDEM_UPDATE_DOCS").is_some() {
        std::fs::write(&page, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&page).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/policy.md is stale: run TANDEM_UPDATE_DOCS=1 cargo test -p tandem-routing --test policy_templates"
    );
    for declared in DECLARED {
        assert!(generated.contains(&format!("## `{}`", declared.name)));
    }
}

#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "not declared")]
fn reading_an_undeclared_policy_of_tandems_fails() {
    let set = PolicySet::default();
    let _ = set.get(Publisher::Tandem, "SomethingNew");
}

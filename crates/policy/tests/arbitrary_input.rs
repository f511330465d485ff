//! Whatever a policy file holds, reading policy never panics or writes, and
//! anything but a JSON object of policies turns linking off, naming the file.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use tandem_locations::Locations;
use tandem_policy::{PolicySet, Publisher};

fn json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        ".{0,8}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("LinkingEnabled".to_owned()),
                    Just("LinkedAccountEnabled".to_owned()),
                    "[A-Za-z]{1,8}",
                ],
                inner,
                0..4
            )
            .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
        ]
    })
}

fn read(bytes: &[u8]) -> (PolicySet, tempfile::TempDir) {
    let root = tempfile::tempdir().unwrap();
    let locations = Locations::under(root.path());
    let dir = locations
        .system_path("/etc/tandem/policies/managed")
        .unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("p.json"), bytes).unwrap();
    let edge = locations
        .system_path("/etc/opt/edge/policies/managed")
        .unwrap();
    std::fs::create_dir_all(&edge).unwrap();
    std::fs::write(edge.join("p.json"), bytes).unwrap();
    let set = PolicySet::read_linux(&locations);
    assert_eq!(
        std::fs::read(dir.join("p.json")).unwrap(),
        bytes,
        "policy was written"
    );
    (set, root)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let (set, _root) = read(&bytes);
        for publisher in Publisher::ALL {
            let decision = set.linking(publisher);
            if !decision.allowed() {
                prop_assert!(decision.reason().is_some());
            }
        }
    }

    #[test]
    fn arbitrary_json(value in json()) {
        let (set, _root) = read(value.to_string().as_bytes());
        let decision = set.linking(Publisher::Tandem);
        match &value {
            serde_json::Value::Object(map) => {
                let switch = map.get("LinkingEnabled");
                let on = switch.is_none_or(|v| *v == serde_json::json!(true) || *v == serde_json::json!(1));
                prop_assert_eq!(decision.allowed(), on, "{}", value);
            }
            // Not an object of policies: off, naming the file, until fixed.
            _ => {
                prop_assert!(!decision.allowed());
                prop_assert!(decision.reason().unwrap().to_string().contains("p.json"));
            }
        }
    }
}

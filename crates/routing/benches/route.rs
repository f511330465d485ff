//! A route decision with 1,000 rules of the person's and the presets,
//! printed (`cargo bench -p tandem-routing --bench route`): per link, the
//! whole of it (the checks, parsing as a browser does, unwrapping, the
//! layered match and the decision), with the profiles already known; and
//! what reading `rules.toml` and compiling the rules cost once.
//!
//! The rules are a mix: 700 hosts, 200 subdomain rules, 80 path prefixes and
//! 20 regular expressions; the links hit each kind, the presets, Safe Links
//! and nothing at all.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use tandem_policy::PolicySet;
use tandem_profiles::BrowserId;
use tandem_profiles::launch::LaunchTarget;
use tandem_routing::admin::AdminRules;
use tandem_routing::presets::{self, WorkDomains};
use tandem_routing::{Facts, Resolved, Router, RuleSet, Target};

struct Known;

impl Facts for Known {
    fn resolve(&self, target: &Target) -> Resolved {
        let dir = match target {
            Target::Work => "Default",
            _ => "Profile 1",
        };
        Resolved::Profile {
            target: LaunchTarget {
                browser: BrowserId::Edge,
                user_data_dir: PathBuf::from("/home/u/.config/microsoft-edge"),
                profile_dir: dir.into(),
                name: dir.into(),
            },
            how: tandem_routing::Said::verbatim(dir),
        }
    }
}

fn rules_file() -> String {
    let mut text = String::from("version = 1\n");
    let targets = ["work", "personal", "edge:Profile 1", "ask"];
    let mut add = |pattern: String, index: usize| {
        text.push_str(&format!(
            "\n[[rule]]\npattern = '{pattern}'\ntarget = \"{}\"\n",
            targets[index % targets.len()]
        ));
    };
    for i in 0..700 {
        add(format!("host{i}.example.com"), i);
    }
    for i in 0..200 {
        add(format!("*.zone{i}.example.org"), i);
    }
    for i in 0..80 {
        add(format!("site{i}.example.net/path{i}"), i);
    }
    for i in 0..20 {
        add(format!(r"re:https://r{i}\.example\.io/(docs|wiki)/.*"), i);
    }
    text
}

fn links() -> Vec<String> {
    let mut links = Vec::new();
    for i in 0..1000 {
        links.push(match i % 8 {
            0 => format!("https://host{}.example.com/page?x={i}", i % 700),
            1 => format!("https://a.b.zone{}.example.org/", i % 200),
            2 => format!("https://site{}.example.net/path{}/more", i % 80, i % 80),
            3 => format!("https://r{}.example.io/docs/{i}", i % 20),
            4 => "https://outlook.live.com/mail/0/inbox".to_owned(),
            5 => format!(
                "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fhost{}.example.com%2F&data=05%7C02&reserved=0",
                i % 700
            ),
            6 => format!("https://contoso.sharepoint.com/sites/team{i}"),
            _ => format!("https://unmatched{i}.example.dev/a/b/c"),
        });
    }
    links
}

fn main() {
    let text = rules_file();
    // Warm, as a person's file is in the page cache when a link is clicked.
    std::hint::black_box(tandem_routing::settings::parse(&text));
    let started = Instant::now();
    let user = tandem_routing::settings::parse(&text);
    let parsed = started.elapsed();

    assert_eq!(user.rules.len(), 1000, "{:?}", user.invalid.first());
    let policy = PolicySet::default();
    let started = Instant::now();
    let router = Router::new(RuleSet::assemble(
        AdminRules::read(&policy, tandem_policy::Level::Managed),
        user,
        AdminRules::read(&policy, tandem_policy::Level::Recommended),
        presets::rules(&[WorkDomains::from_emails(["ada@contoso.com"])]),
    ));
    let built = started.elapsed();
    let links = links();
    // The first decision that needs them compiles the regular expressions.
    let started = Instant::now();
    tandem_routing::route(&router, "https://unmatched.example/", &Known).unwrap();
    let first = started.elapsed();
    println!(
        "rules: {} (1,000 of yours and the presets); reading rules.toml ({} KB) {:.2} ms, indexing them {:.2} ms, first decision (compiles the 20 regular expressions) {:.2} ms",
        router.rules().len(),
        text.len() / 1024,
        parsed.as_secs_f64() * 1e3,
        built.as_secs_f64() * 1e3,
        first.as_secs_f64() * 1e3
    );
    let rounds = 50;
    let mut per_link: Vec<Duration> = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        for link in &links {
            let routed = tandem_routing::route(&router, link, &Known).unwrap();
            std::hint::black_box(&routed);
        }
        per_link.push(started.elapsed() / links.len() as u32);
    }
    per_link.sort();
    let median = per_link[per_link.len() / 2];
    let worst_link = links
        .iter()
        .map(|link| {
            let started = Instant::now();
            for _ in 0..200 {
                std::hint::black_box(tandem_routing::route(&router, link, &Known).unwrap());
            }
            (started.elapsed() / 200, link)
        })
        .max()
        .unwrap();
    println!(
        "route decision per link, 1,000 rules + presets: median {:.2} µs over {rounds} rounds of {} links (target < 20 µs); slowest single link {:.2} µs ({})",
        median.as_secs_f64() * 1e6,
        links.len(),
        worst_link.0.as_secs_f64() * 1e6,
        worst_link.1
    );
}

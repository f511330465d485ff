//! Hostile links: whatever arrives, nothing a browser could read as a
//! switch reaches its command line, only http(s) is ever handed on, and
//! nothing panics. A table of attacks, then a property over any input.

#![allow(clippy::unwrap_used)]

mod common;

use std::ffi::OsString;

use proptest::prelude::*;
use tandem_locations::Platform;
use tandem_profiles::BrowserId;
use tandem_profiles::launch::arguments;
use tandem_routing::Outcome;

/// The switches Tandem itself puts on a browser's command line.
fn is_ours(arg: &str) -> bool {
    arg == "--"
        || arg == "--single-argument"
        || arg == "--profile"
        || arg == "-url"
        || arg.starts_with("--profile-directory=")
        || arg.starts_with("--user-data-dir=")
}

static ROUTER: std::sync::LazyLock<tandem_routing::Router> =
    std::sync::LazyLock::new(common::router);

/// Routes `input`; when it opens, checks every command line it could make.
fn check(input: &str) -> Result<(), String> {
    let Ok(routed) = tandem_routing::route(&ROUTER, input, &common::Machine) else {
        return Ok(());
    };
    let open = &routed.open;
    let lower = open.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Err(format!("{input:?} hands on {open:?}"));
    }
    if open.starts_with('-') || open.chars().any(char::is_control) || open.trim() != open {
        return Err(format!("{input:?} hands on {open:?}"));
    }
    for link in &routed.unwrapped.links {
        let scheme = link.url().scheme();
        if scheme != "http" && scheme != "https" {
            return Err(format!("{input:?} unwrapped to {scheme}:"));
        }
    }
    let target = match &routed.decision.outcome {
        Outcome::Open(target) => target.clone(),
        Outcome::Ask | Outcome::AsBefore => common::target("edge:Default"),
    };
    for browser in BrowserId::ALL {
        for platform in [Platform::Linux, Platform::MacOs, Platform::Windows] {
            let mut target = target.clone();
            target.browser = browser;
            if browser == BrowserId::Firefox {
                target.profile_dir = "/home/u/.mozilla/firefox/abc.default".into();
            }
            for usual in [true, false] {
                let argv: Vec<OsString> = arguments(&target, platform, usual, Some(open));
                let argv: Vec<String> = argv
                    .into_iter()
                    .map(|arg| arg.to_string_lossy().into_owned())
                    .collect();
                if argv.last() != Some(open) {
                    return Err(format!("{input:?}: the link is not last in {argv:?}"));
                }
                let before_link = &argv[argv.len() - 2];
                if !matches!(before_link.as_str(), "--" | "--single-argument" | "-url") {
                    return Err(format!(
                        "{input:?}: no end of switches before the link in {argv:?}"
                    ));
                }
                if let Some(bad) = argv[..argv.len() - 1]
                    .iter()
                    .find(|arg| arg.starts_with('-') && !is_ours(arg))
                {
                    return Err(format!("{input:?} put {bad:?} on the command line"));
                }
            }
        }
    }
    Ok(())
}

fn hostile_inputs() -> Vec<String> {
    let mut inputs: Vec<String> = [
        // Switches, bare and disguised.
        "--gpu-launcher=/bin/sh -c id",
        "-P work",
        "--user-data-dir=/tmp/evil",
        "--profile-directory=../../x",
        "--remote-debugging-port=9222",
        "-new-instance",
        "--single-argument https://x",
        "— https://x",
        "\u{2212}https://x",
        "-",
        "--",
        // Blanks and controls that hide a switch or a second argument.
        " --gpu-launcher=x",
        "\t-x",
        "https://a.example/\n--gpu-launcher=x",
        "https://a.example/\r\n",
        "https://a.example/\0--x",
        "https://a.example/\u{7}",
        "https://a.example/\u{1b}[31m",
        "https://a.example/\u{7f}",
        "https://a.example/\u{85}",
        "https://a.example/\u{9b}31m",
        "https://a.example/\u{a0}",
        "\u{a0}https://a.example/",
        "https://a.example/\u{2028}",
        "https://a.example/\u{3000}",
        "\u{feff}https://a.example/",
        "https://a.example/\u{202e}gpj.exe",
        "https://a.example/\u{2066}x",
        "https://a.example/\u{200f}",
        // Schemes that are not the web.
        "file:///etc/passwd",
        "file://attacker.example/share/x",
        "FiLe:///C:/x",
        "\\\\attacker.example\\share",
        "//attacker.example/share",
        "\\\\?\\C:\\Windows",
        "javascript:alert(document.cookie)",
        "javascript://%0Aalert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:x",
        "chrome://settings/?search=--x",
        "chrome-extension://abc/x.html",
        "edge://settings",
        "about:config",
        "view-source:https://a.example",
        "intent://x#Intent;scheme=https;end",
        "microsoft-edge:--gpu-launcher=x",
        "microsoft-edge:https://a.example",
        "ms-settings:defaultapps",
        "smb://attacker.example/x",
        "ssh://a.example",
        "x-scheme-handler:https://a.example",
        // Broken or oversized links.
        "https://",
        "https://[::1",
        "https://exa mple.com/",
        "https://%00.example/",
        "https://a.example:99999/",
        "https://a..example:-1/",
        "http://[v1.x]/",
        "https:",
        "",
        // Wrappers carrying something hostile.
        "https://nam12.safelinks.protection.outlook.com/?url=--gpu-launcher%3Dx",
        "https://nam12.safelinks.protection.outlook.com/?url=%20--gpu-launcher%3Dx",
        "https://nam12.safelinks.protection.outlook.com/?url=file%3A%2F%2F%2Fetc%2Fpasswd",
        "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fa.example%2F%0A--x",
        "https://nam12.safelinks.protection.outlook.com/?url=%5C%5Cattacker%5Cshare",
        "https://nam12.safelinks.protection.outlook.com/?url=javascript%3Aalert(1)",
        "https://statics.teams.cdn.office.net/evergreen-assets/safelinks/1/atp-safelinks.html?url=data%3Atext%2Fhtml%2Cx",
        // Web links that look dangerous but are just links: they open, intact.
        "https://a.example/ --gpu-launcher=x",
        "https://a.example/?q=--gpu-launcher",
        "https://--x.example/",
        "https://a.example/#-x",
        "http://a.example:80/-",
    ]
    .iter()
    .map(|text| (*text).to_owned())
    .collect();
    inputs.push(format!("https://a.example/{}", "a".repeat(40 * 1024)));
    inputs.push(format!("{}https://a.example/", "-".repeat(10)));
    inputs
}

#[test]
fn hostile_links_never_reach_a_command_line_as_switches() {
    let inputs = hostile_inputs();
    assert!(inputs.len() >= 60, "{} inputs", inputs.len());
    println!("{} hostile inputs", inputs.len());
    let router = &*ROUTER;
    let mut refused = 0;
    for input in &inputs {
        check(input).unwrap();
        if tandem_routing::route(router, input, &common::Machine).is_err() {
            refused += 1;
        }
    }
    // Most are refused outright; the plain web links among them open intact.
    assert!(refused >= 55, "only {refused} refused");
    for opens in [
        "https://a.example/ --gpu-launcher=x",
        "https://a.example/?q=--gpu-launcher",
        "https://--x.example/",
    ] {
        let routed = tandem_routing::route(router, opens, &common::Machine).unwrap();
        assert_eq!(routed.open, opens);
    }
}

fn any_link() -> impl Strategy<Value = String> {
    let prefix = prop_oneof![
        Just(String::new()),
        Just("https://".to_owned()),
        Just("http://".to_owned()),
        Just("-".to_owned()),
        Just("--".to_owned()),
        Just(" ".to_owned()),
        Just("file://".to_owned()),
        Just("https://nam12.safelinks.protection.outlook.com/?url=".to_owned()),
        Just(
            "https://teams.public.onecdn.static.microsoft/evergreen-assets/safelinks/2/atp-safelinks.html?url="
                .to_owned()
        ),
    ];
    (
        prefix,
        any::<String>(),
        "[-a-z0-9%./:@\\\\?#=&\\[\\] ]{0,40}",
    )
        .prop_map(|(prefix, noise, shaped)| format!("{prefix}{shaped}{noise}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn no_input_becomes_a_switch_or_panics(input in any_link()) {
        prop_assert!(check(&input).is_ok(), "{}", check(&input).unwrap_err());
    }

    #[test]
    fn any_text_at_all_is_handled(input in any::<String>()) {
        prop_assert!(check(&input).is_ok(), "{}", check(&input).unwrap_err());
    }
}

//! Where each link opens, for a table of links: the presets and the work
//! tenant's hosts, both admin layers (Tandem's `RoutingRules` and Edge's
//! site list, managed and recommended), the person's rules, wrappers
//! (nested, malformed, other clouds), IDN and homoglyph hosts, ports,
//! userinfo and backslash tricks, case and trailing dots.

#![allow(clippy::unwrap_used)]

mod common;

use common::Expect::{self, Ask, Before, Open, Refused};

const WORK: Expect = Open("edge:Default");
const PERSONAL: Expect = Open("edge:Profile 1");
const CHROME: Expect = Open("chrome:Default");
const FABRIKAM: Expect = Open("edge:Profile 2");

fn enc(url: &str) -> String {
    url.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

fn safelinks(region: &str, inner: &str) -> String {
    format!(
        "https://{region}.safelinks.protection.outlook.com/?url={}&data=05%7C02%7Cada%40contoso.com%7C&sdata=x&reserved=0",
        enc(inner)
    )
}

fn teams_v1(inner: &str) -> String {
    format!(
        "https://statics.teams.cdn.office.net/evergreen-assets/safelinks/1/atp-safelinks.html?url={}&locale=en-us",
        enc(inner)
    )
}

fn teams_v2(inner: &str) -> String {
    format!(
        "https://teams.public.onecdn.static.microsoft/evergreen-assets/safelinks/2/atp-safelinks.html?url={}&dest=x",
        enc(inner)
    )
}

#[allow(clippy::too_many_lines)]
fn table() -> Vec<(String, Expect, Option<&'static str>)> {
    let mut rows: Vec<(String, Expect, Option<&'static str>)> = Vec::new();
    let mut add = |url: &str, expect: Expect, rule: Option<&'static str>| {
        rows.push((url.to_owned(), expect, rule));
    };

    // Presets: Microsoft's consumer services go to the personal profile.
    for host in [
        "outlook.live.com",
        "onedrive.live.com",
        "account.microsoft.com",
        "account.live.com",
        "login.live.com",
        "rewards.bing.com",
        "family.microsoft.com",
        "teams.live.com",
    ] {
        let id: &'static str = Box::leak(format!("preset:{host}").into_boxed_str());
        add(&format!("https://{host}/"), PERSONAL, Some(id));
        add(
            &format!("https://{}/x?y=1#z", host.to_uppercase()),
            PERSONAL,
            Some(id),
        );
        add(&format!("https://{host}./a"), PERSONAL, Some(id));
        add(&format!("https://{host}:443/b"), PERSONAL, Some(id));
    }
    add("https://mail.outlook.live.com/", Before, None);
    add("https://live.com/", Before, None);
    add("https://outlook.com/", Before, None);
    add("https://outlook.live.com.evil.example/", Before, None);
    // A path rule of the person's overrides the preset for that path only.
    add("https://outlook.live.com/calendar", WORK, Some("u8"));
    add(
        "https://outlook.live.com/calendar/view/week",
        WORK,
        Some("u8"),
    );
    add(
        "https://outlook.live.com/calendarx",
        PERSONAL,
        Some("preset:outlook.live.com"),
    );
    add(
        "https://outlook.live.com/Calendar",
        PERSONAL,
        Some("preset:outlook.live.com"),
    );

    // Presets: services only work or school accounts use.
    for host in [
        "outlook.office.com",
        "outlook.office365.com",
        "myaccount.microsoft.com",
        "myapps.microsoft.com",
        "admin.microsoft.com",
    ] {
        let id: &'static str = Box::leak(format!("preset:{host}").into_boxed_str());
        add(&format!("https://{host}/mail"), WORK, Some(id));
        add(
            &format!("HTTPS://{}./", host.to_uppercase()),
            WORK,
            Some(id),
        );
    }
    // Hosts that serve both kinds are left to the person.
    add("https://www.office.com/", Before, None);
    add("https://portal.azure.com/", Before, None);
    add("https://copilot.microsoft.com/", Before, None);

    // The linked work tenant's own hosts, from its domains.
    add(
        "https://contoso.sharepoint.com/sites/hr",
        WORK,
        Some("tenant:contoso.sharepoint.com"),
    );
    add(
        "https://contoso-my.sharepoint.com/personal/ada",
        WORK,
        Some("tenant:contoso-my.sharepoint.com"),
    );
    add(
        "https://contoso-admin.sharepoint.com/",
        WORK,
        Some("tenant:contoso-admin.sharepoint.com"),
    );
    add(
        "https://CONTOSO.SharePoint.com./",
        WORK,
        Some("tenant:contoso.sharepoint.com"),
    );
    add("https://contoso.com/", WORK, Some("tenant:contoso.com"));
    add(
        "https://intranet.contoso.com/wiki",
        WORK,
        Some("tenant:*.contoso.com"),
    );
    add(
        "https://a.b.contoso.com/",
        WORK,
        Some("tenant:*.contoso.com"),
    );
    add("https://fabrikam.sharepoint.com/", Before, None);
    add("https://contoso.sharepoint.com.evil.example/", Before, None);
    add("https://evilcontoso.com/", Before, None);
    add("https://contoso.com.evil.example/", Before, None);
    add("https://contoso.onmicrosoft.com/", Before, None);
    add("https://sharepoint.com/", Before, None);

    // The admin's managed rules: Tandem's RoutingRules.
    add("https://a.forced.example/", WORK, Some("managed-1"));
    add("https://deep.a.forced.example/x", WORK, Some("managed-1"));
    add("https://forced.example/", PERSONAL, Some("u12"));
    add("https://intranet.corp/", WORK, Some("managed-2"));
    add("https://intranet.corp/wiki/a?b", WORK, Some("managed-2"));
    add("http://intranet.corp/", Before, None);
    add("https://intranet.corp.evil.example/", Before, None);
    add("https://docs.example/private", Ask, Some("managed-3"));
    add("https://docs.example/private/plans", Ask, Some("managed-3"));
    add("https://docs.example/privateer", PERSONAL, Some("u5"));
    add("https://docs.example/", PERSONAL, Some("u5"));

    // The admin's managed rules: Edge's AutomaticProfileSwitchingSiteList.
    add("https://edgework.example/", WORK, Some("edge-managed-1"));
    add("https://EDGEWORK.example./x", WORK, Some("edge-managed-1"));
    add("https://www.edgework.example/", Before, None);
    add("https://nopref.example/", CHROME, Some("u3"));
    add(
        "https://fabrikam.example/",
        FABRIKAM,
        Some("edge-managed-3"),
    );

    // The admin's recommended rules, which the person's override.
    add("https://recommended.example/", WORK, Some("recommended-1"));
    add("https://github.com/", PERSONAL, Some("u1"));

    // The person's rules.
    add("https://github.com/tandem-app/tandem", PERSONAL, Some("u1"));
    add("https://GITHUB.COM./", PERSONAL, Some("u1"));
    add("https://gist.github.com/", WORK, Some("u2"));
    add("https://a.b.github.com/", WORK, Some("u2"));
    add("https://github.community/", Before, None);
    add("https://example.com:8443/", CHROME, Some("u4"));
    add("http://example.com:8443/", CHROME, Some("u4"));
    add("https://example.com/", Before, None);
    add("https://example.com:8444/", Before, None);
    add("https://a.test/secret/1", Ask, Some("u6"));
    add("https://b.c.test/secret/", Ask, Some("u6"));
    add("https://a.test/secret", Before, None);
    add("https://a.test/public/secret/", Before, None);
    // A rule whose profile is gone asks, never opens a new profile.
    add("https://gone.example/", Ask, Some("u7"));
    add("https://192.168.1.10/admin", WORK, Some("u10"));
    // Leading zeros are octal, as browsers read them: this is 192.168.1.8.
    add("https://192.168.001.010/", Before, None);
    add("https://0xC0.168.1.10/", WORK, Some("u10"));
    add("https://3232235786/", WORK, Some("u10"));
    add("https://[::1]:8080/", PERSONAL, Some("u11"));
    add("https://[0:0:0:0:0:0:0:1]:8080/", PERSONAL, Some("u11"));
    add("https://[::1]/", Before, None);
    add("https://127.0.0.1/", Before, None);

    // Ports: a default port is ignored, another must be named.
    add("https://github.com:443/", PERSONAL, Some("u1"));
    add("http://github.com:80/", PERSONAL, Some("u1"));
    add("http://github.com/", PERSONAL, Some("u1"));
    add("https://github.com:80/", Before, None);
    add("https://github.com:8080/", Before, None);

    // IDN and homoglyphs: compared as the browser's ASCII (punycode) host.
    add("https://bücher.example/", WORK, Some("u9"));
    add("https://BÜCHER.example/", WORK, Some("u9"));
    add("https://xn--bcher-kva.example/", WORK, Some("u9"));
    add("https://bucher.example/", Before, None);
    add("https://outl\u{043e}\u{043e}k.live.com/", Before, None);
    add("https://g\u{0456}thub.com/", Before, None);
    add("https://github\u{3002}com/", PERSONAL, Some("u1"));
    add("https://ｇｉｔｈｕｂ.com/", PERSONAL, Some("u1"));
    add("https://xn--gthub-cta.com/", Before, None);
    add("https://contoso\u{2024}sharepoint.com/", Refused, None);

    // Userinfo and backslashes, parsed as the browser parses them.
    add("https://outlook.live.com@evil.example/", Before, None);
    add("https://outlook.live.com:pass@evil.example/", Before, None);
    add("https://user:pass@github.com/", PERSONAL, Some("u1"));
    add("https://evil.example@github.com/", PERSONAL, Some("u1"));
    add("https:\\\\github.com\\x", PERSONAL, Some("u1"));
    add("https://evil.example\\@github.com/", Before, None);
    add("https://github.com\\.evil.example/", PERSONAL, Some("u1"));
    add("https://github.com%2F@evil.example/", Before, None);
    add("https://ex%61mple.com:8443/", CHROME, Some("u4"));
    add("https:github.com/", PERSONAL, Some("u1"));
    add("https:/github.com/", PERSONAL, Some("u1"));
    add("https:///github.com/", PERSONAL, Some("u1"));

    // Trailing dots: one is the same host, two are another.
    add("https://github.com../", Before, None);
    add("https://.github.com/", Before, None);
    add("https://a..github.com/", Before, None);

    // Wrappers: Outlook Safe Links in every region and cloud.
    for region in [
        "nam12", "eur01", "aus01", "apc01", "gbr01", "can01", "ind01", "jpn01",
    ] {
        add(
            &safelinks(region, "https://github.com/x"),
            PERSONAL,
            Some("u1"),
        );
    }
    add(
        &format!(
            "https://gcc02.safelinks.protection.office365.us/?url={}&data=1",
            enc("https://contoso.sharepoint.com/sites/a")
        ),
        WORK,
        Some("tenant:contoso.sharepoint.com"),
    );
    add(
        &format!(
            "https://usg02.safelinks.protection.office365.us/?url={}",
            enc("https://outlook.live.com/")
        ),
        PERSONAL,
        Some("preset:outlook.live.com"),
    );
    add(
        &format!(
            "https://cn01.safelinks.protection.outlook.cn/?url={}",
            enc("https://gist.github.com/")
        ),
        WORK,
        Some("u2"),
    );
    add(
        &format!(
            "https://x.safelinks.protection.partner.outlook.cn/?url={}",
            enc("https://github.com/")
        ),
        PERSONAL,
        Some("u1"),
    );
    // Teams' Safe Links pages, old and new hosts.
    add(
        &teams_v1("https://outlook.office.com/"),
        WORK,
        Some("preset:outlook.office.com"),
    );
    add(
        &teams_v1("https://github.com/").replace("statics.", "staticsint."),
        PERSONAL,
        Some("u1"),
    );
    add(
        &teams_v2("https://contoso-my.sharepoint.com/x"),
        WORK,
        Some("tenant:contoso-my.sharepoint.com"),
    );
    add(
        &teams_v2("https://github.com/").replace(
            "teams.public.onecdn.static.microsoft",
            "statics.gov.teams.microsoft.us",
        ),
        PERSONAL,
        Some("u1"),
    );
    // Nested wrappers decide by the innermost link.
    add(
        &teams_v2(&safelinks("nam12", "https://github.com/")),
        PERSONAL,
        Some("u1"),
    );
    add(
        &safelinks(
            "eur01",
            &teams_v1(&safelinks("nam12", "https://contoso.com/")),
        ),
        WORK,
        Some("tenant:contoso.com"),
    );
    // Too deep: unwrapping stops, and the wrapper decides as it is.
    let mut deep = "https://github.com/".to_owned();
    for _ in 0..7 {
        deep = safelinks("nam12", &deep);
    }
    add(&deep, Before, None);
    // Malformed wrappers are decided as they are (their host matches no rule).
    add(
        "https://nam12.safelinks.protection.outlook.com/?data=1",
        Before,
        None,
    );
    add(
        "https://nam12.safelinks.protection.outlook.com/",
        Before,
        None,
    );
    add(
        "https://nam12.safelinks.protection.outlook.com/?url=javascript%3Aalert(1)",
        Before,
        None,
    );
    add(
        "https://nam12.safelinks.protection.outlook.com/?url=file%3A%2F%2F%2Fetc%2Fpasswd",
        Before,
        None,
    );
    add(
        "https://nam12.safelinks.protection.outlook.com/?url=--gpu-launcher%3Dx",
        Before,
        None,
    );
    add(
        "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fgithub.com&url=https%3A%2F%2Fcontoso.com",
        Before,
        None,
    );
    add(
        "https://nam12.safelinks.protection.outlook.com/?url=%E0%A4%A",
        Before,
        None,
    );
    add(
        "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2F",
        Before,
        None,
    );
    add(
        &teams_v1("https://github.com/").replace("/safelinks/", "/other/"),
        Before,
        None,
    );
    // Look-alikes: a wrapper's query on a foreign host is a plain link.
    add(
        &format!("https://evil.example/?url={}", enc("https://github.com/")),
        Before,
        None,
    );
    add(
        &format!(
            "https://safelinks.protection.outlook.com.evil.example/?url={}",
            enc("https://github.com/")
        ),
        Before,
        None,
    );
    add(
        &format!(
            "https://nam12.safelinks.protection.outlook.com@evil.example/?url={}",
            enc("https://github.com/")
        ),
        Before,
        None,
    );
    add(
        &format!(
            "https://evil.example/nam12.safelinks.protection.outlook.com/?url={}",
            enc("https://github.com/")
        ),
        Before,
        None,
    );
    add(
        &format!(
            "https://safelinksXprotection.outlook.com/?url={}",
            enc("https://github.com/")
        ),
        Before,
        None,
    );

    // Refused before anything is decided.
    for refused in [
        "file:///etc/passwd",
        "FILE:///C:/Windows/win.ini",
        "file://server/share/x",
        "\\\\server\\share\\x",
        "//server/share",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "blob:https://github.com/x",
        "chrome://settings",
        "edge://flags",
        "about:blank",
        "view-source:https://github.com/",
        "microsoft-edge:https://github.com/",
        "ftp://example.com/",
        "mailto:ada@contoso.com",
        "-https://github.com/",
        "--user-data-dir=/tmp/x",
        " https://github.com/",
        "https://github.com/ ",
        "https://git\thub.com/",
        "https://github.com/\n",
        "https://github.com/\u{202e}",
        "",
        "https://",
        "github.com",
        "https://exa mple.com/",
    ] {
        add(refused, Refused, None);
    }
    rows
}

#[test]
fn every_link_in_the_table_opens_where_it_belongs() {
    let router = common::router();
    let table = table();
    assert!(table.len() >= 150, "the table has {} links", table.len());
    println!("{} links decided", table.len());
    let mut wrong = Vec::new();
    for (url, expected, rule) in &table {
        let (got, got_rule) = common::outcome(&router, url);
        let rule_ok = rule.is_none_or(|rule| got_rule.as_deref() == Some(rule));
        if &got != expected || !rule_ok {
            wrong.push(format!(
                "{url:?}: expected {expected:?} by {rule:?}, got {got:?} by {got_rule:?}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn an_unreadable_managed_source_leaves_only_the_readable_managed_rules_deciding() {
    let router = common::router_with(
        common::USER_RULES,
        &[
            (
                "/etc/tandem/policies/managed/routing.json",
                common::MANAGED_TANDEM,
            ),
            ("/etc/opt/edge/policies/managed/broken.json", "{\"Automatic"),
        ],
    );
    assert_eq!(
        common::outcome(&router, "https://a.forced.example/").0,
        WORK
    );
    for asked in [
        "https://github.com/",
        "https://outlook.live.com/",
        "https://elsewhere.example/",
    ] {
        assert_eq!(common::outcome(&router, asked).0, Ask, "{asked}");
    }
}

#[test]
fn a_broken_rules_file_asks_below_the_managed_rules() {
    let router = common::router_with(
        "version = 1\n[[rule]\n",
        &[(
            "/etc/tandem/policies/managed/routing.json",
            common::MANAGED_TANDEM,
        )],
    );
    assert_eq!(
        common::outcome(&router, "https://a.forced.example/").0,
        WORK
    );
    assert_eq!(common::outcome(&router, "https://outlook.live.com/").0, Ask);
    let newer = common::router_with("version = 9\n", &[]);
    assert_eq!(common::outcome(&newer, "https://outlook.live.com/").0, Ask);
}

#[test]
fn the_fallback_is_the_persons_choice() {
    let ask = common::router_with("fallback = \"ask\"\n", &[]);
    assert_eq!(common::outcome(&ask, "https://elsewhere.example/").0, Ask);
    let fixed = common::router_with("fallback = \"chrome:Default\"\n", &[]);
    assert_eq!(
        common::outcome(&fixed, "https://elsewhere.example/").0,
        CHROME
    );
    let gone = common::router_with("fallback = \"edge:Profile 9\"\n", &[]);
    assert_eq!(common::outcome(&gone, "https://elsewhere.example/").0, Ask);
    let before = common::router_with("", &[]);
    assert_eq!(
        common::outcome(&before, "https://elsewhere.example/").0,
        Before
    );
}

#[test]
fn the_browser_is_given_the_wrapped_link_unless_the_person_chose_otherwise() {
    let wrapped = safelinks("nam12", "https://github.com/x");
    let router = common::router();
    let routed = tandem_routing::route(&router, &wrapped, &common::Machine).unwrap();
    assert_eq!(routed.open, wrapped);
    assert_eq!(
        routed.unwrapped.effective().original(),
        "https://github.com/x"
    );
    let unwrapping = common::router_with("unwrap_before_opening = true\n", &[]);
    let routed = tandem_routing::route(&unwrapping, &wrapped, &common::Machine).unwrap();
    assert_eq!(routed.open, "https://github.com/x");
}

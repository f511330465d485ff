//! The tray for real: the `tandem-tray` binary on a fake machine registers
//! with a desktop's tray host on a private bus, which reads its menu over
//! D-Bus and clicks its items, as a desktop does.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tandem_testkit::Machine;
use tandem_testkit::stand_in::StandIn;
use tandem_testkit::tray_host::{Entry, TrayHost};

/// A StatusNotifierItem's tooltip: icon name, icons, title, description.
type ToolTip = (String, Vec<(i32, i32, Vec<u8>)>, String, String);

struct Tray {
    child: Child,
}

impl Drop for Tray {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_tray(machine: &Machine, host: &TrayHost, lang: &str, app: &StandIn) -> Tray {
    let child = Command::new(env!("CARGO_BIN_EXE_tandem-tray"))
        .env_clear()
        .env("HOME", &machine.home)
        .envs(machine.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("DBUS_SESSION_BUS_ADDRESS", host.address())
        .env("LANG", lang)
        .env("TANDEM_APP", &app.program)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Tray { child }
}

fn labels(menu: &[Entry]) -> Vec<String> {
    menu.iter()
        .map(|entry| {
            if entry.separator {
                "---".to_owned()
            } else {
                entry.shown()
            }
        })
        .collect()
}

fn find<'a>(menu: &'a [Entry], label: &str) -> &'a Entry {
    menu.iter()
        .find(|entry| entry.shown() == label)
        .unwrap_or_else(|| panic!("no {label:?} in {:?}", labels(menu)))
}

/// Reads the menu until `ready` holds, for a change the tray is making.
fn menu_until(
    host: &TrayHost,
    item: &(String, String),
    ready: impl Fn(&[Entry]) -> bool,
) -> Vec<Entry> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let menu = host.menu(item);
        if ready(&menu) || Instant::now() > deadline {
            return menu;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn machine() -> (Machine, StandIn) {
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    let app = machine.stand_in("usr/lib/tandem/tandem-app");
    (machine, app)
}

#[test]
fn the_menu_groups_the_profiles_and_its_items_do_what_they_say() {
    let (machine, app) = machine();
    let edge = machine.stand_in("opt/microsoft/msedge/msedge");
    let host = TrayHost::start();
    let mut tray = start_tray(&machine, &host, "en_GB.UTF-8", &app);
    let item = host
        .item(Duration::from_secs(15))
        .expect("the tray registered with the host");
    let menu = menu_until(&host, &item, |menu| {
        menu.iter().any(|entry| entry.shown() == "Personal")
    });
    assert_eq!(
        labels(&menu),
        [
            "Account linking",
            "---",
            "Work",
            "Bob Work (Microsoft Edge)",
            "Personal",
            "Personal (Microsoft Edge)",
            "---",
            "Open Tandem",
            "Settings…",
            "---",
            "Quit"
        ]
    );
    let linking = find(&menu, "Account linking");
    assert_eq!(linking.toggle, Some(false));
    assert!(linking.enabled);
    assert!(
        !find(&menu, "Work").enabled,
        "a group's name is not an item"
    );

    // Linking from the tray: the work profile with the personal one beside it.
    host.click(&item, linking.id);
    let menu = menu_until(&host, &item, |menu| {
        find(menu, "Account linking").toggle == Some(true)
    });
    assert_eq!(
        find(&menu, "Account linking").toggle,
        Some(true),
        "{menu:?}"
    );
    let tandem = tandem_api::Tandem::open(&machine.locations()).unwrap();
    assert_eq!(tandem.status().links.len(), 1);
    let tooltip: ToolTip = host.property(&item, "ToolTip");
    assert!(tooltip.2.contains("linked"), "{tooltip:?}");

    // A profile opens in its browser.
    host.click(&item, find(&menu, "Personal (Microsoft Edge)").id);
    let runs = edge.wait_for(1, Duration::from_secs(10));
    assert_eq!(runs[0].args, ["--profile-directory=Profile 1"]);

    // The windows belong to the app's process, started on demand.
    host.click(&item, find(&menu, "Open Tandem").id);
    host.click(&item, find(&menu, "Settings…").id);
    let runs = app.wait_for(2, Duration::from_secs(10));
    // Started with what the window process needs to stay off the GPU and
    // the JIT, so it need not start itself again to add it, and with those
    // listed, so that the browsers it starts get the person's own environment.
    for run in &runs {
        assert_eq!(run.env.get("GDK_GL").map(String::as_str), Some("disable"));
        assert_eq!(run.env.get("JSC_useJIT").map(String::as_str), Some("false"));
        assert_eq!(
            run.env.get("MALLOC_ARENA_MAX").map(String::as_str),
            Some("1")
        );
        assert_eq!(
            run.env
                .get("WEBKIT_DISABLE_COMPOSITING_MODE")
                .map(String::as_str),
            Some("1")
        );
        let added = run.env.get("TANDEM_ADDED_ENV").cloned().unwrap_or_default();
        for name in ["GDK_GL", "JSC_useJIT", "MALLOC_ARENA_MAX"] {
            assert!(added.split(',').any(|added| added == name), "{added}");
        }
    }
    let mut started: Vec<Vec<String>> = runs.into_iter().map(|run| run.args).collect();
    started.sort();
    assert_eq!(started, [vec![], vec!["--settings".to_owned()]]);

    // Unlinking from the tray, then quitting.
    host.click(&item, find(&menu, "Account linking").id);
    let menu = menu_until(&host, &item, |menu| {
        find(menu, "Account linking").toggle == Some(false)
    });
    assert_eq!(find(&menu, "Account linking").toggle, Some(false));
    host.click_to_quit(&item, find(&menu, "Quit").id);
    let deadline = Instant::now() + Duration::from_secs(10);
    while tray.child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the tray did not quit");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_menu_speaks_dutch_with_a_dutch_locale_and_follows_policy() {
    let (machine, app) = machine();
    machine.policy(
        "etc/opt/edge/policies/managed/linking.json",
        Some(r#"{"LinkedAccountEnabled": false}"#),
    );
    let host = TrayHost::start();
    let _tray = start_tray(&machine, &host, "nl_NL.UTF-8", &app);
    let item = host.item(Duration::from_secs(15)).unwrap();
    let menu = menu_until(&host, &item, |menu| {
        menu.iter().any(|entry| entry.shown() == "Persoonlijk")
    });
    let shown = labels(&menu);
    for dutch in [
        "Werk",
        "Persoonlijk",
        "Tandem openen",
        "Instellingen…",
        "Afsluiten",
    ] {
        assert!(
            shown.iter().any(|label| label == dutch),
            "{dutch} not in {shown:?}"
        );
    }
    let linking = &menu[0];
    assert!(
        linking.shown().starts_with("Accounts koppelen: uit, "),
        "{}",
        linking.shown()
    );
    assert!(!linking.enabled, "policy forbids linking");

    // The window's language setting wins over the locale, live.
    tandem_api::settings::set_language(&machine.locations(), Some(tandem_i18n::Language::En))
        .unwrap();
    let menu = menu_until(&host, &item, |menu| {
        menu.iter().any(|entry| entry.shown() == "Open Tandem")
    });
    assert!(
        labels(&menu).contains(&"Quit".to_owned()),
        "{:?}",
        labels(&menu)
    );
}

#[test]
fn one_tray_per_session_and_quit_from_the_command_line() {
    let (machine, app) = machine();
    let host = TrayHost::start();
    let mut first = start_tray(&machine, &host, "en_GB.UTF-8", &app);
    host.item(Duration::from_secs(15)).unwrap();
    // The uninstaller sees it, by its folders.
    let locations = tandem_locations::Locations::under(machine.root.path());
    assert_eq!(
        tandem_api::setup::running(&locations),
        tandem_api::setup::Running::Yes(tandem_api::setup::Program::Tray)
    );
    let mut second = start_tray(&machine, &host, "en_GB.UTF-8", &app);
    let status = second.child.wait().unwrap();
    assert!(status.success(), "a second tray exits at once, quietly");
    let quit = Command::new(env!("CARGO_BIN_EXE_tandem-tray"))
        .arg("--quit")
        .env_clear()
        .env("HOME", &machine.home)
        .env("DBUS_SESSION_BUS_ADDRESS", host.address())
        .output()
        .unwrap();
    assert!(
        quit.status.success(),
        "{}",
        String::from_utf8_lossy(&quit.stderr)
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while first.child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the tray did not quit");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        tandem_api::setup::running(&locations),
        tandem_api::setup::Running::No
    );
}

/// Tandem waits in the tray almost all its life: this process must stay
/// small, so it never links the GUI stack the windows need.
#[test]
fn the_tray_links_no_web_view_and_no_gtk() {
    tandem_testkit::assert_links_no_gui(std::path::Path::new(env!("CARGO_BIN_EXE_tandem-tray")));
}

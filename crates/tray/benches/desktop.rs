//! The desktop's figures, measured as a person meets them: the real tray on
//! a private bus, clicked by a tray host as a desktop clicks it, starting the
//! real app (release build, `TANDEM_BENCH_APP`) on a real X display (Xvfb).
//!
//! - tray click to the switcher painted, cold (no window process) and warm
//!   (the window process already running, with the settings open);
//! - app start to first paint;
//! - tray toggle to the new link state on disk;
//! - PSS summed over all of Tandem's processes, tray only and with the
//!   switcher open, after 20 s idle (`TANDEM_IDLE_SECONDS`).
//!
//! "Painted" is when the window on the X display first shows content (see
//! `scripts/x11-window.py painted`). `scripts/bench` runs this under Xvfb;
//! without `TANDEM_BENCH_APP` or a display it says so and does nothing.

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tandem_testkit::Machine;
use tandem_testkit::tray_host::{Entry, TrayHost};

const SWITCHER: &str = "Tandem";
const SETTINGS: &str = "Tandem Settings";
const RUNS: usize = 5;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn x11(args: &[&str]) -> String {
    let output = Command::new("/usr/bin/python3")
        .arg(repo().join("scripts/x11-window.py"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "x11-window.py {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn window_count(title: &str) -> usize {
    x11(&["count", title]).trim().parse().unwrap()
}

/// Asks the window to close as a window manager does, again if the first
/// request goes unanswered, until it is gone.
fn close(title: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while window_count(title) > 0 {
        assert!(
            Instant::now() < deadline,
            "the window {title:?} did not close"
        );
        x11(&["close", title]);
        let asked = Instant::now();
        while window_count(title) > 0 && asked.elapsed() < Duration::from_secs(3) {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn wait_until(what: &str, limit: Duration, check: impl Fn() -> bool) {
    let deadline = Instant::now() + limit;
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs `action`, and returns how long until a window titled `title` was
/// painted: the watcher is connected to the display before the action.
fn time_to_paint(title: &str, home: &Path, action: impl FnOnce()) -> Duration {
    let mut watcher = Command::new("/usr/bin/python3")
        .arg(repo().join("scripts/x11-window.py"))
        .args(["painted", title, "20"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(watcher.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), "ready");
    let started = SystemTime::now();
    action();
    let Some(Ok(seen)) = lines.next() else {
        panic!("the window was not painted; the logs say:\n{}", logs(home));
    };
    let seen: f64 = seen.parse().unwrap();
    watcher.wait().unwrap();
    let started = started.duration_since(UNIX_EPOCH).unwrap().as_secs_f64();
    Duration::from_secs_f64((seen - started).max(0.0))
}

/// The processes named `name` whose `HOME` is `home`.
fn processes(name: &str, home: &Path) -> Vec<u32> {
    let wanted = format!("HOME={}", home.display());
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|comm| comm.trim() == name)
                && std::fs::read(format!("/proc/{pid}/environ"))
                    .is_ok_and(|environ| environ.split(|b| *b == 0).any(|v| v == wanted.as_bytes()))
        })
        .collect()
}

/// `pid` and its descendants, with their names.
fn tree(pid: u32) -> Vec<(u32, String)> {
    let mut all = vec![(pid, comm(pid))];
    let mut i = 0;
    while i < all.len() {
        let parent = all[i].0;
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Some(child) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else {
                continue;
            };
            let after = &stat[stat.rfind(')').unwrap() + 2..];
            if after.split(' ').nth(1) == Some(&parent.to_string()) {
                all.push((child, comm(child)));
            }
        }
        i += 1;
    }
    all
}

fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// Proportional set size in KiB: shared pages divided among their users.
fn pss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .ok()
        .and_then(|rollup| {
            rollup
                .lines()
                .find_map(|line| line.strip_prefix("Pss:"))
                .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn memory_report(label: &str, home: &Path) {
    let mut roots = processes("tandem-tray", home);
    roots.extend(processes("tandem-app", home));
    let mut total = 0;
    let mut parts = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for root in roots {
        // The tray starts the app, so the app may be in the tray's tree too.
        for (pid, name) in tree(root) {
            if !seen.insert(pid) {
                continue;
            }
            let pss = pss_kib(pid);
            total += pss;
            parts.push(format!("{name} {:.1}", pss as f64 / 1024.0));
        }
    }
    println!(
        "PSS, {label}: {:.1} MiB in all ({})",
        total as f64 / 1024.0,
        parts.join(", ")
    );
}

fn summary(label: &str, target: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label}: median {:.0} ms, best {:.0} ms, worst {:.0} ms over {} runs (target {target})",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(*times.last().unwrap()),
        times.len()
    );
}

fn find(menu: &[Entry], label: &str) -> i32 {
    menu.iter()
        .find(|entry| entry.shown() == label)
        .unwrap_or_else(|| panic!("no {label:?} in the tray menu"))
        .id
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn main() {
    let Some(app) = std::env::var_os("TANDEM_BENCH_APP").map(PathBuf::from) else {
        println!("desktop bench skipped: set TANDEM_BENCH_APP to a release tandem-app");
        return;
    };
    if std::env::var_os("DISPLAY").is_none() {
        println!("desktop bench skipped: no X display (scripts/bench runs it under Xvfb)");
        return;
    }
    // The X display and its key (xvfb-run sets one).
    let x_session: Vec<(&str, std::ffi::OsString)> = ["DISPLAY", "XAUTHORITY"]
        .into_iter()
        .filter_map(|name| Some((name, std::env::var_os(name)?)))
        .collect();
    let idle = Duration::from_secs(
        std::env::var("TANDEM_IDLE_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(20),
    );
    let machine = Machine::new();
    machine.edge_profiles("bob@contoso.test");
    // Set up already: the app opens the switcher, not the first-run wizard.
    tandem_api::settings::set_onboarded(&machine.locations(), true).unwrap();
    let host = TrayHost::start();
    let tray = Running(
        Command::new(env!("CARGO_BIN_EXE_tandem-tray"))
            .env_clear()
            .env("HOME", &machine.home)
            .envs(machine.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("DBUS_SESSION_BUS_ADDRESS", host.address())
            .envs(x_session.iter().map(|(k, v)| (k, v)))
            .env("LANG", "C.UTF-8")
            .env("NO_AT_BRIDGE", "1")
            .env("TANDEM_APP", &app)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let item = host
        .item(Duration::from_secs(15))
        .expect("the tray registered with the host");
    let deadline = Instant::now() + Duration::from_secs(15);
    let menu = loop {
        let menu = host.menu(&item);
        if menu.iter().any(|entry| entry.shown() == "Personal") || Instant::now() > deadline {
            break menu;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let open = find(&menu, "Open Tandem");
    let settings = find(&menu, "Settings…");
    let toggle = find(&menu, "Account linking");
    let app_running = || !processes("tandem-app", &machine.home).is_empty();

    // Idle in the tray alone.
    std::thread::sleep(idle);
    memory_report(
        &format!("tray only, window closed, idle {} s", idle.as_secs()),
        &machine.home,
    );

    // Tray toggle to the new state on disk (the link book in the data folder).
    let book = machine.data_dir();
    let fingerprint = || {
        let mut files: Vec<(PathBuf, SystemTime, u64)> = walk(&book)
            .into_iter()
            .filter_map(|path| {
                let meta = std::fs::metadata(&path).ok()?;
                Some((path, meta.modified().ok()?, meta.len()))
            })
            .collect();
        files.sort();
        files
    };
    let mut toggles = Vec::new();
    for _ in 0..10 {
        let before = fingerprint();
        let started = Instant::now();
        host.click(&item, toggle);
        let limit = started + Duration::from_secs(10);
        while fingerprint() == before {
            assert!(Instant::now() < limit, "the toggle changed nothing on disk");
            std::thread::sleep(Duration::from_micros(500));
        }
        toggles.push(started.elapsed());
        // Let the tray settle (its menu follows the change) before the next click.
        std::thread::sleep(Duration::from_millis(300));
    }
    summary(
        "tray toggle to the link state persisted",
        "< 100 ms",
        toggles,
    );

    // Cold: no window process runs; the click starts it.
    let mut cold = Vec::new();
    for _ in 0..RUNS {
        wait_until("no window process", Duration::from_secs(15), || {
            !app_running()
        });
        cold.push(time_to_paint(SWITCHER, &machine.home, || {
            host.click(&item, open)
        }));
        if cold.len() < RUNS {
            close(SWITCHER);
        }
    }
    summary(
        "tray click to switcher painted, cold (window process started)",
        "< 1 s",
        cold,
    );

    std::thread::sleep(idle);
    memory_report(
        &format!("switcher open, idle {} s", idle.as_secs()),
        &machine.home,
    );

    // Warm: the window process runs (the settings are open); the click
    // shows the switcher in it.
    host.click(&item, settings);
    wait_until("the settings window", Duration::from_secs(15), || {
        window_count(SETTINGS) == 1
    });
    close(SWITCHER);
    let mut warm = Vec::new();
    for _ in 0..RUNS {
        assert!(app_running());
        warm.push(time_to_paint(SWITCHER, &machine.home, || {
            host.click(&item, open)
        }));
        close(SWITCHER);
    }
    summary(
        "tray click to switcher painted, warm (window process running)",
        "< 300 ms",
        warm,
    );
    close(SETTINGS);
    wait_until("the window process to end", Duration::from_secs(15), || {
        !app_running()
    });

    // App start to first paint, started directly (as autostart or a launcher does).
    let mut starts = Vec::new();
    for _ in 0..RUNS {
        let mut child = None;
        starts.push(time_to_paint(SWITCHER, &machine.home, || {
            child = Some(Running(
                Command::new(&app)
                    .env_clear()
                    .env("HOME", &machine.home)
                    .envs(machine.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                    .env("DBUS_SESSION_BUS_ADDRESS", host.address())
                    .envs(x_session.iter().map(|(k, v)| (k, v)))
                    .env("LANG", "C.UTF-8")
                    .env("NO_AT_BRIDGE", "1")
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap(),
            ));
        }));
        close(SWITCHER);
        wait_until("the window process to end", Duration::from_secs(15), || {
            !app_running()
        });
        drop(child);
    }
    summary("app start to first paint", "< 1 s", starts);
    drop(tray);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => out.extend(walk(&path)),
            Ok(kind) if kind.is_file() => out.push(path),
            _ => {}
        }
    }
    out
}

/// The end of each of Tandem's log files, to say why a window did not come.
fn logs(home: &Path) -> String {
    walk(&home.join(".local/state/tandem/logs"))
        .into_iter()
        .filter_map(|file| {
            let text = std::fs::read_to_string(&file).ok()?;
            let tail: Vec<&str> = text.lines().rev().take(15).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            Some(format!("{}:\n{}", file.display(), tail.join("\n")))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

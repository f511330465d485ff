//! Discovery figures on a realistic fake machine: 8 Chromium browsers × 25
//! profiles, `Preferences` of 50 KB to 1 MB (250 KB on average). Prints:
//! full discovery time and throughput against a plain read of the same files,
//! re-read time after one profile changes, file-write-to-event latency, and
//! the peak memory of a process that only discovers.
//!
//! Run with `cargo bench -p tandem-profiles` (or `make bench`).

// A bench that cannot build its machine should stop right there.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tandem_locations::{Platform, UserRoots};
use tandem_profiles::watch::{DEFAULT_DEBOUNCE, ProfileWatcher};
use tandem_profiles::{BrowserId, Change, Discovery, discover};

const BROWSERS: [BrowserId; 8] = [
    BrowserId::Edge,
    BrowserId::EdgeBeta,
    BrowserId::EdgeDev,
    BrowserId::Chrome,
    BrowserId::ChromeBeta,
    BrowserId::Chromium,
    BrowserId::Brave,
    BrowserId::Vivaldi,
];
const PROFILES_PER_BROWSER: usize = 25;
/// Sizes in KB, cycled: 50 KB to 1 MB, 250 KB on average.
const SIZES_KB: [usize; 10] = [50, 60, 80, 100, 150, 200, 250, 300, 310, 1000];
const WORK_TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(index) = args.iter().position(|arg| arg == "--discover-only") {
        // The child process of the memory figure: discover, report the peak.
        let home = PathBuf::from(&args[index + 1]);
        let snapshot = discover(&UserRoots::conventional(Platform::Linux, &home));
        assert_eq!(
            snapshot.profiles.len(),
            BROWSERS.len() * PROFILES_PER_BROWSER
        );
        println!("{}", peak_rss_kib());
        return;
    }

    let machine = tempfile::tempdir().unwrap();
    let home = machine.path().join("home");
    let roots = UserRoots::conventional(Platform::Linux, &home);
    let files = build_machine(&roots);
    let total_bytes: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().len())
        .sum();
    let megabytes = total_bytes as f64 / 1e6;
    println!(
        "machine: {} browsers x {} profiles, {} files, {:.1} MB of Preferences",
        BROWSERS.len(),
        PROFILES_PER_BROWSER,
        files.len(),
        megabytes
    );

    // Warm the page cache, then time a plain read of the same files.
    let read_all = || {
        let mut bytes = 0;
        for file in &files {
            bytes += std::fs::read(file).unwrap().len();
        }
        bytes
    };
    read_all();
    let plain = median_of(15, || {
        let started = Instant::now();
        std::hint::black_box(read_all());
        started.elapsed()
    });
    let unreadable = discover(&roots)
        .profiles
        .iter()
        .filter(|profile| profile.unreadable.is_some())
        .count();
    assert_eq!(unreadable, 0, "the bench machine's files must all be valid");
    let full = median_of(15, || {
        let started = Instant::now();
        let snapshot = discover(&roots);
        let elapsed = started.elapsed();
        assert_eq!(snapshot.profiles.len(), 200);
        std::hint::black_box(snapshot);
        elapsed
    });
    println!(
        "plain read of the same files: {} ({:.0} MB/s)",
        ms(plain),
        megabytes / plain.as_secs_f64()
    );
    println!(
        "full discovery (target < 60 ms): {} ({:.0} MB/s)",
        ms(full),
        megabytes / full.as_secs_f64()
    );

    // One profile changes; only its browser, and in it only that file, is read again.
    let mut discovery = Discovery::new(roots.clone());
    let changed = roots
        .config_home
        .join("microsoft-edge/Profile 7/Preferences");
    // Alternating sign-out and sign-in, so every round is a real change.
    let mut flip = true;
    let reread = median_of(25, || {
        flip = !flip;
        replace(&changed, &preferences(250 * 1024, 7, flip));
        let started = Instant::now();
        let changes = discovery.rescan(BrowserId::Edge);
        let elapsed = started.elapsed();
        assert!(!changes.is_empty());
        std::hint::black_box(changes);
        elapsed
    });
    println!(
        "re-read after one profile changes (target < 5 ms): {}",
        ms(reread)
    );

    // From a file write to the event, through the real watcher.
    let (sender, events) = mpsc::channel();
    let watcher = ProfileWatcher::start(roots.clone(), DEFAULT_DEBOUNCE, move |event| {
        let _ = sender.send(event);
    })
    .unwrap();
    let mut latencies = Vec::new();
    // Each round signs a profile in or out, so each write is a real change.
    let mut signed_in: Vec<bool> = (0..PROFILES_PER_BROWSER).map(|p| p % 3 != 0).collect();
    for round in 0..40 {
        let profile = 1 + round % (PROFILES_PER_BROWSER - 1);
        let target = roots
            .config_home
            .join(format!("google-chrome/Profile {profile}/Preferences"));
        signed_in[profile] = !signed_in[profile];
        let signed_in = signed_in[profile];
        let dir = format!("Profile {profile}");
        let expected = if signed_in {
            Change::SignedIn {
                browser: BrowserId::Chrome,
                profile_dir: dir,
            }
        } else {
            Change::SignedOut {
                browser: BrowserId::Chrome,
                profile_dir: dir,
            }
        };
        let started = Instant::now();
        replace(&target, &preferences(100 * 1024, round, signed_in));
        // Only this write's own event counts, not a late one of an earlier round.
        while events.recv_timeout(Duration::from_secs(5)).unwrap().change != expected {}
        latencies.push(started.elapsed());
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(watcher);
    latencies.sort();
    let p50 = latencies[latencies.len() / 2];
    let p95 = latencies[latencies.len() * 95 / 100];
    println!(
        "file write to event (debounce {} ms): p50 {}, p95 {} (target p95 < 300 ms)",
        DEFAULT_DEBOUNCE.as_millis(),
        ms(p50),
        ms(p95)
    );

    // Peak memory of a process that only discovers the 200 profiles.
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--discover-only", home.to_str().unwrap()])
        .output()
        .unwrap();
    let peak: f64 = String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap();
    println!(
        "peak memory discovering 200 profiles (target < 30 MB): {:.1} MB RSS",
        peak / 1024.0
    );
}

fn median_of(runs: usize, mut run: impl FnMut() -> Duration) -> Duration {
    let mut times: Vec<Duration> = (0..runs).map(|_| run()).collect();
    times.sort();
    times[runs / 2]
}

fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn replace(path: &Path, text: &str) {
    let temp = path.with_file_name(".bench-tmp");
    std::fs::write(&temp, text).unwrap();
    std::fs::rename(&temp, path).unwrap();
}

/// Real profiles were written long ago; a file written this instant is
/// re-read every time, as its time stamp cannot be trusted yet.
fn age(file: &Path) {
    let an_hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(file)
        .unwrap()
        .set_modified(an_hour_ago)
        .unwrap();
}

fn build_machine(roots: &UserRoots) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for (b, browser) in BROWSERS.iter().enumerate() {
        let dir = browser.spec().user_data_dirs(roots).remove(0);
        let mut cache = serde_json::Map::new();
        for p in 0..PROFILES_PER_BROWSER {
            let name = if p == 0 {
                "Default".to_owned()
            } else {
                format!("Profile {p}")
            };
            cache.insert(
                name.clone(),
                serde_json::json!({"name": format!("Person {p}"), "is_using_default_name": true,
                    "active_time": 1764000000.5 + p as f64, "avatar_icon": "chrome://theme/IDR_PROFILE_AVATAR_26"}),
            );
            let size = SIZES_KB[(b * PROFILES_PER_BROWSER + p) % SIZES_KB.len()] * 1024;
            let file = dir.join(&name).join("Preferences");
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, preferences(size, p, p % 3 != 0)).unwrap();
            age(&file);
            files.push(file);
        }
        let state = serde_json::json!({"profile": {"info_cache": cache, "last_used": "Default"}});
        std::fs::write(dir.join("Local State"), serde_json::to_vec(&state).unwrap()).unwrap();
        age(&dir.join("Local State"));
    }
    files
}

/// A `Preferences` file shaped like Chromium's: keys in sorted order, the
/// account near the top, and most of the bulk in content settings and
/// extension state that Tandem skips.
fn preferences(size: usize, seed: usize, signed_in: bool) -> String {
    let mut out = String::with_capacity(size + 4096);
    out.push('{');
    if signed_in {
        out.push_str(&format!(
            r#""account_info":[{{"account_id":"{seed:021}","email":"user{seed}@contoso.com","full_name":"User {seed}","edge_account_tenant_id":"{WORK_TENANT}","edge_account_type":2,"gaia":"{seed:021}","hd":"contoso.com","locale":"en-GB","picture_url":"https://example.invalid/p/{seed}.png","accountcapabilities":{{"accountcapabilities/gi2tklldmfya":1,"accountcapabilities/gu2dqlldmfya":0}}}}],"#
        ));
    } else {
        out.push_str(r#""account_info":[],"#);
    }
    out.push_str(r#""browser":{"has_seen_welcome_page":true,"window_placement":{"bottom":1040,"left":10,"maximized":false,"right":1910,"top":10,"work_area_bottom":1080,"work_area_left":0,"work_area_right":1920,"work_area_top":0}},"#);
    out.push_str(r#""extensions":{"settings":{"#);
    let mut index = 0;
    while out.len() < size / 2 {
        out.push_str(&format!(
            r#""{index:032x}":{{"active_permissions":{{"api":["storage","tabs"],"explicit_host":["https://*.example.com/*"]}},"creation_flags":38,"from_webstore":true,"install_time":"1330{index:014}","location":1,"manifest":{{"name":"Extension \u00e9 {index}","version":"1.{index}.0","description":"A \"quoted\" description with \\ backslashes and unicode \u2603"}},"state":1}},"#
        ));
        index += 1;
    }
    out.push_str(r#""done":{}}},"#);
    out.push_str(r#""profile":{"avatar_index":26,"content_settings":{"exceptions":{"cookies":{"#);
    while out.len() < size.saturating_sub(400) {
        out.push_str(&format!(
            r#""https://site-{index}.example:443,*":{{"last_modified":"13300000000{index:06}","setting":{{"lastEngagementTime":1.3300000000e+16,"pointsAddedToday":{}.5,"rawScore":{}.25}}}},"#,
            index % 7,
            index % 13
        ));
        index += 1;
    }
    out.push_str(&format!(
        r#""end":{{}}}}}}}},"exit_type":"Normal","is_relative_to_aad":{},"name":"Person {seed}"}},"sync":{{"edge_account_type":{},"has_setup_completed":true}}}}"#,
        signed_in,
        if signed_in { 2 } else { 0 }
    ));
    out
}

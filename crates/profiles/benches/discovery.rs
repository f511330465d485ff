//! Discovery figures on a realistic fake machine: 8 Chromium browsers × 25
//! profiles, `Preferences` of 50 KB to 1 MB (250 KB on average). Prints:
//! full discovery time and throughput against a plain read of the same files,
//! re-read time after one profile changes, file-write-to-event latency, and
//! the peak memory of a process that only discovers.
//!
//! Run with `cargo bench -p tandem-profiles` (or `make bench`).

// A bench that cannot build its machine should stop right there.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tandem_locations::{Platform, UserRoots};
use tandem_profiles::watch::{DEFAULT_DEBOUNCE, ProfileWatcher};
use tandem_profiles::{BrowserId, Change, Discovery, discover};
use tandem_testkit::bench::{BROWSERS, PROFILES_PER_BROWSER, build_machine, preferences, replace};

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

//! `tandem open <url>`, the link handler, from process start to the
//! browser's exec, printed (`cargo bench -p tandem-cli --bench link_open`).
//! The browser is a stand-in that exits at once (a copy of `/bin/true`), so
//! what is measured is Tandem's own cost, on:
//!
//! - the 8 browsers × 25 profiles bench machine (`Preferences` of 50 KB to
//!   1 MB), and
//! - a machine with one Edge profile,
//!
//! each for a link a rule sends to a named profile, and a link a preset sends
//! to "work" with nothing linked (the most recently used work profile, from
//! the profile index in the cache once it is built). Beside them,
//! `/bin/true` in the same run, and the peak memory of `tandem open` (GNU
//! `time`, which counts the process before its exec too).

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use tandem_testkit::Machine;

const RUNS: usize = 300;
const EDGE: &str = "opt/microsoft/msedge/msedge";

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

fn command(machine: &Machine, program: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command
        .args(args)
        .env_clear()
        .env("HOME", &machine.home)
        .envs(machine.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    command
}

fn time(machine: &Machine, program: &Path, args: &[&str]) -> Duration {
    // Warm the page cache and the profile index first.
    for _ in 0..5 {
        assert!(command(machine, program, args).status().unwrap().success());
    }
    median(
        (0..RUNS)
            .map(|_| {
                let started = Instant::now();
                let status = command(machine, program, args).status().unwrap();
                let took = started.elapsed();
                assert!(status.success(), "{args:?}");
                took
            })
            .collect(),
    )
}

/// The largest peak memory (KiB) of `runs` runs, as GNU time reports it.
fn peak_kib(machine: &Machine, tandem: &Path, args: &[&str]) -> Option<u64> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let mut peak = 0;
    for _ in 0..20 {
        let mut full = vec!["-f", "%M", tandem.to_str().unwrap()];
        full.extend_from_slice(args);
        let output = command(machine, time, &full).output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = String::from_utf8_lossy(&output.stderr);
        let kib: u64 = text.trim().lines().last()?.trim().parse().ok()?;
        peak = peak.max(kib);
    }
    Some(peak)
}

fn stand_in_browser(machine: &Machine) {
    let browser = machine.system.join(EDGE);
    std::fs::create_dir_all(browser.parent().unwrap()).unwrap();
    std::fs::copy("/bin/true", &browser).unwrap();
}

fn rules(machine: &Machine) {
    machine.write(
        &machine.locations().config_dir().join("rules.toml"),
        "version = 1\n\n[[rule]]\nid = \"u1\"\npattern = \"bench.example\"\ntarget = \"edge:Default\"\n",
    );
}

fn one_profile_machine() -> Machine {
    let machine = Machine::new();
    let edge = machine.edge_dir();
    machine.write(
        &edge.join("Local State"),
        r#"{"profile":{"info_cache":{"Default":{"name":"Work","active_time":1764000000.5}},"last_used":"Default"}}"#,
    );
    machine.edge_work_account("ada@contoso.com");
    machine
}

fn main() {
    let tandem = Path::new(env!("CARGO_BIN_EXE_tandem"));
    let truth = Path::new("/bin/true");
    let big = Machine::new();
    tandem_testkit::bench::build_machine(big.locations().user_roots());
    let small = one_profile_machine();
    for machine in [&big, &small] {
        stand_in_browser(machine);
        rules(machine);
    }
    let named = ["open", "--", "https://bench.example/a/b?c=d"];
    let preset = ["open", "--", "https://outlook.office.com/mail/"];
    let baseline = time(&big, truth, &[]);
    println!(
        "/bin/true, process start to exit (median of {RUNS}): {}",
        ms(baseline)
    );
    for (label, machine) in [("8 × 25 profiles", &big), ("one profile", &small)] {
        for (what, args) in [
            ("a rule to a named profile", &named),
            ("a preset to \"work\", nothing linked", &preset),
        ] {
            let took = time(machine, tandem, args);
            println!(
                "tandem open, {what}, on {label} (median of {RUNS}): {} ({:.1}× /bin/true; target < 5 ms)",
                ms(took),
                took.as_secs_f64() / baseline.as_secs_f64()
            );
        }
    }
    match (
        peak_kib(&big, tandem, &named),
        peak_kib(&big, tandem, &preset),
    ) {
        (Some(named_kib), Some(preset_kib)) => println!(
            "tandem open, peak memory (max of 20, GNU time): {:.1} MB to a named profile, {:.1} MB by a preset (target < 10 MB)",
            named_kib as f64 / 1024.0,
            preset_kib as f64 / 1024.0
        ),
        _ => println!("tandem open, peak memory: /usr/bin/time (GNU time) is not installed"),
    }
}

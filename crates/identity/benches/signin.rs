//! Time from the authorization redirect reaching the loopback listener to the
//! tokens being stored in the keyring, against the local provider: the code
//! exchange, the JWKS fetch, ID token validation and the keyring write.
//! Needs a Secret Service: run as `scripts/with-keyring cargo bench -p
//! tandem-identity --bench signin` (`make bench` does).

// A bench that cannot start its provider should stop right there.
#![allow(clippy::unwrap_used)]

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use tandem_identity::{MicrosoftAccountKind, Vault};
use tandem_locations::Locations;

use tandem_testkit::provider;

fn main() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        eprintln!("signin bench: no session bus; run it through scripts/with-keyring");
        std::process::exit(1);
    }
    let op = provider::OidcProvider::start();
    let machine = tempfile::tempdir().unwrap();
    let vault = Vault::new(&Locations::under(machine.path()));
    let provider = op.provider(MicrosoftAccountKind::Personal);
    let mut times = Vec::new();
    let mut total = Vec::new();
    for _ in 0..20 {
        let started = std::time::Instant::now();
        let signed_in = provider
            .sign_in_with_browser(
                MicrosoftAccountKind::Personal,
                |url| {
                    let mut child = Command::new("node")
                        .arg(provider::support_dir().join("browser-login.mjs"))
                        .arg(url)
                        .env("TANDEM_TEST_USER", "alice")
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .spawn()
                        .map_err(|error| error.to_string())?;
                    std::thread::spawn(move || child.wait());
                    Ok(())
                },
                Duration::from_secs(30),
                &Arc::new(AtomicBool::new(false)),
            )
            .unwrap();
        vault.store(&signed_in.account, &signed_in.tokens).unwrap();
        times.push(signed_in.redirect_received.unwrap().elapsed());
        total.push(started.elapsed());
        vault.remove(&signed_in.account).unwrap();
    }
    times.sort();
    total.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "redirect at the listener to tokens in the keyring ({} sign-ins): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        times.len(),
        ms(times[times.len() / 2]),
        ms(times[times.len() * 95 / 100]),
        ms(times[times.len() - 1])
    );
    println!(
        "whole sign-in including the scripted browser: p50 {:.1} ms",
        ms(total[total.len() / 2])
    );
}

//! Desktop notifications (freedesktop.org notifications over the session
//! bus), for the processes with no window: the link handler, whose stderr
//! nobody sees, and the tray. A missing or silent notification daemon never
//! holds them up.

use std::time::Duration;

/// How long a notification may take to be accepted.
const NOTIFY_TIMEOUT: Duration = Duration::from_secs(2);

/// Text from outside shown safely: unsafe characters escaped, and the
/// markup some notification daemons read in a body made literal.
fn plain(text: &str) -> String {
    tandem_text::for_terminal(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Shows a notification; whether one was shown. The whole attempt,
/// connecting to the bus included, is bounded: a bus that accepts and never
/// answers costs [`NOTIFY_TIMEOUT`], then Tandem goes on without it.
pub fn notify(summary: &str, body: &str) -> bool {
    #[cfg(target_os = "linux")]
    {
        let (summary, body) = (plain(summary), plain(body));
        let (done, answer) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("tandem-notify".into())
            .spawn(move || {
                let _ = done.send(linux::notify(&summary, &body));
            });
        if spawned.is_err() {
            return false;
        }
        match answer.recv_timeout(NOTIFY_TIMEOUT) {
            Ok(Ok(())) => true,
            Ok(Err(error)) => {
                tracing::info!(%error, "no desktop notification could be shown");
                false
            }
            Err(_) => {
                tracing::info!("the session bus did not answer; no desktop notification");
                false
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (plain(summary), plain(body), NOTIFY_TIMEOUT);
        false
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::collections::HashMap;

    use dbus::arg::{RefArg, Variant};
    use dbus::blocking::Connection;

    pub fn notify(summary: &str, body: &str) -> Result<(), dbus::Error> {
        let connection = Connection::new_session()?;
        let proxy = connection.with_proxy(
            "org.freedesktop.Notifications",
            "/org/freedesktop/Notifications",
            super::NOTIFY_TIMEOUT,
        );
        let hints: HashMap<&str, Variant<Box<dyn RefArg>>> = HashMap::new();
        let (_id,): (u32,) = proxy.method_call(
            "org.freedesktop.Notifications",
            "Notify",
            (
                "Tandem",
                0u32,
                tandem_locations::APP_ID,
                summary,
                body,
                Vec::<&str>::new(),
                hints,
                -1i32,
            ),
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_body_shows_what_it_says() {
        assert_eq!(
            super::plain("https://a.example/?a=1&b=<i>\u{1b}[31m"),
            "https://a.example/?a=1&amp;b=&lt;i&gt;\\u{1b}[31m"
        );
    }
}

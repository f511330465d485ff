//! A desktop's notification daemon for tests: a private session bus
//! (`dbus-daemon`) on which this process owns `org.freedesktop.Notifications`
//! and records each notification it is asked to show.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dbus::channel::MatchingReceiver;
use dbus::message::MatchRule;

use crate::bus::PrivateBus;

/// One notification: its summary and body.
pub type Shown = (String, String);

pub struct NotificationDaemon {
    /// What a program puts in `DBUS_SESSION_BUS_ADDRESS` to reach it.
    pub address: String,
    shown: Arc<Mutex<Vec<Shown>>>,
    stop: Arc<AtomicBool>,
    _bus: PrivateBus,
}

impl std::fmt::Debug for NotificationDaemon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotificationDaemon")
            .field("address", &self.address)
            .finish()
    }
}

impl NotificationDaemon {
    pub fn start() -> Self {
        let bus = PrivateBus::start();
        let address = bus.address.clone();
        let shown = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        {
            let shown = shown.clone();
            let stop = stop.clone();
            let connection = bus.connect();
            std::thread::spawn(move || {
                connection
                    .request_name("org.freedesktop.Notifications", false, true, true)
                    .unwrap();
                connection.start_receive(
                    MatchRule::new_method_call(),
                    Box::new(move |message, connection| {
                        if message.member().as_deref() == Some("Notify") {
                            let (_app, _id, _icon, summary, body): (
                                String,
                                u32,
                                String,
                                String,
                                String,
                            ) = message.read5().unwrap_or_default();
                            shown.lock().unwrap().push((summary, body));
                            let _ = dbus::channel::Sender::send(
                                connection,
                                message.method_return().append1(7u32),
                            );
                        }
                        true
                    }),
                );
                ready_tx.send(()).unwrap();
                while !stop.load(Ordering::SeqCst) {
                    let _ = connection.process(Duration::from_millis(50));
                }
            });
        }
        ready_rx.recv_timeout(Duration::from_secs(10)).unwrap();
        Self {
            address,
            shown,
            stop,
            _bus: bus,
        }
    }

    /// What was shown so far, waiting up to `limit` for at least `count`.
    pub fn shown(&self, count: usize, limit: Duration) -> Vec<Shown> {
        let deadline = Instant::now() + limit;
        loop {
            let shown = self.shown.lock().unwrap().clone();
            if shown.len() >= count || Instant::now() > deadline {
                return shown;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for NotificationDaemon {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

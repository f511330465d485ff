//! A private session bus (`dbus-daemon`) for one test, so what the test
//! serves or watches on it meets nothing else.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct PrivateBus {
    /// What a program puts in `DBUS_SESSION_BUS_ADDRESS` to reach it.
    pub address: String,
    daemon: Child,
    _dir: tempfile::TempDir,
}

impl std::fmt::Debug for PrivateBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrivateBus")
            .field("address", &self.address)
            .finish()
    }
}

impl PrivateBus {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("bus");
        let address = format!("unix:path={}", socket.display());
        let daemon = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--nopidfile"])
            .arg(format!("--address={address}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (the dbus package) runs the test bus");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !socket.exists() {
            assert!(Instant::now() < deadline, "the test bus did not start");
            std::thread::sleep(Duration::from_millis(10));
        }
        Self {
            address,
            daemon,
            _dir: dir,
        }
    }

    /// A connection of this test's own to the bus.
    pub fn connect(&self) -> dbus::blocking::Connection {
        let mut channel = dbus::channel::Channel::open_private(&self.address).unwrap();
        channel.register().unwrap();
        dbus::blocking::Connection::from(channel)
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

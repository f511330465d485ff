//! A desktop's tray host, for tests: on a private bus it is the
//! `org.kde.StatusNotifierWatcher` a tray registers with, and it reads a
//! registered tray's menu (`com.canonical.dbusmenu`) and clicks its items,
//! as a desktop's tray does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dbus::arg::{PropMap, RefArg, Variant};
use dbus::blocking::Connection;
use dbus::channel::{MatchingReceiver, Sender};
use dbus::message::MatchRule;

use crate::bus::PrivateBus;

const WATCHER: &str = "org.kde.StatusNotifierWatcher";

/// A dbusmenu layout node: id, properties, children.
type Layout = (i32, PropMap, Vec<Variant<Box<dyn RefArg>>>);
const TIMEOUT: Duration = Duration::from_secs(5);

/// One menu entry as a desktop reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: i32,
    pub label: String,
    pub enabled: bool,
    /// `Some(checked)` for a checkable item.
    pub toggle: Option<bool>,
    pub separator: bool,
    pub children: Vec<Entry>,
}

impl Entry {
    /// The label as shown: `__` is one underscore, a single `_` marks the
    /// access key and is not shown.
    pub fn shown(&self) -> String {
        let mut out = String::new();
        let mut chars = self.label.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '_' {
                if chars.peek() == Some(&'_') {
                    chars.next();
                    out.push('_');
                }
            } else {
                out.push(c);
            }
        }
        out
    }
}

pub struct TrayHost {
    bus: PrivateBus,
    /// Registered items: (bus name, object path).
    items: Arc<Mutex<Vec<(String, String)>>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    reader: Connection,
}

impl std::fmt::Debug for TrayHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrayHost").field("bus", &self.bus).finish()
    }
}

fn reply_property(name: &str, items: &[(String, String)]) -> Option<Box<dyn RefArg>> {
    match name {
        "RegisteredStatusNotifierItems" => Some(Box::new(
            items
                .iter()
                .map(|(bus, path)| format!("{bus}{path}"))
                .collect::<Vec<_>>(),
        )),
        "IsStatusNotifierHostRegistered" => Some(Box::new(true)),
        "ProtocolVersion" => Some(Box::new(0i32)),
        _ => None,
    }
}

impl TrayHost {
    /// A bus with a tray host on it, waiting for trays.
    pub fn start() -> Self {
        let bus = PrivateBus::start();
        let items: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (ready, wait) = std::sync::mpsc::channel();
        {
            let items = items.clone();
            let stop = stop.clone();
            let connection = bus.connect();
            std::thread::spawn(move || {
                connection.request_name(WATCHER, false, true, true).unwrap();
                connection.start_receive(
                    MatchRule::new_method_call(),
                    Box::new(move |message, connection| {
                        let member = message.member().map(|m| m.to_string()).unwrap_or_default();
                        let reply = match member.as_str() {
                            "RegisterStatusNotifierItem" => {
                                let argument: String = message.read1().unwrap_or_default();
                                let sender =
                                    message.sender().map(|s| s.to_string()).unwrap_or_default();
                                // The argument is the item's path or its bus name.
                                let (name, path) = if argument.starts_with('/') {
                                    (sender, argument)
                                } else {
                                    (argument, "/StatusNotifierItem".to_owned())
                                };
                                items.lock().unwrap().push((name, path));
                                message.method_return()
                            }
                            "RegisterStatusNotifierHost" => message.method_return(),
                            "Get" => {
                                let (_interface, name): (String, String) =
                                    message.read2().unwrap_or_default();
                                match reply_property(&name, &items.lock().unwrap()) {
                                    Some(value) => message.method_return().append1(Variant(value)),
                                    None => message.method_return(),
                                }
                            }
                            "GetAll" => {
                                let all: PropMap = [
                                    "RegisteredStatusNotifierItems",
                                    "IsStatusNotifierHostRegistered",
                                    "ProtocolVersion",
                                ]
                                .into_iter()
                                .filter_map(|name| {
                                    reply_property(name, &items.lock().unwrap())
                                        .map(|value| (name.to_owned(), Variant(value)))
                                })
                                .collect();
                                message.method_return().append1(all)
                            }
                            _ => return true,
                        };
                        let _ = connection.send(reply);
                        true
                    }),
                );
                ready.send(()).unwrap();
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    let _ = connection.process(Duration::from_millis(20));
                }
            });
        }
        wait.recv_timeout(Duration::from_secs(10)).unwrap();
        let reader = bus.connect();
        Self {
            bus,
            items,
            stop,
            reader,
        }
    }

    pub fn address(&self) -> &str {
        &self.bus.address
    }

    /// The first tray registered, waiting up to `limit`.
    pub fn item(&self, limit: Duration) -> Option<(String, String)> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(item) = self.items.lock().unwrap().first().cloned() {
                return Some(item);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn menu_path(&self, (bus, path): &(String, String)) -> (String, dbus::Path<'static>) {
        use dbus::blocking::stdintf::org_freedesktop_dbus::Properties;
        let proxy = self.reader.with_proxy(bus.as_str(), path.as_str(), TIMEOUT);
        let menu: dbus::Path<'static> = proxy.get("org.kde.StatusNotifierItem", "Menu").unwrap();
        (bus.clone(), menu)
    }

    /// A property of the item itself (`ToolTip`, `IconPixmap`…).
    pub fn property<T: for<'a> dbus::arg::Get<'a> + 'static>(
        &self,
        item: &(String, String),
        name: &str,
    ) -> T {
        use dbus::blocking::stdintf::org_freedesktop_dbus::Properties;
        let proxy = self
            .reader
            .with_proxy(item.0.as_str(), item.1.as_str(), TIMEOUT);
        proxy.get("org.kde.StatusNotifierItem", name).unwrap()
    }

    /// The menu, as a tray shows it on a click.
    pub fn menu(&self, item: &(String, String)) -> Vec<Entry> {
        let (bus, path) = self.menu_path(item);
        let proxy = self.reader.with_proxy(bus.as_str(), path, TIMEOUT);
        let _: Result<(bool,), _> =
            proxy.method_call("com.canonical.dbusmenu", "AboutToShow", (0i32,));
        let (_revision, layout): (u32, Layout) = proxy
            .method_call(
                "com.canonical.dbusmenu",
                "GetLayout",
                (0i32, -1i32, Vec::<String>::new()),
            )
            .unwrap();
        layout
            .2
            .iter()
            .map(|child| entry(child.0.as_ref()))
            .collect()
    }

    /// Clicks the item with this id.
    pub fn click(&self, item: &(String, String), id: i32) {
        self.send_click(item, id).unwrap();
    }

    /// Clicks an item that ends the tray (Quit): it may leave the bus
    /// before its reply to the click is sent, which is no failure.
    pub fn click_to_quit(&self, item: &(String, String), id: i32) {
        if let Err(error) = self.send_click(item, id) {
            assert_eq!(
                error.name(),
                Some("org.freedesktop.DBus.Error.NoReply"),
                "{error}"
            );
        }
    }

    fn send_click(&self, item: &(String, String), id: i32) -> Result<(), dbus::Error> {
        let (bus, path) = self.menu_path(item);
        let proxy = self.reader.with_proxy(bus.as_str(), path, TIMEOUT);
        proxy.method_call(
            "com.canonical.dbusmenu",
            "Event",
            (id, "clicked", Variant(String::new()), 0u32),
        )
    }
}

impl Drop for TrayHost {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// An `(ia{sv}av)` layout node, read from its generic form.
fn entry(node: &dyn RefArg) -> Entry {
    // A variant wraps the struct; a struct iterates its fields.
    let mut value: &dyn RefArg = node;
    if let Some(mut inner) = value.as_iter()
        && value.arg_type() == dbus::arg::ArgType::Variant
        && let Some(first) = inner.next()
    {
        value = first;
    }
    let mut fields = value.as_iter().expect("a menu node is a struct");
    let id = fields.next().and_then(|id| id.as_i64()).unwrap_or(-1) as i32;
    let mut props: HashMap<String, &dyn RefArg> = HashMap::new();
    if let Some(dict) = fields.next()
        && let Some(mut pairs) = dict.as_iter()
    {
        while let (Some(key), Some(value)) = (pairs.next(), pairs.next()) {
            if let Some(key) = key.as_str() {
                // Each value is a variant.
                let inner = value
                    .as_iter()
                    .and_then(|mut inner| inner.next())
                    .unwrap_or(value);
                props.insert(key.to_owned(), inner);
            }
        }
    }
    let children = fields
        .next()
        .and_then(|children| children.as_iter())
        .map(|children| children.map(|child| entry(&child.box_clone())).collect())
        .unwrap_or_default();
    let text = |name: &str| props.get(name).and_then(|v| v.as_str()).map(str::to_owned);
    let flag = |name: &str| {
        props
            .get(name)
            .and_then(|v| v.as_u64().or_else(|| v.as_i64().map(|i| i as u64)))
    };
    Entry {
        id,
        label: text("label").unwrap_or_default(),
        enabled: flag("enabled").is_none_or(|enabled| enabled != 0),
        toggle: text("toggle-type")
            .filter(|kind| !kind.is_empty())
            .map(|_| flag("toggle-state") == Some(1)),
        separator: text("type").as_deref() == Some("separator"),
        children,
    }
}

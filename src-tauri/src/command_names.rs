// The app's own IPC commands. build.rs includes this file to declare them in the
// app manifest, so each must be granted to a window by a capability file before
// that window can call it; a test checks the capabilities against this list.
pub const COMMAND_NAMES: &[&str] = &["app_info", "list_profiles", "open_profile"];

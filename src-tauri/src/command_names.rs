// The app's own IPC commands. build.rs includes this file to declare them in the
// app manifest, so each must be granted to a window by a capability file before
// that window can call it; a test checks the capabilities against this list.
pub const COMMAND_NAMES: &[&str] = &[
    "app_info",
    "list_profiles",
    "open_profile",
    "link_status",
    "link_history",
    "link_profile",
    "link_with_sign_in",
    "cancel_sign_in",
    "unlink_profile",
    "export_personal_data",
    "delete_personal_data",
    "restrict_personal_data",
    "remove_all_data",
    "routing_rules",
    "add_rule",
    "remove_rule",
    "set_fallback",
    "set_unwrap_before_opening",
    "test_route",
    "handler_status",
    "set_link_handler",
    "waiting_link",
    "open_link_in",
    "dismiss_link",
];

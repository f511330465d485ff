//! The events Rust sends the window. Their names are generated into the
//! UI's bindings, so the two sides cannot drift.

/// Live profile changes, with the new snapshot (`ProfileEvent`).
pub const PROFILES_CHANGED: &str = "profiles-changed";
/// The links, their state and policy changed (`Status`).
pub const LINKS_CHANGED: &str = "links-changed";
/// A sign-in under way moved on (`Progress`).
pub const SIGN_IN_PROGRESS: &str = "sign-in-progress";
/// Another link waits in the picker (no payload: the picker asks for it).
pub const LINK_WAITING: &str = "link-waiting";
/// The person chose another language (`Language`): every window re-words.
pub const LANGUAGE_CHANGED: &str = "language-changed";
